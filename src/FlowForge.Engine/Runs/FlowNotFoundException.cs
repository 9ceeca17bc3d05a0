namespace FlowForge.Engine.Runs;

/// <summary>The flow does not exist for this owner (or was deleted).</summary>
public sealed class FlowNotFoundException(Guid flowId) : Exception($"Flow {flowId} was not found.")
{
    public Guid FlowId { get; } = flowId;
}
