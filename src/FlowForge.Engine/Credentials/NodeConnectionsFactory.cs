using System.Collections.Concurrent;
using FlowForge.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlowForge.Engine.Credentials;

/// <summary>
/// Builds each node execution's <see cref="INodeConnections"/>: the connections of the run's owner. Needs a connection
/// store, a secret protector, run queries and outbound HTTP from the host; without them nodes get no connections.
/// </summary>
public sealed class NodeConnectionsFactory
{
    // Runs never change owner; past this many, the cache starts over rather than grow.
    private const int MaxCachedOwners = 10_000;

    private readonly IConnectionStore? _store;
    private readonly ISecretProtector? _protector;
    private readonly IRunQueries? _runs;
    private readonly IOutboundHttp? _outbound;
    private readonly IConnectionRefresher? _refresher;
    private readonly IOptions<ConnectionOptions> _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<Guid, Guid> _owners = new();

    public NodeConnectionsFactory(IServiceProvider services, IOptions<ConnectionOptions> options, TimeProvider time)
    {
        _store = services.GetService<IConnectionStore>();
        _protector = services.GetService<ISecretProtector>();
        _runs = services.GetService<IRunQueries>();
        _outbound = services.GetService<IOutboundHttp>();
        _refresher = services.GetService<IConnectionRefresher>();
        _options = options;
        _time = time;
    }

    /// <summary>The connections node <paramref name="nodeId"/> of run <paramref name="runId"/> may use; null when the host offers none.</summary>
    public INodeConnections? For(Guid runId, string nodeId) =>
        _store is null || _protector is null || _runs is null || _outbound is null ? null : new RunConnections(this, runId, nodeId);

    /// <summary>
    /// <paramref name="record"/> ready to use, whatever its status (a connection test uses it); null when the host
    /// offers no connections. Callers check the owner.
    /// </summary>
    public NodeConnection? Open(ConnectionRecord record) =>
        _protector is null || _outbound is null
            ? null
            : new StoredNodeConnection(record, _protector, _refresher, _outbound, _options.Value, _time)
            {
                Id = record.Id,
                Name = record.Name,
                Kind = record.Kind,
                Provider = record.Provider,
                Settings = ConnectionSettings.Read(record.SettingsJson),
            };

    private async ValueTask<Guid?> OwnerOfAsync(Guid runId, CancellationToken cancellationToken)
    {
        if (_owners.TryGetValue(runId, out var owner))
        {
            return owner;
        }

        var run = await _runs!.GetRunAsync(runId, null, cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            return null;
        }

        if (_owners.Count >= MaxCachedOwners)
        {
            _owners.Clear();
        }

        _owners[runId] = run.OwnerId;
        return run.OwnerId;
    }

    private sealed class RunConnections(NodeConnectionsFactory factory, Guid runId, string nodeId) : INodeConnections
    {
        public async ValueTask<NodeConnection> GetAsync(string connectionId, string? provider, CancellationToken cancellationToken)
        {
            var owner = await factory.OwnerOfAsync(runId, cancellationToken).ConfigureAwait(false);
            var record = owner is { } ownerId && Guid.TryParse(connectionId, out var id)
                ? await factory._store!.GetConnectionAsync(ownerId, id, cancellationToken).ConfigureAwait(false)
                : null;
            if (record is null)
            {
                throw new ConnectionUnusableException(
                    $"Connection '{connectionId}' was not found for this flow's owner; choose one of your connections in node '{nodeId}'.");
            }

            if (provider is not null && !string.Equals(record.Provider, provider, StringComparison.OrdinalIgnoreCase))
            {
                var actual = record.Provider is null ? "a generic connection" : $"a {record.Provider} connection";
                throw new ConnectionUnusableException(
                    $"Node '{nodeId}' needs a {provider} connection, but connection '{record.Name}' ({record.Id}) is {actual}; choose one of your {provider} connections.");
            }

            if (record.Status == ConnectionStatus.Broken)
            {
                throw new ConnectionUnusableException(
                    $"Connection '{record.Name}' ({record.Id}) is broken: {record.StatusReason ?? "no reason was given"}. Reconnect it on the Connections page.");
            }

            return factory.Open(record)!;
        }
    }
}
