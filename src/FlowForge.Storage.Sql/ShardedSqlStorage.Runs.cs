using FlowForge.Engine.Graphs;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Mapping;
using FlowForge.Storage.Sql.Sharding;

namespace FlowForge.Storage.Sql;

public sealed partial class ShardedSqlStorage
{
    /// <remarks>
    /// Two requests with one idempotency key carry different run ids, which may hash to different shards, so
    /// the key is claimed on shard 0 first: the first run id it is given is the one written, on its shard,
    /// whoever writes it. A retry after a crash between the two writes finishes that run.
    /// </remarks>
    public async Task<RunCreation> CreateRunAsync(NewRun run, ExecutionPlan plan, CancellationToken cancellationToken)
    {
        run = SameShardChild(run);
        if (run.IdempotencyKey is { } key && run.Parent is null)
        {
            var runId = await Home.ClaimIdempotencyKeyAsync(run.OwnerId, run.FlowId, key, run.Id, cancellationToken);
            run = run with { Id = runId };
        }

        var shard = ShardOf(run.Id);
        var creation = await _shards[shard].CreateRunAsync(run, plan, cancellationToken);
        return creation.Messages.Count == 0 ? creation : creation with { Messages = ShardedOutboxIds.ToGlobal(shard, creation.Messages) };
    }

    public Task<ClaimedNode?> TryClaimAsync(
        WorkMessage message, IReadOnlyList<string> dependencies, Guid workerId, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken) =>
        _shards[ShardOf(message.RunId)].TryClaimAsync(message, dependencies, workerId, now, leaseUntil, cancellationToken);

    public Task<RunDeletion> DeleteRunAsync(Guid runId, Guid? ownerId, CancellationToken cancellationToken) =>
        _shards[ShardOf(runId)].DeleteRunAsync(runId, ownerId, cancellationToken);

    public async Task<CompletionResult> CompleteNodeAsync(NodeCompletion completion, ExecutionPlan plan, CancellationToken cancellationToken)
    {
        var shard = ShardOf(completion.RunId);
        var result = await _shards[shard].CompleteNodeAsync(completion, plan, cancellationToken);
        return result.Messages.Count == 0 ? result : result with { Messages = ShardedOutboxIds.ToGlobal(shard, result.Messages) };
    }

    public async Task<SignalResult> SignalNodeAsync(NodeSignal signal, ExecutionPlan plan, CancellationToken cancellationToken)
    {
        var shard = ShardOf(signal.RunId);
        var result = await _shards[shard].SignalNodeAsync(signal, plan, cancellationToken);
        return result.Completion is { Messages.Count: > 0 } completion
            ? result with { Completion = completion with { Messages = ShardedOutboxIds.ToGlobal(shard, completion.Messages) } }
            : result;
    }

    public async Task<CancelResult?> CancelRunAsync(Guid runId, Guid? ownerId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var shard = ShardOf(runId);
        var result = await _shards[shard].CancelRunAsync(runId, ownerId, at, cancellationToken);
        return result is { Messages.Count: > 0 } ? result with { Messages = ShardedOutboxIds.ToGlobal(shard, result.Messages) } : result;
    }

    public async Task<ReopenResult?> ReopenRunAsync(Guid runId, Guid? ownerId, ExecutionPlan plan, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var shard = ShardOf(runId);
        var result = await _shards[shard].ReopenRunAsync(runId, ownerId, plan, at, cancellationToken);
        return result is { Messages.Count: > 0 } ? result with { Messages = ShardedOutboxIds.ToGlobal(shard, result.Messages) } : result;
    }

    public Task<RunView?> GetRunAsync(Guid runId, Guid? ownerId, CancellationToken cancellationToken) =>
        _shards[ShardOf(runId)].GetRunAsync(runId, ownerId, cancellationToken);

    public Task<Page<RunSummary>> ListRunsAsync(Guid flowId, Guid ownerId, PageRequest page, CancellationToken cancellationToken) =>
        MergeRunPagesAsync(PageCursor.Runs, page, (shard, request) => shard.ListRunsAsync(flowId, ownerId, request, cancellationToken));

    public Task<Page<RunSummary>> ListRunsByStatusAsync(Guid ownerId, RunStatus? status, PageRequest page, CancellationToken cancellationToken) =>
        MergeRunPagesAsync(PageCursor.RunsByStatus, page, (shard, request) => shard.ListRunsByStatusAsync(ownerId, status, request, cancellationToken));

    /// <summary>Every shard is asked once; of a flow's runs on several shards the newest wins, in the order the databases sort by.</summary>
    public async Task<IReadOnlyList<LastRun>> LastRunsAsync(Guid ownerId, IReadOnlyCollection<Guid> flowIds, CancellationToken cancellationToken)
    {
        var perShard = await Task.WhenAll(_shards.Select(s => s.LastRunsAsync(ownerId, flowIds, cancellationToken)));
        var idOrder = Home.Executor.Dialect.IdOrder;
        var newest = new Dictionary<Guid, LastRun>();
        foreach (var run in perShard.SelectMany(r => r))
        {
            if (!newest.TryGetValue(run.FlowId, out var seen)
                || run.CreatedAt > seen.CreatedAt
                || (run.CreatedAt == seen.CreatedAt && idOrder.Compare(run.RunId, seen.RunId) > 0))
            {
                newest[run.FlowId] = run;
            }
        }

        return [.. newest.Values];
    }

    /// <summary>
    /// Every shard is asked for one page after the same cursor; the pages are merged newest first in the
    /// order the databases sort by, and the first <c>limit</c> are the page. Its last item is the next
    /// cursor, which every shard again reads strictly after: nothing is skipped or repeated.
    /// </summary>
    private async Task<Page<RunSummary>> MergeRunPagesAsync(byte cursorKind, PageRequest page, Func<SqlStorage, PageRequest, Task<Page<RunSummary>>> list)
    {
        // A foreign cursor is refused here, before any shard is asked.
        PageCursor.Decode(cursorKind, page.Cursor);
        var limit = PageCursor.ClampLimit(page.Limit);
        var request = new PageRequest(limit, page.Cursor);
        var pages = await Task.WhenAll(_shards.Select(s => list(s, request)));

        var merged = new List<RunSummary>(pages.Sum(p => p.Items.Count));
        var more = false;
        foreach (var shardPage in pages)
        {
            merged.AddRange(shardPage.Items);
            more |= shardPage.NextCursor is not null;
        }

        var idOrder = Home.Executor.Dialect.IdOrder;
        merged.Sort((x, y) =>
        {
            var byTime = y.CreatedAt.CompareTo(x.CreatedAt);
            return byTime != 0 ? byTime : idOrder.Compare(y.Id, x.Id);
        });

        if (merged.Count > limit)
        {
            merged.RemoveRange(limit, merged.Count - limit);
            more = true;
        }

        if (!more || merged.Count == 0)
        {
            return new Page<RunSummary>(merged, null);
        }

        var last = merged[^1];
        return new Page<RunSummary>(merged, PageCursor.Encode(cursorKind, UnixMicros.From(last.CreatedAt), last.Id));
    }
}
