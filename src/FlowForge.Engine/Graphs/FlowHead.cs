namespace FlowForge.Engine.Graphs;

/// <summary>What a run's start needs of a flow besides its plan: its owner, its name and its newest version.</summary>
public sealed record FlowHead(Guid Id, Guid OwnerId, string Name, int Version);
