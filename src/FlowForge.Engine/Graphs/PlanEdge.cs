namespace FlowForge.Engine.Graphs;

/// <summary>An edge leaving a node through <see cref="Port"/> towards <see cref="Target"/>.</summary>
public sealed record PlanEdge(string EdgeId, string Port, string Target);
