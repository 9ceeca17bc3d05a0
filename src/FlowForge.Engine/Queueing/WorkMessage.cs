namespace FlowForge.Engine.Queueing;

/// <summary>
/// A request to run one node of one run. <see cref="Version"/> is the node instance version the sender
/// saw: the claim succeeds only if the row still has it, so a message delivered twice runs once.
/// </summary>
public sealed record WorkMessage(
    WorkKind Kind,
    Guid RunId,
    string NodeId,
    long Version,
    Guid FlowId,
    int FlowVersion,
    string? TraceParent = null);
