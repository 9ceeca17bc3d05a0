using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace FlowForge.Nodes.Http;

/// <summary>
/// Keeps outbound requests off internal networks. The handler it builds resolves each host itself, checks every
/// address (<see cref="AddressRules"/>) and connects to the address it checked, so a DNS answer cannot change
/// between the check and the connection. It follows no redirects and uses no proxy: callers re-check each hop's
/// URL with <see cref="CheckUrl"/> and send it through the same handler.
/// </summary>
public sealed class SsrfGuard
{
    private readonly HttpOptions _options;
    private readonly IHostResolver _resolver;
    private readonly AllowedHost[] _allowed;
    private readonly Func<IPEndPoint, CancellationToken, ValueTask<Stream>> _connect;

    public SsrfGuard(IOptions<HttpOptions> options, IHostResolver resolver)
        : this(options.Value, resolver, ConnectSocketAsync)
    {
    }

    internal SsrfGuard(HttpOptions options, IHostResolver resolver, Func<IPEndPoint, CancellationToken, ValueTask<Stream>> connect)
    {
        _options = options;
        _resolver = resolver;
        _connect = connect;
        _allowed = [.. (options.AllowedHosts ?? []).Select(h => AllowedHost.TryParse(h, out var entry) ? entry : null).OfType<AllowedHost>()];
    }

    /// <summary>
    /// The reason <paramref name="url"/> may not be requested at all (not absolute, not http or https, credentials
    /// in it), or null. Addresses are checked when connecting.
    /// </summary>
    public static string? CheckUrl(Uri url)
    {
        if (!url.IsAbsoluteUri)
        {
            return "the URL must be absolute, such as https://api.example.com/items";
        }

        if (url.Scheme is not ("http" or "https"))
        {
            return $"only http and https URLs may be requested, not {url.Scheme}";
        }

        if (url.UserInfo.Length > 0)
        {
            return "the URL must not hold a user name or password; send credentials in a header instead";
        }

        return null;
    }

    /// <summary>A handler for one client: no automatic redirects, no proxy, decompression on, the guard on every connection.</summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.All,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, cancellationToken),
    };

    /// <summary>Resolves <paramref name="endpoint"/>, refuses it when no address may be reached, else connects to the first that answers.</summary>
    public async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, CancellationToken cancellationToken)
    {
        var addresses = await AllowedAddressesAsync(endpoint.Host, cancellationToken).ConfigureAwait(false);
        Exception? last = null;
        foreach (var address in addresses)
        {
            try
            {
                return await _connect(new IPEndPoint(address, endpoint.Port), cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                last = ex;
            }
        }

        throw new HttpRequestException($"Could not connect to {endpoint.Host}:{endpoint.Port.ToString(CultureInfo.InvariantCulture)}.", last);
    }

    /// <summary>The addresses of <paramref name="host"/> a request may reach; throws <see cref="DestinationRefusedException"/> when there are none.</summary>
    public async Task<IReadOnlyList<IPAddress>> AllowedAddressesAsync(string host, CancellationToken cancellationToken)
    {
        var name = host.Trim('[', ']').TrimEnd('.').ToLowerInvariant();
        var hostAllowed = _allowed.Any(a => a.MatchesHost(name));
        IPAddress[] resolved;
        if (IPAddress.TryParse(name, out var literal))
        {
            resolved = [literal];
        }
        else
        {
            try
            {
                resolved = await _resolver.ResolveAsync(name, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                throw new HttpRequestException($"The host name {name} could not be resolved ({ex.SocketErrorCode}).", ex);
            }
        }

        if (resolved.Length == 0)
        {
            throw new HttpRequestException($"The host name {name} has no addresses.");
        }

        var allowed = resolved.Where(a => hostAllowed || IsAllowed(a)).ToList();
        if (allowed.Count == 0)
        {
            var refused = resolved[0];
            var kind = AddressRules.Classify(refused);
            var via = literal is null ? $"{name} resolves to {refused}, " : $"{refused} is ";
            throw new DestinationRefusedException(
                $"Requests to internal addresses are refused: {via}a {kind} address. To allow it, set {HttpOptions.Section}:{nameof(HttpOptions.AllowPrivateNetworks)} " +
                $"to true or add the host to {HttpOptions.Section}:{nameof(HttpOptions.AllowedHosts)}.");
        }

        return allowed;
    }

    private bool IsAllowed(IPAddress address)
    {
        if (_allowed.Any(a => a.Contains(address)))
        {
            return true;
        }

        return AddressRules.Classify(address) switch
        {
            null => true,
            AddressKinds.Metadata => false,
            _ => _options.AllowPrivateNetworks,
        };
    }

    private static async ValueTask<Stream> ConnectSocketAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
