namespace FlowForge.Nodes.Http;

/// <summary>
/// Bounds and the outbound address policy of the <c>http.request</c> node (and of anything else that calls out
/// through <see cref="SsrfGuard"/>); bound to configuration section <c>Http</c>.
/// </summary>
public sealed class HttpOptions
{
    public const string Section = "Http";

    /// <summary>
    /// Lets requests reach private, loopback, link-local and other internal addresses (self-hosted use). Cloud
    /// metadata addresses stay refused unless listed in <see cref="AllowedHosts"/>.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>
    /// Hosts that may resolve to internal addresses even with the guard on: a host name (<c>api.internal</c>),
    /// a wildcard (<c>*.corp.example</c>), an IP address or a CIDR range (<c>10.20.0.0/16</c>).
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>The largest response body read, in bytes (after decompression); a larger one fails the node.</summary>
    public long MaxResponseBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>The most redirects followed for one request; a node's <c>maxRedirects</c> may only lower it.</summary>
    public int MaxRedirects { get; set; } = 5;

    /// <summary>How long a request may take when the node's <c>timeoutMs</c> does not say.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest <c>Retry-After</c> honoured; a server asking for longer fails the node without a retry.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromHours(1);
}
