using System.Collections.Concurrent;

namespace FlowForge.Bench.Http;

/// <summary>
/// Starts for the open loop, which sends at its rate whatever the answers: each start takes an idle connection or
/// opens one, up to <c>bound</c> connections; past that a start waits for one to be free (and its latency shows it).
/// </summary>
public sealed class RawRunStartPool(RunStartRequest request, PhaseErrors errors, int bound) : IRunStarts
{
    private readonly SemaphoreSlim _slots = new(bound, bound);
    private readonly ConcurrentQueue<RawRunStartConnection> _idle = new();
    private int _connections;

    /// <summary>Connections the pool has made (never more than its bound).</summary>
    public int Connections => Volatile.Read(ref _connections);

    public bool Blocking => false;

    public async ValueTask<bool> StartAsync()
    {
        await _slots.WaitAsync();
        if (!_idle.TryDequeue(out var connection))
        {
            connection = new RawRunStartConnection(request, errors);
            Interlocked.Increment(ref _connections);
        }

        try
        {
            return await connection.StartAsync();
        }
        finally
        {
            _idle.Enqueue(connection);
            _slots.Release();
        }
    }

    public void Dispose()
    {
        while (_idle.TryDequeue(out var connection))
        {
            connection.Dispose();
        }

        _slots.Dispose();
    }
}
