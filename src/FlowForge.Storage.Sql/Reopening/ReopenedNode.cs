using FlowForge.Engine.Runs;

namespace FlowForge.Storage.Sql.Reopening;

/// <summary>The state reopening gives a node: Pending (with the edges it still waits for), Ready, or Skipped.</summary>
internal sealed record ReopenedNode(NodeStatus Status, int PendingParents, int ActiveParents);
