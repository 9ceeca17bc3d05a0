namespace FlowForge.Server.Endpoints;

/// <summary>One entry of GET /api/flows/{id}/versions.</summary>
internal sealed record FlowVersionSummary(int Version, string Name, DateTimeOffset CreatedAt, int NodeCount);
