using System.Net;
using System.Net.Sockets;

namespace FlowForge.Nodes.Http;

/// <summary>
/// Which addresses an outbound request may not reach with the guard on: everything that is not the public
/// internet. IPv6 forms that carry an IPv4 address (mapped, NAT64, 6to4) are judged by the address they carry.
/// </summary>
public static class AddressRules
{
    private static readonly (IPNetwork Network, string Kind)[] Blocked =
    [
        (IPNetwork.Parse("169.254.169.254/32"), AddressKinds.Metadata),
        (IPNetwork.Parse("fd00:ec2::254/128"), AddressKinds.Metadata),
        (IPNetwork.Parse("0.0.0.0/8"), AddressKinds.Unspecified),
        (IPNetwork.Parse("10.0.0.0/8"), AddressKinds.Private),
        (IPNetwork.Parse("100.64.0.0/10"), AddressKinds.CarrierGradeNat),
        (IPNetwork.Parse("127.0.0.0/8"), AddressKinds.Loopback),
        (IPNetwork.Parse("169.254.0.0/16"), AddressKinds.LinkLocal),
        (IPNetwork.Parse("172.16.0.0/12"), AddressKinds.Private),
        (IPNetwork.Parse("192.0.0.0/24"), AddressKinds.Reserved),
        (IPNetwork.Parse("192.168.0.0/16"), AddressKinds.Private),
        (IPNetwork.Parse("198.18.0.0/15"), AddressKinds.Reserved),
        (IPNetwork.Parse("224.0.0.0/4"), AddressKinds.Multicast),
        (IPNetwork.Parse("240.0.0.0/4"), AddressKinds.Reserved),
        (IPNetwork.Parse("::/128"), AddressKinds.Unspecified),
        (IPNetwork.Parse("::1/128"), AddressKinds.Loopback),
        (IPNetwork.Parse("::/96"), AddressKinds.Reserved),
        (IPNetwork.Parse("fc00::/7"), AddressKinds.UniqueLocal),
        (IPNetwork.Parse("fe80::/10"), AddressKinds.LinkLocal),
        (IPNetwork.Parse("fec0::/10"), AddressKinds.LinkLocal),
        (IPNetwork.Parse("ff00::/8"), AddressKinds.Multicast),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>
    /// The kind of internal address <paramref name="address"/> is (<see cref="AddressKinds"/>), or null when it is public.
    /// 255.255.255.255 is <see cref="AddressKinds.Broadcast"/>.
    /// </summary>
    public static string? Classify(IPAddress address)
    {
        var canonical = Canonical(address);
        if (canonical.Equals(IPAddress.Broadcast))
        {
            return AddressKinds.Broadcast;
        }

        foreach (var (network, kind) in Blocked)
        {
            if (network.Contains(canonical))
            {
                return kind;
            }
        }

        return null;
    }

    /// <summary>The address as the network sees it: IPv4 for an IPv4 address carried in IPv6 (mapped, NAT64, 6to4).</summary>
    public static IPAddress Canonical(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        if (Nat64.Contains(address))
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }

        if (SixToFour.Contains(address))
        {
            return new IPAddress(bytes.AsSpan(2, 4));
        }

        return address.ScopeId != 0 ? new IPAddress(bytes) : address;
    }
}
