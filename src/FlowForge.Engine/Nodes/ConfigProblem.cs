namespace FlowForge.Engine.Nodes;

/// <summary>A config value that breaks the node type's schema; <see cref="Path"/> is a JSON path inside the config.</summary>
public sealed record ConfigProblem(string Path, string Message);
