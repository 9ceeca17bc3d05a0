namespace FlowForge.Engine.Graphs;

/// <summary>
/// One thing wrong with a flow definition. <see cref="Code"/> is stable (clients switch on it);
/// <see cref="Message"/> says what to do. At most one of node/edge id is usually set; <see cref="Field"/>
/// is a JSON path inside the flow document or the node's config.
/// </summary>
public sealed record GraphProblem(string Code, string Message, string? NodeId = null, string? EdgeId = null, string? Field = null, IReadOnlyList<string>? NodeIds = null);
