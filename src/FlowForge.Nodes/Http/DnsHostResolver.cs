using System.Net;

namespace FlowForge.Nodes.Http;

/// <summary>Resolves host names with the system's DNS.</summary>
public sealed class DnsHostResolver : IHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Dns.GetHostAddressesAsync(host, cancellationToken);
}
