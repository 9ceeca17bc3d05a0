namespace FlowForge.Engine.Graphs;

/// <summary>Compiled plans of saved flow versions, through the plan cache.</summary>
public interface IPlanProvider
{
    ValueTask<ExecutionPlan> GetPlanAsync(Guid flowId, int version, string? knownJson, CancellationToken cancellationToken);
}
