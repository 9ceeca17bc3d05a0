using System.Net;

namespace FlowForge.Nodes.Http;

/// <summary>One entry of <see cref="HttpOptions.AllowedHosts"/>: a host name, a <c>*.domain</c> wildcard, an IP address or a CIDR range.</summary>
public sealed class AllowedHost
{
    private readonly string? _name;
    private readonly string? _suffix;
    private readonly IPNetwork? _network;

    private AllowedHost(string? name, string? suffix, IPNetwork? network)
    {
        _name = name;
        _suffix = suffix;
        _network = network;
    }

    public static bool TryParse(string? text, out AllowedHost? entry)
    {
        entry = null;
        var value = text?.Trim().TrimEnd('.').ToLowerInvariant();
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        if (IPNetwork.TryParse(value, out var network))
        {
            entry = new AllowedHost(null, null, network);
            return true;
        }

        if (IPAddress.TryParse(value.Trim('[', ']'), out var address))
        {
            entry = new AllowedHost(null, null, new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            return true;
        }

        if (value.StartsWith("*.", StringComparison.Ordinal) && Uri.CheckHostName(value[2..]) == UriHostNameType.Dns)
        {
            entry = new AllowedHost(null, value[1..], null);
            return true;
        }

        if (Uri.CheckHostName(value) == UriHostNameType.Dns)
        {
            entry = new AllowedHost(value, null, null);
            return true;
        }

        return false;
    }

    /// <summary>True when the entry names this host (as written in the URL, lower-case, without a trailing dot).</summary>
    public bool MatchesHost(string host) =>
        (_name is not null && string.Equals(_name, host, StringComparison.Ordinal))
        || (_suffix is not null && host.EndsWith(_suffix, StringComparison.Ordinal));

    /// <summary>True when the entry is an address or range holding <paramref name="address"/>.</summary>
    public bool Contains(IPAddress address) => _network is { } network && network.Contains(AddressRules.Canonical(address));
}
