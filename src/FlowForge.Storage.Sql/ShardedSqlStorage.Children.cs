using FlowForge.Engine.Graphs;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Sharding;

namespace FlowForge.Storage.Sql;

/// <remarks>
/// A child run lives on its parent's shard (its id is picked to hash there, see <see cref="SameShardChild"/>), and so do
/// its children: finishing a child wakes its parent's node, and cancelling or deleting a run reaches its children, in
/// one transaction on one database.
/// </remarks>
public sealed partial class ShardedSqlStorage : IChildRunStore
{
    /// <summary>The most candidate ids tried for a child; with S shards one in S lands on the parent's, so this is never reached in practice.</summary>
    private const int MaxChildIdCandidates = 10_000;

    public Task<IReadOnlyList<ChildRunRecord>> ListChildRunsAsync(Guid parentRunId, string parentNodeId, bool withOutputs, CancellationToken cancellationToken) =>
        _shards[ShardOf(parentRunId)].ListChildRunsAsync(parentRunId, parentNodeId, withOutputs, cancellationToken);

    public async Task<ReopenResult?> RestartChildRunAsync(Guid childRunId, int parentAttempt, ExecutionPlan plan, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var shard = ShardOf(childRunId);
        var result = await _shards[shard].RestartChildRunAsync(childRunId, parentAttempt, plan, at, cancellationToken);
        return result is { Messages.Count: > 0 } ? result with { Messages = ShardedOutboxIds.ToGlobal(shard, result.Messages) } : result;
    }

    public Task<Page<RunSummary>?> ListChildrenPageAsync(Guid runId, Guid? ownerId, PageRequest page, CancellationToken cancellationToken) =>
        _shards[ShardOf(runId)].ListChildrenPageAsync(runId, ownerId, page, cancellationToken);

    public Task<IReadOnlyList<Guid>> ListDescendantRunIdsAsync(Guid runId, CancellationToken cancellationToken) =>
        _shards[ShardOf(runId)].ListDescendantRunIdsAsync(runId, cancellationToken);

    /// <summary>The child's id if it hashes to its parent's shard, else the first further candidate (<see cref="ChildRunIds"/>) that does.</summary>
    private NewRun SameShardChild(NewRun run)
    {
        if (run.Parent is not { } parent || ShardOf(run.Id) == ShardOf(parent.ParentRunId))
        {
            return run;
        }

        var home = ShardOf(parent.ParentRunId);
        for (var salt = 1; salt < MaxChildIdCandidates; salt++)
        {
            var candidate = ChildRunIds.For(parent.ParentRunId, parent.ParentNodeId, parent.ItemIndex, salt);
            if (ShardOf(candidate) == home)
            {
                return run with { Id = candidate };
            }
        }

        throw new InvalidOperationException($"No id for item {parent.ItemIndex} of node '{parent.ParentNodeId}' hashes to shard {home}.");
    }
}
