using FlowForge.Engine.Graphs;
using FlowForge.Scaling.Tests.Infrastructure;

namespace FlowForge.Scaling.Tests.Compliance;

/// <summary>What every <see cref="IPlanCache"/> does: compile a flow version once, however many ask at once, and forget a flow on request.</summary>
public abstract class PlanCacheCompliance
{
    private int _compiles;

    protected int Compiles => Volatile.Read(ref _compiles);

    /// <summary>A new cache; for a shared cache, another process's view of it.</summary>
    protected abstract Task<IPlanCache> CreateCacheAsync();

    [Fact]
    public async Task GetOrAddAsync_SameKeyTwice_CompilesOnceAndReturnsTheSamePlan()
    {
        var cache = await CreateCacheAsync();
        var key = new FlowVersionKey(Guid.NewGuid(), 1);

        var first = await cache.GetOrAddAsync(key, CompileAsync(key), CancellationToken.None);
        var second = await cache.GetOrAddAsync(key, CompileAsync(key), CancellationToken.None);

        Assert.Same(first, second);
        Assert.Equal(key.FlowId, first.FlowId);
        Assert.Equal(1, Compiles);
    }

    [Fact]
    public async Task GetOrAddAsync_ConcurrentRequestsForOneKey_ShareOneCompilation()
    {
        var cache = await CreateCacheAsync();
        var key = new FlowVersionKey(Guid.NewGuid(), 1);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Func<CancellationToken, Task<ExecutionPlan>> slowCompile = async _ =>
        {
            Interlocked.Increment(ref _compiles);
            entered.TrySetResult();
            await gate.Task;
            return Plan(key);
        };

        var asking = 0;
        var waiting = Enumerable.Range(0, 32)
            .Select(_ => Task.Run(async () =>
            {
                Interlocked.Increment(ref asking);
                return await cache.GetOrAddAsync(key, slowCompile, CancellationToken.None);
            }))
            .ToList();
        await Eventually.WithinAsync(entered.Task, "the compilation to start");
        await Eventually.TrueAsync(() => Volatile.Read(ref asking) == 32, "every caller to ask while the compilation runs");
        gate.SetResult();
        var plans = await Eventually.WithinAsync(Task.WhenAll(waiting), "every caller to get the plan");

        Assert.Equal(1, Compiles);
        Assert.All(plans, plan => Assert.Same(plans[0], plan));
    }

    [Fact]
    public async Task GetOrAddAsync_CompilationFails_NextRequestCompilesAgain()
    {
        var cache = await CreateCacheAsync();
        var key = new FlowVersionKey(Guid.NewGuid(), 1);

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await cache.GetOrAddAsync(key, _ =>
        {
            Interlocked.Increment(ref _compiles);
            throw new InvalidOperationException("store unavailable");
        }, CancellationToken.None));
        var plan = await cache.GetOrAddAsync(key, CompileAsync(key), CancellationToken.None);

        Assert.Equal(key.Version, plan.Version);
        Assert.Equal(2, Compiles);
    }

    [Fact]
    public async Task InvalidateAsync_DropsEveryVersionOfThatFlowAndNoOther()
    {
        var cache = await CreateCacheAsync();
        var flow = Guid.NewGuid();
        var other = new FlowVersionKey(Guid.NewGuid(), 1);
        FlowVersionKey[] versions = [new(flow, 1), new(flow, 2)];
        foreach (var key in versions.Append(other))
        {
            await cache.GetOrAddAsync(key, CompileAsync(key), CancellationToken.None);
        }

        await cache.InvalidateAsync(flow, CancellationToken.None);
        foreach (var key in versions.Append(other))
        {
            await cache.GetOrAddAsync(key, CompileAsync(key), CancellationToken.None);
        }

        Assert.Equal(5, Compiles);
    }

    [Fact]
    public async Task KeepHead_ThenTryGetHead_FindsItUntilTheFlowIsInvalidated()
    {
        var cache = await CreateCacheAsync();
        var head = new FlowHead(Guid.NewGuid(), Guid.NewGuid(), "orders", 3);
        var other = new FlowHead(Guid.NewGuid(), Guid.NewGuid(), "other", 1);
        Assert.False(cache.TryGetHead(head.Id, out _));

        cache.KeepHead(head, cache.HeadStamp);
        cache.KeepHead(other, cache.HeadStamp);

        Assert.True(cache.TryGetHead(head.Id, out var found));
        Assert.Same(head, found);
        await cache.InvalidateAsync(head.Id, CancellationToken.None);
        Assert.False(cache.TryGetHead(head.Id, out _));
        Assert.True(cache.TryGetHead(other.Id, out _));
    }

    [Fact]
    public async Task KeepHead_ReadBeforeAnInvalidation_IsNotKept()
    {
        var cache = await CreateCacheAsync();
        var stale = new FlowHead(Guid.NewGuid(), Guid.NewGuid(), "orders", 1);
        var stamp = cache.HeadStamp;

        // The save's invalidation lands while the start still reads the version before it.
        await cache.InvalidateAsync(stale.Id, CancellationToken.None);
        cache.KeepHead(stale, stamp);

        Assert.False(cache.TryGetHead(stale.Id, out _));
        cache.KeepHead(stale with { Version = 2 }, cache.HeadStamp);
        Assert.True(cache.TryGetHead(stale.Id, out var fresh));
        Assert.Equal(2, fresh.Version);
    }

    protected static ExecutionPlan Plan(FlowVersionKey key) =>
        new(key.FlowId, key.Version, [new PlanNode("trigger", "trigger.manual", null, true, [], [], [])]);

    protected Func<CancellationToken, Task<ExecutionPlan>> CompileAsync(FlowVersionKey key) => _ =>
    {
        Interlocked.Increment(ref _compiles);
        return Task.FromResult(Plan(key));
    };
}
