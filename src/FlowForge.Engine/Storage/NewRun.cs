namespace FlowForge.Engine.Storage;

/// <summary>A run to write: its row, one node instance per plan node (the starting trigger Ready) and the StartFlow message.</summary>
public sealed record NewRun(Guid Id, Guid OwnerId, Guid FlowId, int FlowVersion, string InputJson, string? IdempotencyKey, DateTimeOffset CreatedAt)
{
    /// <summary>
    /// The trigger the run starts at; the plan's other triggers are Skipped at once, and with them every node only
    /// they reach. Null for a plan with a single trigger.
    /// </summary>
    public string? TriggerNodeId { get; init; }

    /// <summary>Set for a child run: the node that started it. Creating the same child twice returns the first one.</summary>
    public ChildRunLink? Parent { get; init; }
}
