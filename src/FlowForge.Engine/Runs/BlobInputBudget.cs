using Microsoft.Extensions.Options;

namespace FlowForge.Engine.Runs;

/// <summary>
/// Bounds the blob-stored inputs that node executions of this process hold at once (<c>Engine:MaxBlobInputBytesInFlight</c>):
/// hundreds of children of one large output then run in waves instead of each holding its copies at the same time.
/// Counted in whole MiB; a node needing more than the whole budget waits for all of it and runs alone.
/// </summary>
public sealed class BlobInputBudget : IDisposable
{
    private const long Unit = 1024 * 1024;

    private readonly SemaphoreSlim _units;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly int _total;

    public BlobInputBudget(IOptions<EngineOptions> options)
    {
        _total = (int)Math.Clamp(options.Value.MaxBlobInputBytesInFlight / Unit, 1, int.MaxValue);
        _units = new SemaphoreSlim(_total, _total);
    }

    /// <summary>Units (MiB) free right now (for tests and diagnostics).</summary>
    public int Available => _units.CurrentCount;

    /// <summary>Waits until <paramref name="bytes"/> fit; disposing the lease gives them back.</summary>
    public async ValueTask<Lease> AcquireAsync(long bytes, CancellationToken cancellationToken)
    {
        if (bytes <= 0)
        {
            return default;
        }

        var count = (int)Math.Min(_total, (bytes + Unit - 1) / Unit);

        // One acquirer gathers units at a time: two that each held part of what they need would wait on each other.
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        var taken = 0;
        try
        {
            for (; taken < count; taken++)
            {
                await _units.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            if (taken > 0)
            {
                _units.Release(taken);
            }

            throw;
        }
        finally
        {
            _turn.Release();
        }

        return new Lease(_units, count);
    }

    public void Dispose()
    {
        _units.Dispose();
        _turn.Dispose();
    }

    /// <summary>Units held by one execution.</summary>
    public readonly struct Lease(SemaphoreSlim units, int count) : IDisposable
    {
        public void Dispose()
        {
            if (count > 0)
            {
                units.Release(count);
            }
        }
    }
}
