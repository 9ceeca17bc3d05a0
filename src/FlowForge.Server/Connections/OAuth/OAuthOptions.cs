using FlowForge.Server.Connections.Providers;

namespace FlowForge.Server.Connections.OAuth;

/// <summary>
/// OAuth connections and the provider catalog, bound to section <c>Connections</c> (which other connection settings
/// share): where extra provider files live, each provider's client credentials, and the bounds of the OAuth round trip.
/// </summary>
public sealed class OAuthOptions
{
    public const string Section = "Connections";

    /// <summary>A folder of extra provider files (<c>&lt;id&gt;.json</c>, the shape of the built-in ones); one with a built-in id replaces it.</summary>
    public string? ProvidersFolder { get; set; }

    /// <summary>Client id and secret, and URL overrides, per provider id.</summary>
    public Dictionary<string, ProviderSettings> Providers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long an authorization may take between start and callback.</summary>
    public int OAuthStateMinutes { get; set; } = 10;

    /// <summary>How long a call to a provider's token endpoint may take.</summary>
    public int TokenRequestTimeoutSeconds { get; set; } = 30;

    /// <summary>How long a call to a provider's revoke endpoint may take before deletion goes on without it.</summary>
    public int RevokeTimeoutSeconds { get; set; } = 10;

    /// <summary>The largest token endpoint answer read, in bytes.</summary>
    public int MaxTokenResponseBytes { get; set; } = 64 * 1024;

    /// <summary>How long one process may hold a connection's refresh lock before another may take over.</summary>
    public int RefreshLockSeconds { get; set; } = 60;

    /// <summary>The most scopes one connection may ask for.</summary>
    public int MaxScopes { get; set; } = 50;

    /// <summary>The longest scope, connection name or URL accepted at start, in characters.</summary>
    public int MaxFieldLength { get; set; } = 2000;

    /// <summary>Where the web app shows connections; the callback redirects there (relative to the server).</summary>
    public string ConnectionsPagePath { get; set; } = "/connections";
}
