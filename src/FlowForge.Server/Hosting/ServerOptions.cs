namespace FlowForge.Server.Hosting;

/// <summary>HTTP limits, bound to section <c>Server</c>.</summary>
public sealed class ServerOptions
{
    public const string Section = "Server";

    /// <summary>Largest request body accepted; larger ones get 413. A 1,000-node flow is well under 1 MB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;
}
