namespace FlowForge.Engine.Storage;

/// <summary>One saved version of a flow: <see cref="Json"/> is the document exactly as the client sent it.</summary>
public sealed record FlowRecord(Guid Id, Guid OwnerId, string Name, int Version, string Json, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
