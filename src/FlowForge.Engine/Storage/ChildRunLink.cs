namespace FlowForge.Engine.Storage;

/// <summary>
/// What makes a run a child run: the run and node that started it, the item it runs for (unique per node), the node
/// attempt that started it, and how many runs are above it (its parent's depth plus one).
/// </summary>
public sealed record ChildRunLink(Guid ParentRunId, string ParentNodeId, int ItemIndex, int ParentAttempt, int Depth);
