namespace FlowForge.Engine.Runs;

/// <summary>
/// Run and node status changes published only when somebody hears them (<see cref="IRunEvents.HearsNodes"/>,
/// <see cref="IRunEvents.HearsRun"/>): for a run nobody watches, no event object is made.
/// </summary>
public static class RunEventPublishing
{
    public static void PublishNode(this IRunEvents events, Guid runId, string nodeId, NodeStatus status, string? error, DateTimeOffset at)
    {
        if (events.HearsNodes(runId))
        {
            events.Publish(new NodeStatusChanged(runId, nodeId, status, error, at));
        }
    }

    public static void PublishRun(this IRunEvents events, Guid runId, RunStatus status, string? error, DateTimeOffset at)
    {
        if (events.HearsRun(runId, status))
        {
            events.Publish(new RunStatusChanged(runId, status, error, at));
        }
    }
}
