namespace FlowForge.Engine.Graphs;

public readonly record struct FlowVersionKey(Guid FlowId, int Version);
