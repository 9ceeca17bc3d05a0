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
    private const int LinearSearchedRegion = 8;

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
        // A short region is searched in place (no map per waited start); a long one through a map made once.
        var region = run.StartRegion;
        var ran = region.Count > LinearSearchedRegion ? new Dictionary<string, NodeCompletion>(region.Count, StringComparer.Ordinal) : null;
        for (var i = 0; i < region.Count; i++)
        {
            var completion = region[i];
            if (completion is not { Status: NodeStatus.Succeeded, OutputBlob: null, Error: null, Attempt: 1 }
                || (ran is null ? Find(region, i, completion.NodeId) is not null : !ran.TryAdd(completion.NodeId, completion)))
            {
                return null;
            }
        }

        // A node skipped by the write ended when the completion whose edges skipped it did: the store lists each
        // completion's own change first, then what resolving its edges changed.
        Dictionary<string, DateTimeOffset>? skippedAt = null;
        foreach (var change in creation.Changes)
        {
            if (change.Status == NodeStatus.Skipped)
            {
                (skippedAt ??= new(StringComparer.Ordinal))[change.NodeId] = createdAt;
            }
        }

        var at = createdAt;
        foreach (var change in creation.TriggerChanges)
        {
            if (change.Status == NodeStatus.Succeeded)
            {
                at = Ran(region, ran, change.NodeId) is { } completion ? Stored(completion.At) : createdAt;
            }
            else if (change.Status == NodeStatus.Skipped)
            {
                (skippedAt ??= new(StringComparer.Ordinal))[change.NodeId] = at;
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
            else if (Ran(region, ran, node.Id) is { } completion)
            {
                var finishedAt = Stored(completion.At);
                var attemptStartedAt = completion.AttemptStartedAt is { } started ? Stored(started) : (DateTimeOffset?)null;
                nodes.Add(new NodeInstanceView(node.Id, node.Type, NodeStatus.Succeeded, 1, attemptStartedAt ?? finishedAt, finishedAt, completion.OutputJson, null, null)
                {
                    Attempts = [new NodeAttemptView(1, NodeStatus.Succeeded, attemptStartedAt, finishedAt, null, completion.InputJson, null, completion.Logs)],
                });
            }
            else if (skippedAt is not null && skippedAt.TryGetValue(node.Id, out var skipped))
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

    /// <summary>The completion of <paramref name="nodeId"/> in the region, through the map when there is one.</summary>
    private static NodeCompletion? Ran(IReadOnlyList<NodeCompletion> region, Dictionary<string, NodeCompletion>? map, string nodeId) =>
        map is not null ? map.GetValueOrDefault(nodeId) : Find(region, region.Count, nodeId);

    /// <summary>The first of the region's first <paramref name="count"/> completions that is of <paramref name="nodeId"/>.</summary>
    private static NodeCompletion? Find(IReadOnlyList<NodeCompletion> region, int count, string nodeId)
    {
        for (var i = 0; i < count; i++)
        {
            if (string.Equals(region[i].NodeId, nodeId, StringComparison.Ordinal))
            {
                return region[i];
            }
        }

        return null;
    }

    private static DateTimeOffset Stored(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
}
