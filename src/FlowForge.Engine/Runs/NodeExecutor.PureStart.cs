using System.Diagnostics;
using System.Text.Json;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Nodes;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Storage;

namespace FlowForge.Engine.Runs;

public sealed partial class NodeExecutor
{
    /// <summary>
    /// Runs in memory, before the run is written, the pure region its trigger reaches (docs/adr/0005-pure-nodes.md): the
    /// nodes a worker would run in a region after the trigger, picked the same way (<see cref="NextInPureRegion"/>), at most
    /// <see cref="EngineOptions.PureStartNodes"/> of them and for at most <see cref="EngineOptions.PureStartTime"/>. Nothing
    /// outside the run sees them run, so a crash before the write loses nothing anybody was told. A node that does not
    /// simply succeed (it fails, waits, or is to be retried) ends the region and is named to run again from its own claim,
    /// where failures and waits are handled; its completion here is dropped.
    /// </summary>
    internal async Task<PureStartRegion> RunPureStartAsync(
        NewRun run, ExecutionPlan plan, JsonElement? runInput, string? traceParent, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var trigger = plan[run.TriggerNodeId ?? plan.Trigger.Id];
        var message = new WorkMessage(WorkKind.ExecuteNode, run.Id, trigger.Id, 0, run.FlowId, run.FlowVersion, traceParent);
        // Sized for a small region at once when one may run (its maps and sets grew two or three times per run); a bigger
        // one grows them past that as before.
        var held = new HeldClaim(message, MayStartRegion(trigger, plan) ? Math.Min(plan.Nodes.Count, Math.Min(limits.PureStartNodes + 1, SizedRegion)) : 0);
        var triggerClaim = new ClaimedNode(run.Id, trigger.Id, 1, 1, runInput, EmptyOutputs, null, RunStarted: false) { OwnerId = run.OwnerId };
        var triggerCompletion = new NodeCompletion(run.Id, trigger.Id, 1, NodeStatus.Succeeded, run.TriggerOutputJson, null, [NodePorts.Main], run.CreatedAt);
        // The trigger's output is the run input written again: the same text, so the input already parsed stands for it.
        var triggerOutput = string.Equals(run.TriggerOutputJson, run.InputJson, StringComparison.Ordinal) ? runInput : null;
        var next = NextInPureRegion(trigger, triggerCompletion, triggerClaim, plan, held, triggerOutput);
        if (next is null)
        {
            return PureStartRegion.None;
        }

        var completions = new List<NodeCompletion>();
        var started = Stopwatch.GetTimestamp();
        // One child claim for the region's nodes (immutable, so shared): its lease counts from the region's start, at most
        // PureStartTime before a claim of each node's own would.
        var claimChild = NewChainClaim();
        PlanNode? last = null;
        while (next is not null && completions.Count < limits.PureStartNodes && !cancellationToken.IsCancellationRequested
            && Stopwatch.GetElapsedTime(started) < limits.PureStartTime)
        {
            var node = plan[next.NodeId];
            var nodeStarted = Stopwatch.GetTimestamp();
            NodeCompletion completion;
            using (var activity = EngineTelemetry.StartActivity("node ", node.Type, ActivityKind.Internal, traceParent))
            {
                activity?.SetTag("flowforge.run_id", run.Id);
                activity?.SetTag("flowforge.node_id", node.Id);
                activity?.SetTag("flowforge.node_type", node.Type);
                activity?.SetTag("flowforge.attempt", 1);
                (completion, _) = await RunNodeAsync(node, next, cancellationToken, claimChild, beforeRunWritten: true).ConfigureAwait(false);
            }

            EngineTelemetry.NodeDuration.Record(Stopwatch.GetElapsedTime(nodeStarted).TotalMilliseconds,
                new KeyValuePair<string, object?>("node_type", node.Type),
                new KeyValuePair<string, object?>("outcome", StatusName.Of(completion.Status)));
            if (completion.Status != NodeStatus.Succeeded)
            {
                return new PureStartRegion(completions, node.Id, MayClaimAfter: false);
            }

            completions.Add(completion);
            last = node;
            next = NextInPureRegion(node, completion, next, plan, held);
        }

        // Nodes still queued (the limits were reached) are made Ready by the write with their messages, as after a region's.
        return completions.Count == 0
            ? PureStartRegion.None
            : new PureStartRegion(completions, null, MayChainAfter(completions[^1], last!, plan, cancellationToken));
    }

    private const int SizedRegion = 16;

    /// <summary>Whether one of the trigger's children is of a pure type installed here, so that a region may start.</summary>
    private bool MayStartRegion(PlanNode trigger, ExecutionPlan plan)
    {
        for (var i = 0; i < trigger.Children.Count; i++)
        {
            if (nodeTypes.TryGet(plan[trigger.Children[i].Target].Type, out var type) && type.Descriptor.Pure)
            {
                return true;
            }
        }

        return false;
    }

    private static readonly IReadOnlyDictionary<string, JsonElement?> EmptyOutputs = new Dictionary<string, JsonElement?>(StringComparer.Ordinal);
}

/// <summary>
/// The pure nodes run before a run's write: their completions in the order they ran; the node that did not simply succeed
/// there, to be claimed by name and run again; and whether the last completion's children can all run here (so one of them
/// may be claimed for this process).
/// </summary>
internal sealed record PureStartRegion(IReadOnlyList<NodeCompletion> Completions, string? RunAgain, bool MayClaimAfter)
{
    public static readonly PureStartRegion None = new([], null, false);
}
