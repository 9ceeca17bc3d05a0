namespace FlowForge.Server.Auth;

/// <summary>Sign-in settings, bound to section <c>Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Open registration; set to false to close <c>POST /api/auth/register</c>.</summary>
    public bool AllowRegistration { get; set; } = true;

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(12);

    public int MinPasswordLength { get; set; } = 8;
}
