using FlowForge.Engine.Runs;

namespace FlowForge.Engine.Nodes;

/// <summary>One child run of a node: its item, id, pinned flow version, status, the node attempt that last (re)started it and its error.</summary>
public sealed record ChildRun(int Index, Guid RunId, int FlowVersion, RunStatus Status, int StartedByAttempt, string? Error);
