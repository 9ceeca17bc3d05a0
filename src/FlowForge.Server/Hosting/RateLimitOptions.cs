using FlowForge.Engine.Limits;

namespace FlowForge.Server.Hosting;

/// <summary>Limits on the API, bound to section <c>RateLimits</c>. Excess calls get 429 with Retry-After.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Sustained run starts per second per user.</summary>
    public double RunStartsPerSecond { get; set; } = 5_000;

    /// <summary>Run starts a user may make at once after being idle.</summary>
    public int RunStartBurst { get; set; } = 10_000;

    /// <summary>Sustained sign-ins (<c>POST /api/auth/token</c>) per minute from one client address.</summary>
    public double SignInPerMinute { get; set; } = 10;

    /// <summary>Sign-ins one client address may make at once after being idle.</summary>
    public int SignInBurst { get; set; } = 20;

    /// <summary>Sustained sign-ins and registrations per minute for one account (email), whatever the address.</summary>
    public double SignInPerAccountPerMinute { get; set; } = 5;

    /// <summary>Sign-ins and registrations one account may see at once after being idle.</summary>
    public int SignInPerAccountBurst { get; set; } = 10;

    /// <summary>Sustained registrations (<c>POST /api/auth/register</c>) per minute from one client address.</summary>
    public double RegistrationsPerMinute { get; set; } = 5;

    /// <summary>Registrations one client address may make at once after being idle.</summary>
    public int RegistrationBurst { get; set; } = 20;

    /// <summary>
    /// Takes the client address from the last <c>X-Forwarded-For</c> entry (the one the gateway appended) instead of
    /// the connection. Turn on only behind a gateway that sets the header; otherwise a client could pick its own bucket.
    /// </summary>
    public bool TrustForwardedFor { get; set; }

    /// <summary>Made again only when the settings it is made of change: every run start asks for it.</summary>
    public RateLimitPolicy RunStarts =>
        field is { } made && made.Capacity == RunStartBurst && made.TokensPerSecond.Equals(RunStartsPerSecond)
            ? made
            : field = new(RunStartBurst, RunStartsPerSecond);

    public RateLimitPolicy SignInsPerAddress => new(SignInBurst, SignInPerMinute / 60);

    public RateLimitPolicy SignInsPerAccount => new(SignInPerAccountBurst, SignInPerAccountPerMinute / 60);

    public RateLimitPolicy RegistrationsPerAddress => new(RegistrationBurst, RegistrationsPerMinute / 60);
}
