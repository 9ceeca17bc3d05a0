using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace FlowForge.Engine.Graphs;

/// <summary>
/// The in-process <see cref="IPlanCache"/>. A hit is one lock-free dictionary read and one flag write,
/// with no allocation: it runs for every node execution. Concurrent misses for one key share a single
/// compilation. Eviction is CLOCK (second chance), an approximation of least-recently-used: a hit marks
/// the entry; when the cache is full the hand walks entries in insertion order, clearing marks and
/// sending marked entries round again, and evicts the first unmarked one. The cache is full when it holds
/// <see cref="PlanCacheOptions.Capacity"/> plans or their estimated sizes add up to more than
/// <see cref="PlanCacheOptions.MaxBytes"/> (a plan's size is known once it is compiled). Misses, eviction and
/// invalidation take one lock; invalidation scans the cache, which is fine for something done when a
/// flow is saved or deleted.
/// Flow heads (owner and newest version) sit beside the plans, each kept for <see cref="PlanCacheOptions.FlowHeadMaxAge"/>:
/// a run's start then costs no read of the flow. At most <see cref="PlanCacheOptions.Capacity"/> heads are kept; the
/// set is emptied when it is full, which costs each flow one read.
/// </summary>
public sealed class MemoryPlanCache : IPlanCache
{
    private readonly ConcurrentDictionary<FlowVersionKey, Entry> _entries = new();
    private readonly Queue<Entry> _clock = new();
    private readonly Lock _gate = new();
    private readonly int _capacity;
    private readonly long _maxBytes;
    private readonly ConcurrentDictionary<Guid, HeadEntry> _heads = new();
    private readonly TimeProvider _time;
    private readonly long _headTimestamps;

    // Counts invalidations: a head read before one must not be kept after it.
    private long _headStamp;

    // All counted under _gate. Dead entries were invalidated or failed but still sit in _clock.
    private int _live;
    private int _dead;
    private long _bytes;

    public MemoryPlanCache(IOptions<PlanCacheOptions> options, TimeProvider? time = null)
    {
        _capacity = options.Value.Capacity;
        _maxBytes = options.Value.MaxBytes;
        ArgumentOutOfRangeException.ThrowIfLessThan(_capacity, 1, $"{PlanCacheOptions.Section}:{nameof(PlanCacheOptions.Capacity)}");
        ArgumentOutOfRangeException.ThrowIfLessThan(_maxBytes, 1, $"{PlanCacheOptions.Section}:{nameof(PlanCacheOptions.MaxBytes)}");
        _time = time ?? TimeProvider.System;
        var maxAge = options.Value.FlowHeadMaxAge;
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAge, TimeSpan.Zero, $"{PlanCacheOptions.Section}:{nameof(PlanCacheOptions.FlowHeadMaxAge)}");
        _headTimestamps = (long)(maxAge.TotalSeconds * _time.TimestampFrequency);
    }

    /// <summary>How many flow versions are cached or being compiled.</summary>
    public int Count => Volatile.Read(ref _live);

    /// <summary>The estimated size of the cached plans, in bytes.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    public ValueTask<ExecutionPlan> GetOrAddAsync(FlowVersionKey key, Func<CancellationToken, Task<ExecutionPlan>> compile, CancellationToken cancellationToken)
    {
        if (_entries.TryGetValue(key, out var entry) && entry.Plan.IsCompletedSuccessfully)
        {
            entry.Touch();
            return new ValueTask<ExecutionPlan>(entry.Plan.Result);
        }

        return WaitForPlanAsync(key, compile, cancellationToken);
    }

    public long HeadStamp => Volatile.Read(ref _headStamp);

    public bool TryGetHead(Guid flowId, out FlowHead head)
    {
        if (_heads.TryGetValue(flowId, out var entry) && _time.GetTimestamp() - entry.KeptAt < _headTimestamps)
        {
            head = entry.Head;
            return true;
        }

        head = null!;
        return false;
    }

    public void KeepHead(FlowHead head, long stamp)
    {
        if (_headTimestamps == 0 || HeadStamp != stamp)
        {
            return;
        }

        if (_heads.Count >= _capacity)
        {
            _heads.Clear();
        }

        var entry = new HeadEntry(head, _time.GetTimestamp());
        _heads[head.Id] = entry;
        // An invalidation between the check above and the write: it may not have seen this entry, so take it back.
        if (HeadStamp != stamp)
        {
            _heads.TryRemove(KeyValuePair.Create(head.Id, entry));
        }
    }

    /// <summary>Drops every flow head (when invalidations from other processes may have been missed).</summary>
    public void ForgetHeads()
    {
        Interlocked.Increment(ref _headStamp);
        _heads.Clear();
    }

    public ValueTask InvalidateAsync(Guid flowId, CancellationToken cancellationToken)
    {
        // The stamp first: a head being read now, from before the change, is then not kept.
        Interlocked.Increment(ref _headStamp);
        _heads.TryRemove(flowId, out _);
        lock (_gate)
        {
            foreach (var (key, entry) in _entries)
            {
                if (key.FlowId == flowId)
                {
                    RemoveLocked(entry);
                }
            }

            CompactLocked();
        }

        return ValueTask.CompletedTask;
    }

    private async ValueTask<ExecutionPlan> WaitForPlanAsync(FlowVersionKey key, Func<CancellationToken, Task<ExecutionPlan>> compile, CancellationToken cancellationToken)
    {
        Entry entry;
        var created = false;
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out entry!))
            {
                // Room is made before the new entry joins the clock, so the sweep cannot pick it.
                while (_live >= _capacity)
                {
                    EvictOneLocked();
                }

                entry = new Entry(key);
                _entries[key] = entry;
                _clock.Enqueue(entry);
                _live++;
                created = true;
            }
        }

        if (created)
        {
            _ = CompileAsync(entry, compile);
        }
        else
        {
            entry.Touch();
        }

        // Each caller stops waiting when its own token fires; the shared compilation goes on for the others.
        return await entry.Plan.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task CompileAsync(Entry entry, Func<CancellationToken, Task<ExecutionPlan>> compile)
    {
        try
        {
            // Not tied to the first caller's token: its giving up must not fail the others waiting.
            var plan = await compile(CancellationToken.None).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Compiling flow {entry.Key.FlowId} version {entry.Key.Version} returned no plan.");
            Account(entry, plan.EstimatedBytes);
            entry.Complete(plan);
        }
        catch (Exception ex)
        {
            // Forget the failure first, so the next request compiles again instead of seeing it.
            lock (_gate)
            {
                RemoveLocked(entry);
                CompactLocked();
            }

            entry.Fail(ex);
        }
    }

    private void Account(Entry entry, long bytes)
    {
        lock (_gate)
        {
            if (entry.Removed)
            {
                return;
            }

            entry.Bytes = Math.Max(0, bytes);
            _bytes += entry.Bytes;

            // The new plan stays, even when it alone is too big: its callers are about to use it.
            while (_bytes > _maxBytes && _live > 1)
            {
                EvictOneLocked(keep: entry);
            }
        }
    }

    private void EvictOneLocked(Entry? keep = null)
    {
        while (_clock.TryDequeue(out var candidate))
        {
            if (candidate.Removed)
            {
                _dead--;
                continue;
            }

            if (candidate == keep)
            {
                _clock.Enqueue(candidate);
                continue;
            }

            if (candidate.TakeMark())
            {
                _clock.Enqueue(candidate);
                continue;
            }

            _entries.TryRemove(KeyValuePair.Create(candidate.Key, candidate));
            candidate.Removed = true;
            _live--;
            _bytes -= candidate.Bytes;
            return;
        }
    }

    private void RemoveLocked(Entry entry)
    {
        if (!entry.Removed && _entries.TryRemove(KeyValuePair.Create(entry.Key, entry)))
        {
            entry.Removed = true;
            _live--;
            _dead++;
            _bytes -= entry.Bytes;
        }
    }

    // Keeps the clock from growing without bound when flows are invalidated faster than the cache fills.
    private void CompactLocked()
    {
        if (_dead <= _live + 64)
        {
            return;
        }

        var keep = _clock.Where(e => !e.Removed).ToList();
        _clock.Clear();
        foreach (var entry in keep)
        {
            _clock.Enqueue(entry);
        }

        _dead = 0;
    }

    private sealed record HeadEntry(FlowHead Head, long KeptAt);

    private sealed class Entry(FlowVersionKey key)
    {
        private readonly TaskCompletionSource<ExecutionPlan> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        // Born unmarked: only a use after the first one earns a second chance.
        private volatile bool _marked;

        public FlowVersionKey Key { get; } = key;

        public Task<ExecutionPlan> Plan => _completion.Task;

        /// <summary>Out of the dictionary; read and written under the cache's lock only.</summary>
        public bool Removed { get; set; }

        /// <summary>The plan's estimated size once compiled (0 before); under the cache's lock only.</summary>
        public long Bytes { get; set; }

        public void Touch()
        {
            // Reading first avoids writing a shared cache line on every hit.
            if (!_marked)
            {
                _marked = true;
            }
        }

        public bool TakeMark()
        {
            if (!_marked)
            {
                return false;
            }

            _marked = false;
            return true;
        }

        public void Complete(ExecutionPlan plan) => _completion.TrySetResult(plan);

        public void Fail(Exception exception) => _completion.TrySetException(exception);
    }
}
