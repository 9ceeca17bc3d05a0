namespace FlowForge.Engine.Storage;

/// <summary>A flow in a listing: its newest version, whether its triggers are on, and the node types that version uses (each once, in document order).</summary>
public sealed record FlowSummary(Guid Id, string Name, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool Active, IReadOnlyList<string> NodeTypes);
