namespace FlowForge.Engine.Credentials;

/// <summary>
/// The host's outbound HTTP as connections use it: the handler that keeps requests off internal networks (the same
/// as <c>http.request</c>'s) and its limits. Without one registered, nodes get no connections.
/// </summary>
public interface IOutboundHttp
{
    /// <summary>A guarded handler to wrap; disposing it must not close anything shared.</summary>
    HttpMessageHandler CreateHandler();

    /// <summary>The largest response body a client reads into memory, in bytes.</summary>
    long MaxResponseBytes { get; }

    /// <summary>How long one request may take.</summary>
    TimeSpan Timeout { get; }
}
