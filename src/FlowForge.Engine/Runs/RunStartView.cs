using FlowForge.Engine.Graphs;
using FlowForge.Engine.Storage;

namespace FlowForge.Engine.Runs;

/// <summary>
/// A run its creation finished (its trigger and the pure nodes run before the write, docs/adr/0005-pure-nodes.md), as a
/// read of it would return it (<see cref="IRunQueries.GetRunAsync"/>), built from what the process wrote rather than read
/// back: the write recorded exactly these values. Times are kept as the stores keep them, in whole microseconds, UTC.
/// </summary>
internal static class RunStartView
{
    /// <summary>
    /// The finished run, or null when the creation did not finish it or wrote something this does not follow (an output
    /// in the blob store, a succeeded node with an error text, a node neither run nor skipped): the caller reads it back.
    /// </summary>
    public static RunView? Build(NewRun run, ExecutionPlan plan, RunCreation creation)
    {
        if (creation is not { Created: true, TriggerCompleted: true, RunFinished: RunStatus.Succeeded, ClaimedChild: null }
            || run.Parent is not null || run.TriggerOutputJson is null)
        {
            return null;
        }

        var createdAt = Stored(run.CreatedAt);
        var triggerId = run.TriggerNodeId ?? plan.Trigger.Id;
        var ran = new Dictionary<string, NodeCompletion>(run.StartRegion.Count, StringComparer.Ordinal);
        foreach (var completion in run.StartRegion)
        {
            if (completion is not { Status: NodeStatus.Succeeded, OutputBlob: null, Error: null, Attempt: 1 } || !ran.TryAdd(completion.NodeId, completion))
            {
                return null;
            }
        }

        // A node skipped by the write ended when the completion whose edges skipped it did: the store lists each
        // completion's own change first, then what resolving its edges changed.
        var skippedAt = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var change in creation.Changes)
        {
            if (change.Status == NodeStatus.Skipped)
            {
                skippedAt[change.NodeId] = createdAt;
            }
        }

        var at = createdAt;
        foreach (var change in creation.TriggerChanges)
        {
            if (change.Status == NodeStatus.Succeeded)
            {
                at = ran.TryGetValue(change.NodeId, out var completion) ? Stored(completion.At) : createdAt;
            }
            else if (change.Status == NodeStatus.Skipped)
            {
                skippedAt[change.NodeId] = at;
            }
        }

        var nodes = new List<NodeInstanceView>(plan.Nodes.Count);
        foreach (var node in plan.Nodes)
        {
            if (string.Equals(node.Id, triggerId, StringComparison.Ordinal))
            {
                nodes.Add(new NodeInstanceView(node.Id, node.Type, NodeStatus.Succeeded, 1, createdAt, createdAt, run.TriggerOutputJson, null, null)
                {
                    Attempts = [new NodeAttemptView(1, NodeStatus.Succeeded, createdAt, createdAt, null, run.TriggerAttemptInput, null)],
                });
            }
            else if (ran.TryGetValue(node.Id, out var completion))
            {
                var finishedAt = Stored(completion.At);
                var attemptStartedAt = completion.AttemptStartedAt is { } started ? Stored(started) : (DateTimeOffset?)null;
                nodes.Add(new NodeInstanceView(node.Id, node.Type, NodeStatus.Succeeded, 1, attemptStartedAt ?? finishedAt, finishedAt, completion.OutputJson, null, null)
                {
                    Attempts = [new NodeAttemptView(1, NodeStatus.Succeeded, attemptStartedAt, finishedAt, null, completion.InputJson, null, completion.Logs)],
                });
            }
            else if (skippedAt.TryGetValue(node.Id, out var skipped))
            {
                nodes.Add(new NodeInstanceView(node.Id, node.Type, NodeStatus.Skipped, 0, null, skipped, null, null, null));
            }
            else
            {
                return null;
            }
        }

        var runFinishedAt = run.StartRegion.Count > 0 ? Stored(run.StartRegion[^1].At) : createdAt;
        return new RunView(run.Id, run.FlowId, run.FlowVersion, RunStatus.Succeeded, run.InputJson, null, createdAt, createdAt, runFinishedAt, nodes)
        {
            Attempt = 1,
            OwnerId = run.OwnerId,
        };
    }

    private static DateTimeOffset Stored(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
}
