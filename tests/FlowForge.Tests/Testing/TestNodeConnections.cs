using System.Net.Http.Headers;
using FlowForge.Engine.Credentials;

namespace FlowForge.Tests.Testing;

/// <summary>
/// A test double for the host's connections: each connection is an id, a provider, a bearer token its client adds to
/// every request, secret fields and settings. Unknown ids and other providers are refused as the real seam refuses them.
/// </summary>
public sealed class TestNodeConnections : INodeConnections, IDisposable
{
    private readonly Dictionary<string, TestConnection> _connections = new(StringComparer.Ordinal);

    public TestNodeConnections Add(
        string id, string provider, string token = "test-token", IReadOnlyDictionary<string, string>? secret = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        _connections[id] = new TestConnection(token, secret ?? new Dictionary<string, string>())
        {
            Id = Guid.NewGuid(),
            Name = $"{provider} test connection",
            Kind = ConnectionKind.ApiKey,
            Provider = provider,
            Settings = settings ?? ConnectionSettings.Empty,
        };
        return this;
    }

    public ValueTask<NodeConnection> GetAsync(string connectionId, string? provider, CancellationToken cancellationToken)
    {
        if (!_connections.TryGetValue(connectionId, out var connection))
        {
            throw new ConnectionUnusableException($"Connection '{connectionId}' does not exist; pick another.");
        }

        if (provider is not null && connection.Provider != provider)
        {
            throw new ConnectionUnusableException($"Connection '{connection.Name}' is a {connection.Provider} connection, not {provider}; pick another.");
        }

        return ValueTask.FromResult<NodeConnection>(connection);
    }

    public void Dispose()
    {
        foreach (var connection in _connections.Values)
        {
            connection.Dispose();
        }
    }

    private sealed class TestConnection(string token, IReadOnlyDictionary<string, string> secret) : NodeConnection, IDisposable
    {
        private readonly HttpClient _http = new(new BearerHandler(token) { InnerHandler = new SocketsHttpHandler { UseProxy = false } });

        public override HttpClient Http => _http;

        public override ValueTask<IReadOnlyDictionary<string, string>> ReadSecretAsync(CancellationToken cancellationToken) => ValueTask.FromResult(secret);

        public void Dispose() => _http.Dispose();
    }

    private sealed class BearerHandler(string token) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
