namespace FlowForge.Engine.Storage;

/// <summary>A run to write: its row, one node instance per plan node (the trigger Ready) and the StartFlow message.</summary>
public sealed record NewRun(Guid Id, Guid OwnerId, Guid FlowId, int FlowVersion, string InputJson, string? IdempotencyKey, DateTimeOffset CreatedAt);
