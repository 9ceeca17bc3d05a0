using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;

namespace FlowForge.Storage.Sql.Mapping;

/// <summary>Statuses and message kinds are stored as their enum names, readable in any database tool.</summary>
internal static class StatusNames
{
    public static string Of(RunStatus status) => StatusName.Of(status);

    public static string Of(NodeStatus status) => StatusName.Of(status);

    public static string Of(WorkKind kind) => kind switch
    {
        WorkKind.StartFlow => "StartFlow",
        WorkKind.ExecuteNode => "ExecuteNode",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown work kind."),
    };

    public static RunStatus RunStatusOf(string name) => name switch
    {
        "Pending" => RunStatus.Pending,
        "Running" => RunStatus.Running,
        "Succeeded" => RunStatus.Succeeded,
        "Failed" => RunStatus.Failed,
        "Cancelled" => RunStatus.Cancelled,
        _ => throw new InvalidDataException($"Unknown run status '{name}' in the database."),
    };

    public static NodeStatus NodeStatusOf(string name) => name switch
    {
        "Pending" => NodeStatus.Pending,
        "Ready" => NodeStatus.Ready,
        "Running" => NodeStatus.Running,
        "Succeeded" => NodeStatus.Succeeded,
        "Failed" => NodeStatus.Failed,
        "Skipped" => NodeStatus.Skipped,
        "Cancelled" => NodeStatus.Cancelled,
        _ => throw new InvalidDataException($"Unknown node status '{name}' in the database."),
    };

    public static WorkKind WorkKindOf(string name) => name switch
    {
        "StartFlow" => WorkKind.StartFlow,
        "ExecuteNode" => WorkKind.ExecuteNode,
        _ => throw new InvalidDataException($"Unknown message kind '{name}' in the database."),
    };
}
