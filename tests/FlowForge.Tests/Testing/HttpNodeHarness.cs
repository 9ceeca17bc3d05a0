using System.Net;
using System.Net.Sockets;
using FlowForge.Nodes.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlowForge.Tests.Testing;

/// <summary>
/// An <see cref="HttpRequestNode"/> built the way the host builds it (the guarded named client), with a resolver a
/// test controls. Its guard never opens a connection beyond loopback: a test that would is stopped with
/// <see cref="NonLoopbackConnection"/> instead of sending traffic elsewhere.
/// </summary>
public sealed class HttpNodeHarness : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private HttpNodeHarness(ServiceProvider provider)
    {
        _provider = provider;
        Node = provider.GetRequiredService<HttpRequestNode>();
        Guard = provider.GetRequiredService<SsrfGuard>();
    }

    public HttpRequestNode Node { get; }

    public SsrfGuard Guard { get; }

    /// <summary>Every address the guard connected to, in order.</summary>
    public List<IPEndPoint> Connections { get; } = [];

    public static HttpNodeHarness Create(Action<HttpOptions>? configure = null, IReadOnlyDictionary<string, IPAddress[]>? names = null)
    {
        var options = new HttpOptions();
        configure?.Invoke(options);
        var services = new ServiceCollection();
        HttpNodeHarness? harness = null;
        services.AddSingleton(Options.Create(options));
        services.AddSingleton<IHostResolver>(new FixedHostResolver(names ?? new Dictionary<string, IPAddress[]>()));
        services.AddSingleton(sp => new SsrfGuard(options, sp.GetRequiredService<IHostResolver>(), (endpoint, ct) => harness!.ConnectAsync(endpoint, ct)));
        services.AddOutboundHttp();
        services.AddSingleton<HttpRequestNode>();
        harness = new HttpNodeHarness(services.BuildServiceProvider());
        return harness;
    }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();

    private async ValueTask<Stream> ConnectAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        lock (Connections)
        {
            Connections.Add(endpoint);
        }

        if (!IPAddress.IsLoopback(endpoint.Address))
        {
            throw new NonLoopbackConnection(endpoint);
        }

        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A resolver with a fixed answer per name; unknown names fail as DNS would.</summary>
    private sealed class FixedHostResolver(IReadOnlyDictionary<string, IPAddress[]> names) : IHostResolver
    {
        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
            names.TryGetValue(host, out var addresses) ? Task.FromResult(addresses) : throw new SocketException((int)SocketError.HostNotFound);
    }
}

/// <summary>Thrown when a test's request would have connected beyond loopback.</summary>
public sealed class NonLoopbackConnection(IPEndPoint endpoint) : SocketException((int)SocketError.AccessDenied)
{
    public IPEndPoint Endpoint { get; } = endpoint;

    public override string Message => $"the test tried to connect to {Endpoint}";
}
