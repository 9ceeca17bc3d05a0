using FlowForge.Engine.Graphs;
using FlowForge.Scaling.Tests.Compliance;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FlowForge.Scaling.Tests.InProcess;

public sealed class MemoryPlanCacheTests : PlanCacheCompliance
{
    protected override Task<IPlanCache> CreateCacheAsync() =>
        Task.FromResult<IPlanCache>(new MemoryPlanCache(Options.Create(new PlanCacheOptions { Capacity = 100 })));

    [Fact]
    public void TryGetHead_OlderThanFlowHeadMaxAge_IsReadAgain()
    {
        var time = new FakeTimeProvider();
        var cache = new MemoryPlanCache(Options.Create(new PlanCacheOptions { FlowHeadMaxAge = TimeSpan.FromSeconds(2) }), time);
        var head = new FlowHead(Guid.NewGuid(), Guid.NewGuid(), "orders", 1);
        cache.KeepHead(head, cache.HeadStamp);

        time.Advance(TimeSpan.FromMilliseconds(1_999));
        Assert.True(cache.TryGetHead(head.Id, out _));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(cache.TryGetHead(head.Id, out _));
    }

    [Fact]
    public void KeepHead_FlowHeadMaxAgeZero_KeepsNothing()
    {
        var cache = new MemoryPlanCache(Options.Create(new PlanCacheOptions { FlowHeadMaxAge = TimeSpan.Zero }));
        var head = new FlowHead(Guid.NewGuid(), Guid.NewGuid(), "orders", 1);

        cache.KeepHead(head, cache.HeadStamp);

        Assert.False(cache.TryGetHead(head.Id, out _));
    }

    [Fact]
    public void KeepHead_CapacityReached_HoldsNoMoreThanIt()
    {
        var cache = new MemoryPlanCache(Options.Create(new PlanCacheOptions { Capacity = 4 }));
        var heads = Enumerable.Range(0, 9).Select(i => new FlowHead(Guid.NewGuid(), Guid.NewGuid(), "f", i + 1)).ToList();

        foreach (var head in heads)
        {
            cache.KeepHead(head, cache.HeadStamp);
        }

        Assert.True(heads.Count(h => cache.TryGetHead(h.Id, out _)) <= 4);
        Assert.True(cache.TryGetHead(heads[^1].Id, out _));
    }
}
