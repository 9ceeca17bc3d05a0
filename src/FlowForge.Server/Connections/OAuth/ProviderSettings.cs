namespace FlowForge.Server.Connections.OAuth;

/// <summary>A provider's deployment settings: <c>Connections:Providers:&lt;id&gt;</c>. The secret is never logged or returned.</summary>
public sealed class ProviderSettings
{
    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    public string? AuthorizeUrl { get; set; }

    public string? TokenUrl { get; set; }

    public string? RevokeUrl { get; set; }

    public string? ApiBaseUrl { get; set; }

    public string? TestUrl { get; set; }

    public override string ToString() => $"ClientId={ClientId}, ClientSecret={(string.IsNullOrEmpty(ClientSecret) ? "(none)" : "(set)")}";
}
