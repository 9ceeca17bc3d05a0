using FlowForge.Engine.Storage;

namespace FlowForge.Engine.Graphs;

/// <summary>Looks a plan up in the cache and compiles it from the stored flow version on a miss.</summary>
public sealed class PlanProvider(IPlanCache cache, IFlowStore flows, FlowChecker checker) : IPlanProvider
{
    public ValueTask<ExecutionPlan> GetPlanAsync(Guid flowId, int version, string? knownJson, CancellationToken cancellationToken) =>
        cache.GetOrAddAsync(new FlowVersionKey(flowId, version), async ct =>
        {
            var json = knownJson
                ?? (await flows.GetVersionAsync(flowId, version, ct).ConfigureAwait(false))?.Json
                ?? throw new InvalidOperationException($"Flow {flowId} has no version {version}.");
            return checker.CheckAndCompile(json, flowId, version);
        }, cancellationToken);
}
