namespace FlowForge.Engine.Nodes;

/// <summary>Settings of a node type that takes no config.</summary>
public sealed record NoSettings;
