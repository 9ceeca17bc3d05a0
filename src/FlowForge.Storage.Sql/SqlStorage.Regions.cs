using FlowForge.Engine.Graphs;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

/// <summary>
/// A pure region's completions written in one operation (<see cref="NodeCompletion.Preceding"/>, docs/adr/0005-pure-nodes.md):
/// a chain, or a sub-graph of fan-outs and joins run in memory by one worker.
/// </summary>
public sealed partial class SqlStorage
{
    // A node of the region, made Ready by an earlier completion of the same write, claimed as its first attempt (its
    // completion follows at once). A node that ran before (an attempt, an interruption, a wait) is not claimed here.
    private static readonly SqlStatement ClaimRegionNode = new(nameof(ClaimRegionNode), """
        UPDATE NodeInstances
        SET Status = 'Running', Version = Version + 1, Attempt = 1, LeaseUntil = @leaseUntil, WaitUntil = NULL,
            WaitKind = NULL, StartedAt = COALESCE(StartedAt, @now), WorkerId = @workerId
        WHERE RunId = @runId AND NodeId = @nodeId AND Version = @version AND Status = 'Ready'
          AND Attempt = 0 AND Interruptions = 0 AND ResumedFrom IS NULL
        """);

    /// <summary>
    /// The region's completions in order, in one transaction. The store resolves every edge as for single completions, so
    /// readiness and skips are its own; a node of the region (one recorded later in the write) made Ready is neither
    /// claimed nor given a message, but claimed as its first attempt when its completion comes, which then takes that
    /// claim's version. A node of the region not Ready by then, or not claimable as a first attempt, stops the write there
    /// (<see cref="CompletionResult.ChainBroken"/>): what came before stays, and the nodes it made Ready get their messages.
    /// The last completion's <see cref="NodeCompletion.ClaimChild"/> claims one child that completion makes Ready, or, when
    /// it names a node, that node whichever completion makes it Ready.
    /// </summary>
    private static async ValueTask<CompletionResult> CompleteRegionAsync(SqlSession s, NodeCompletion last, ExecutionPlan plan, CancellationToken ct)
    {
        var count = last.Preceding.Count + 1;
        var members = new HashSet<string>(count, StringComparer.Ordinal);
        for (var i = 1; i < count; i++)
        {
            members.Add(i < last.Preceding.Count ? last.Preceding[i].NodeId : last.NodeId);
        }

        var regionClaim = RegionClaimOf(last);
        if (await TryCompleteRegionAsSetAsync(s, last, plan, regionClaim, ct) is { } written)
        {
            return written;
        }

        var request = last.ClaimChild;
        var slot = new ChildClaimSlot(request is { NodeId: not null } ? request : null)
        {
            Members = members,
            Deferred = new Dictionary<string, long>(StringComparer.Ordinal),
        };
        var messages = new List<OutboxMessage>();
        var changes = new List<NodeStateChange>();
        RunStatus? finished = null;
        var broken = false;
        for (var i = 0; i < count; i++)
        {
            var completion = i < last.Preceding.Count ? last.Preceding[i] : last with { Preceding = [] };
            if (i == count - 1 && request is { NodeId: null })
            {
                // Only the last completion's own children may be claimed: the worker checked those can run here.
                slot.Request = request;
            }

            if (i > 0)
            {
                if (regionClaim is null || !slot.Deferred.TryGetValue(completion.NodeId, out var version)
                    || !await ClaimRegionNodeAsync(s, completion, version, regionClaim, ct))
                {
                    broken = true;
                    break;
                }

                slot.Deferred.Remove(completion.NodeId);
                completion = completion with { Version = version + 1 };
            }

            var result = await CompleteOneAsync(s, completion, plan, slot, ct);
            if (!result.Applied)
            {
                // Only the first can be stale: the others were claimed in this transaction.
                if (i == 0)
                {
                    return CompletionResult.Stale;
                }

                broken = true;
                break;
            }

            messages.AddRange(result.Messages);
            changes.AddRange(result.Changes);
            finished ??= result.RunFinished;
        }

        if (finished is null)
        {
            // Nodes of the region made Ready and not recorded (the write stopped before them) run from the queue.
            foreach (var (nodeId, version) in slot.Deferred)
            {
                var message = new WorkMessage(WorkKind.ExecuteNode, last.RunId, nodeId, version, plan.FlowId, plan.Version);
                messages.Add(new OutboxMessage(await InsertOutboxAsync(s, message, ct), message));
                changes.Add(new NodeStateChange(nodeId, NodeStatus.Ready));
            }
        }

        ClaimedNode? claimed = null;
        if (slot is { Claimed: { } child, ClaimedBy: { } by })
        {
            claimed = await WithChainedInputsAsync(s, plan, by.Completion, by.Ports, by.At, child, null, ct);
        }

        return new CompletionResult(true, messages, changes, finished) { ClaimedChild = claimed, ChainBroken = broken };
    }

    /// <summary>The claim the region's nodes after the first are taken under: the first a completion of it asks for.</summary>
    private static ChainClaim? RegionClaimOf(NodeCompletion last)
    {
        for (var i = 0; i < last.Preceding.Count; i++)
        {
            if (last.Preceding[i].ClaimChild is { } claim)
            {
                return claim;
            }
        }

        return last.ClaimChild;
    }

    private static async ValueTask<bool> ClaimRegionNodeAsync(SqlSession s, NodeCompletion completion, long version, ChainClaim claim, CancellationToken ct)
    {
        var update = s.Command(ClaimRegionNode)
            .Bind("@leaseUntil", UnixMicros.From(claim.LeaseUntil))
            .Bind("@now", UnixMicros.From(completion.AttemptStartedAt ?? completion.At))
            .Bind("@workerId", claim.WorkerId)
            .Bind("@runId", completion.RunId)
            .Bind("@nodeId", completion.NodeId)
            .Bind("@version", version);
        return await s.ExecuteAsync(update, ct) == 1;
    }
}
