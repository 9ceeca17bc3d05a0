namespace FlowForge.Engine.Storage;

public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);
