using FlowForge.Scaling.Redis;
using StackExchange.Redis;

namespace FlowForge.Scaling.Tests.Redis;

/// <summary>
/// Connections to the test Redis, one per simulated process, and a key prefix of this test's own so that tests
/// sharing the server never see each other's keys or channels.
/// </summary>
public sealed class RedisTestConnections(string redis)
{
    private readonly List<IAsyncDisposable> _owned = [];

    public RedisOptions Options { get; } = new()
    {
        ConnectionString = redis,
        KeyPrefix = "flowforge-test:" + Guid.NewGuid().ToString("N")[..12] + ":",
    };

    public async Task<IConnectionMultiplexer> ConnectAsync(bool allowAdmin = false)
    {
        var configuration = ConfigurationOptions.Parse(redis);
        configuration.AllowAdmin = allowAdmin;
        var connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        _owned.Add(connection);
        return connection;
    }

    /// <summary>Disposed by <see cref="CloseAsync"/>, before the connections.</summary>
    public T Own<T>(T disposable)
        where T : IAsyncDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    /// <summary>Disposes what the test owns and closes its connections.</summary>
    public async Task CloseAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }
    }
}
