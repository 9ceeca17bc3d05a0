using FlowForge.Engine.Graphs;
using FlowForge.Engine.Nodes;
using Microsoft.Extensions.Options;

namespace FlowForge.Tests.Graphs;

public sealed class MemoryPlanCacheTests
{
    private static readonly Guid FlowA = Guid.Parse("0b7d8a8e-1f8e-4d44-9c0e-1a2b3c4d5e01");
    private static readonly Guid FlowB = Guid.Parse("0b7d8a8e-1f8e-4d44-9c0e-1a2b3c4d5e02");

    private int _compiles;

    [Fact]
    public async Task GetOrAddAsync_SameKeyTwice_CompilesOnce()
    {
        var cache = NewCache();
        var key = new FlowVersionKey(FlowA, 1);

        var first = await cache.GetOrAddAsync(key, CompileAsync(key), CancellationToken.None);
        var second = await cache.GetOrAddAsync(key, CompileAsync(key), CancellationToken.None);

        Assert.Same(first, second);
        Assert.Equal(1, _compiles);
    }

    [Fact]
    public async Task GetOrAddAsync_ConcurrentRequestsForOneKey_ShareOneCompilation()
    {
        var cache = NewCache();
        var key = new FlowVersionKey(FlowA, 1);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Func<CancellationToken, Task<ExecutionPlan>> slowCompile = async _ =>
        {
            Interlocked.Increment(ref _compiles);
            await gate.Task;
            return Plan(key);
        };

        var waiting = Enumerable.Range(0, 32)
            .Select(_ => Task.Run(async () => await cache.GetOrAddAsync(key, slowCompile, CancellationToken.None)))
            .ToList();
        await Eventually.TrueAsync(() => cache.Count > 0, "the first compile to enter the cache");

        gate.SetResult();
        var plans = await Task.WhenAll(waiting);

        Assert.Equal(1, _compiles);
        Assert.All(plans, plan => Assert.Same(plans[0], plan));
    }

    [Fact]
    public async Task GetOrAddAsync_OverCapacity_EvictsTheLeastRecentlyUsed()
    {
        var cache = NewCache(capacity: 2);
        var (one, two, three) = (new FlowVersionKey(FlowA, 1), new FlowVersionKey(FlowA, 2), new FlowVersionKey(FlowA, 3));

        await cache.GetOrAddAsync(one, CompileAsync(one), CancellationToken.None);
        await cache.GetOrAddAsync(two, CompileAsync(two), CancellationToken.None);
        await cache.GetOrAddAsync(one, CompileAsync(one), CancellationToken.None);
        await cache.GetOrAddAsync(three, CompileAsync(three), CancellationToken.None);
        Assert.Equal((3, 2), (_compiles, cache.Count));

        await cache.GetOrAddAsync(one, CompileAsync(one), CancellationToken.None);
        Assert.Equal(3, _compiles);

        await cache.GetOrAddAsync(two, CompileAsync(two), CancellationToken.None);
        Assert.Equal(4, _compiles);
    }

    [Fact]
    public async Task GetOrAddAsync_ManyKeysThroughSmallCache_NeverHoldsMoreThanCapacity()
    {
        var cache = NewCache(capacity: 8);

        await Parallel.ForEachAsync(Enumerable.Range(0, 2_000), async (i, cancellationToken) =>
        {
            var key = new FlowVersionKey(i % 3 == 0 ? FlowA : FlowB, i % 20);
            var plan = await cache.GetOrAddAsync(key, CompileAsync(key), cancellationToken);
            Assert.Equal((key.FlowId, key.Version), (plan.FlowId, plan.Version));
        });

        Assert.InRange(cache.Count, 1, 8);
    }

    [Fact]
    public async Task InvalidateAsync_DropsEveryVersionOfThatFlowOnly()
    {
        var cache = NewCache();
        var keys = new[] { new FlowVersionKey(FlowA, 1), new FlowVersionKey(FlowA, 2), new FlowVersionKey(FlowB, 1) };
        foreach (var key in keys)
        {
            await cache.GetOrAddAsync(key, CompileAsync(key), CancellationToken.None);
        }

        await cache.InvalidateAsync(FlowA, CancellationToken.None);
        Assert.Equal(1, cache.Count);

        foreach (var key in keys)
        {
            await cache.GetOrAddAsync(key, CompileAsync(key), CancellationToken.None);
        }

        Assert.Equal(5, _compiles);
    }

    [Fact]
    public async Task InvalidateAsync_RepeatedlyOnAFullCache_KeepsEvictingCorrectly()
    {
        var cache = NewCache(capacity: 4);
        for (var round = 0; round < 500; round++)
        {
            var key = new FlowVersionKey(round % 2 == 0 ? FlowA : FlowB, round);
            await cache.GetOrAddAsync(key, CompileAsync(key), CancellationToken.None);
            if (round % 3 == 0)
            {
                await cache.InvalidateAsync(FlowA, CancellationToken.None);
            }

            Assert.InRange(cache.Count, 0, 4);
        }

        Assert.Equal(500, _compiles);
    }

    [Fact]
    public async Task GetOrAddAsync_CompileFails_ReportsItAndTriesAgainNextTime()
    {
        var cache = NewCache();
        var key = new FlowVersionKey(FlowA, 1);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await cache.GetOrAddAsync(key, _ => throw new InvalidOperationException("store unavailable"), CancellationToken.None));
        var plan = await cache.GetOrAddAsync(key, CompileAsync(key), CancellationToken.None);

        Assert.Equal("store unavailable", error.Message);
        Assert.Equal(1, plan.Version);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task GetOrAddAsync_OneCallerCancels_OthersStillGetThePlan()
    {
        var cache = NewCache();
        var key = new FlowVersionKey(FlowA, 1);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Func<CancellationToken, Task<ExecutionPlan>> slowCompile = async cancellationToken =>
        {
            await gate.Task.WaitAsync(cancellationToken);
            return Plan(key);
        };
        using var impatient = new CancellationTokenSource();

        var first = cache.GetOrAddAsync(key, slowCompile, impatient.Token).AsTask();
        var second = cache.GetOrAddAsync(key, slowCompile, CancellationToken.None).AsTask();
        await impatient.CancelAsync();
        gate.SetResult();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.Equal(1, (await second).Version);
    }

    [Fact]
    public async Task GetOrAddAsync_CachedKey_DoesNotAllocate()
    {
        var cache = NewCache();
        var key = new FlowVersionKey(FlowA, 1);
        var compile = CompileAsync(key);
        for (var i = 0; i < 100; i++)
        {
            await cache.GetOrAddAsync(key, compile, CancellationToken.None);
        }

        // The runtime may allocate on this thread now and then (tiered compilation); the cache never does, so the
        // quietest of three rounds is measured.
        var allocated = long.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10_000; i++)
            {
                await cache.GetOrAddAsync(key, compile, CancellationToken.None);
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(allocated < 1_000, $"10,000 cache hits allocated {allocated} bytes in the quietest of three rounds");
    }

    [Fact]
    public void Constructor_CapacityBelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MemoryPlanCache(Options.Create(new PlanCacheOptions { Capacity = 0 })));
    }

    [Fact]
    public void PlanCacheOptions_Default_HoldsTenThousandPlans()
    {
        Assert.Equal(("PlanCache", 10_000), (PlanCacheOptions.Section, new PlanCacheOptions().Capacity));
    }

    [Fact]
    public async Task GetOrAddAsync_PlansOverMaxBytes_EvictsLeastRecentlyUsedToStayUnder()
    {
        var cache = new MemoryPlanCache(Options.Create(new PlanCacheOptions { Capacity = 100, MaxBytes = 1_000 }));

        for (var version = 1; version <= 10; version++)
        {
            var key = new FlowVersionKey(FlowA, version);
            await cache.GetOrAddAsync(key, _ => Task.FromResult(Plan(key, bytes: 300)), CancellationToken.None);
        }

        Assert.Equal(3, cache.Count);
        Assert.Equal(900, cache.Bytes);
        var newest = new FlowVersionKey(FlowA, 10);
        await cache.GetOrAddAsync(newest, CompileAsync(newest), CancellationToken.None);
        Assert.Equal(0, _compiles);
    }

    [Fact]
    public async Task GetOrAddAsync_OnePlanLargerThanMaxBytes_IsReturnedAndCachedAlone()
    {
        var cache = new MemoryPlanCache(Options.Create(new PlanCacheOptions { Capacity = 100, MaxBytes = 1_000 }));
        var small = new FlowVersionKey(FlowA, 1);
        var huge = new FlowVersionKey(FlowB, 1);
        await cache.GetOrAddAsync(small, _ => Task.FromResult(Plan(small, bytes: 100)), CancellationToken.None);

        var plan = await cache.GetOrAddAsync(huge, _ => Task.FromResult(Plan(huge, bytes: 5_000)), CancellationToken.None);
        var again = await cache.GetOrAddAsync(huge, CompileAsync(huge), CancellationToken.None);

        Assert.Same(plan, again);
        Assert.Equal(1, cache.Count);
        Assert.Equal(5_000, cache.Bytes);
    }

    [Fact]
    public async Task InvalidateAsync_CachedPlans_ReleasesTheirBytes()
    {
        var cache = new MemoryPlanCache(Options.Create(new PlanCacheOptions { Capacity = 100, MaxBytes = 10_000 }));
        var a = new FlowVersionKey(FlowA, 1);
        var b = new FlowVersionKey(FlowB, 1);
        await cache.GetOrAddAsync(a, _ => Task.FromResult(Plan(a, bytes: 400)), CancellationToken.None);
        await cache.GetOrAddAsync(b, _ => Task.FromResult(Plan(b, bytes: 700)), CancellationToken.None);

        await cache.InvalidateAsync(FlowA, CancellationToken.None);

        Assert.Equal(700, cache.Bytes);
    }

    private static MemoryPlanCache NewCache(int capacity = 100) => new(Options.Create(new PlanCacheOptions { Capacity = capacity }));

    private static ExecutionPlan Plan(FlowVersionKey key, long bytes = 0) =>
        new(key.FlowId, key.Version, [new PlanNode("trigger", "trigger.manual", null, true, [], [], [])], bytes);

    private Func<CancellationToken, Task<ExecutionPlan>> CompileAsync(FlowVersionKey key) => _ =>
    {
        Interlocked.Increment(ref _compiles);
        return Task.FromResult(Plan(key));
    };
}
