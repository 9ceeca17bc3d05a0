namespace FlowForge.Engine.Storage;

public sealed record FlowSummary(Guid Id, string Name, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
