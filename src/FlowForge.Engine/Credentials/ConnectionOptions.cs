namespace FlowForge.Engine.Credentials;

/// <summary>Limits of connections and how nodes use them; bound to configuration section <c>Connections</c>.</summary>
public sealed class ConnectionOptions
{
    public const string Section = "Connections";

    /// <summary>The most a connection's secret may hold, in UTF-8 bytes of its JSON fields.</summary>
    public int MaxSecretBytes { get; set; } = 16 * 1024;

    /// <summary>The longest a connection's name may be, in characters.</summary>
    public int MaxNameLength { get; set; } = 100;

    /// <summary>How many connections one user may have.</summary>
    public int MaxPerUser { get; set; } = 200;

    /// <summary>The most a connection's non-secret settings may hold, in UTF-8 bytes of JSON.</summary>
    public int MaxSettingsBytes { get; set; } = 16 * 1024;

    /// <summary>An OAuth access token expiring within this many seconds is refreshed before a request is sent.</summary>
    public int RefreshMarginSeconds { get; set; } = 60;

    /// <summary>The longest a provider's <c>Retry-After</c> may defer a node, in seconds; a longer one is cut to this.</summary>
    public int MaxRetryAfterSeconds { get; set; } = 3600;

    /// <summary>
    /// The largest request body a connection's client keeps in memory so that it can send it again after refreshing an
    /// OAuth token on a 401, in bytes; a larger body fails the request.
    /// </summary>
    public int MaxRequestBufferBytes { get; set; } = 10 * 1024 * 1024;
}
