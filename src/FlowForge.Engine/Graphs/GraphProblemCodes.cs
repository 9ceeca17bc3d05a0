namespace FlowForge.Engine.Graphs;

/// <summary>Stable codes for <see cref="GraphProblem"/>; documented in docs/architecture.md.</summary>
public static class GraphProblemCodes
{
    public const string InvalidJson = "invalid_json";
    public const string MissingField = "missing_field";
    public const string InvalidField = "invalid_field";
    public const string TooManyNodes = "too_many_nodes";
    public const string TooLong = "too_long";
    public const string TooLarge = "too_large";
    public const string DuplicateNodeId = "duplicate_node_id";
    public const string DuplicateEdgeId = "duplicate_edge_id";
    public const string UnknownNodeType = "unknown_node_type";
    public const string EdgeSourceMissing = "edge_source_missing";
    public const string EdgeTargetMissing = "edge_target_missing";
    public const string UnknownPort = "unknown_port";
    public const string SelfLoop = "self_loop";
    public const string Cycle = "cycle";
    public const string NoTrigger = "no_trigger";
    public const string TriggerHasParents = "trigger_has_parents";
    public const string Unreachable = "unreachable_node";
    public const string InvalidConfig = "invalid_config";
    public const string InvalidPolicy = "invalid_policy";
}
