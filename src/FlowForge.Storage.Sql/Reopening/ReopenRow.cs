using FlowForge.Engine.Runs;

namespace FlowForge.Storage.Sql.Reopening;

/// <summary>A node instance as reopening reads it: its status, version, the ports it fired, and its lease or timer.</summary>
internal sealed record ReopenRow(NodeStatus Status, long Version, string? Ports, long? LeaseUntil, long? WaitUntil);
