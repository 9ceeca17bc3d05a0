using FlowForge.Engine.Runs;

namespace FlowForge.Engine.Storage;

/// <summary>The run's status after a cancel request, and the nodes it cancelled. Null from the store when the run does not exist for the owner.</summary>
public sealed record CancelResult(RunStatus Status, bool Changed, IReadOnlyList<NodeStateChange> Changes);
