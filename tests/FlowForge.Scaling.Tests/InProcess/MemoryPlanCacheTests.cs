using FlowForge.Engine.Graphs;
using FlowForge.Scaling.Tests.Compliance;
using Microsoft.Extensions.Options;

namespace FlowForge.Scaling.Tests.InProcess;

public sealed class MemoryPlanCacheTests : PlanCacheCompliance
{
    protected override Task<IPlanCache> CreateCacheAsync() =>
        Task.FromResult<IPlanCache>(new MemoryPlanCache(Options.Create(new PlanCacheOptions { Capacity = 100 })));
}
