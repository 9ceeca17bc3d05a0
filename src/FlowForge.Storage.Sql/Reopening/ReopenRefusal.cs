using FlowForge.Engine.Storage;

namespace FlowForge.Storage.Sql.Reopening;

/// <summary>Why a run cannot be reopened now, and the node that stands in the way.</summary>
internal sealed record ReopenRefusal(ReopenOutcome Outcome, string NodeId);
