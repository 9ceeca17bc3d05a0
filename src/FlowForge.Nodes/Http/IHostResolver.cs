namespace FlowForge.Nodes.Http;

/// <summary>Resolves a host name to its addresses for <see cref="SsrfGuard"/>; the default asks the system's DNS.</summary>
public interface IHostResolver
{
    Task<System.Net.IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}
