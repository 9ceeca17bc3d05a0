using System.Globalization;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

public sealed partial class SqlStorage : IChildRunStore
{
    private static readonly SqlStatement ParkNodeOnChildren = new(nameof(ParkNodeOnChildren), """
        UPDATE NodeInstances SET Version = Version + 1, LeaseUntil = NULL, WaitUntil = @waitUntil, WaitKind = 'children'
        WHERE RunId = @runId AND NodeId = @nodeId AND Version = @version AND Status = 'Running'
        """);

    // Only a node parked on its children is woken, and only once: a node executing right now counts its open
    // children as it parks, so a child that ends meanwhile is never missed.
    private static readonly SqlStatement WakeNodeForChildren = new(nameof(WakeNodeForChildren), """
        UPDATE NodeInstances SET Version = Version + 1, WaitUntil = @at
        WHERE RunId = @runId AND NodeId = @nodeId AND Status = 'Running' AND WaitKind = 'children' AND WaitUntil = @never
        """);

    private static readonly SqlStatement SelectWokenNode = new(nameof(SelectWokenNode), """
        SELECT n.Version, r.FlowId, r.FlowVersion FROM NodeInstances n JOIN Runs r ON r.Id = n.RunId
        WHERE n.RunId = @runId AND n.NodeId = @nodeId
        """);

    private static readonly SqlStatement CountOpenChildren = new(nameof(CountOpenChildren), """
        SELECT COUNT(*) FROM Runs WHERE ParentRunId = @runId AND ParentNodeId = @nodeId AND Status IN ('Pending', 'Running')
        """);

    private static readonly SqlStatement SelectOpenChildRuns = new(nameof(SelectOpenChildRuns), """
        SELECT Id FROM Runs WHERE ParentRunId = @runId AND Status IN ('Pending', 'Running')
        """);

    private static readonly SqlStatement SelectChildRunIds = new(nameof(SelectChildRunIds), """
        SELECT Id FROM Runs WHERE ParentRunId = @runId
        """);

    private static readonly SqlStatement SelectChildRunsOfNode = new(nameof(SelectChildRunsOfNode), """
        SELECT ItemIndex, Id, FlowVersion, Status, ParentAttempt, Error FROM Runs
        WHERE ParentRunId = @runId AND ParentNodeId = @nodeId
        ORDER BY ItemIndex
        """);

    // The run output: the last node in flow order that succeeded (what a webhook's whenFinished answers with).
    private static readonly SqlStatement SelectChildOutputs = new(nameof(SelectChildOutputs), """
        SELECT n.RunId, n.Ordinal, n.Output, n.OutputBlob, n.OutputBytes FROM Runs r JOIN NodeInstances n ON n.RunId = r.Id
        WHERE r.ParentRunId = @runId AND r.ParentNodeId = @nodeId AND r.Status = 'Succeeded' AND n.Status = 'Succeeded'
        """);

    private static readonly SqlStatement SetChildParentAttempt = new(nameof(SetChildParentAttempt), """
        UPDATE Runs SET ParentAttempt = @parentAttempt WHERE Id = @runId
        """);

    private static readonly SqlStatement ListChildrenOfRun = new(nameof(ListChildrenOfRun), """
        SELECT Id, FlowId, FlowVersion, Status, CreatedAt, StartedAt, FinishedAt, Error, Attempt, ParentNodeId, ItemIndex
        FROM Runs
        WHERE ParentRunId = @runId
          AND CreatedAt <= @afterCreatedAt AND (CreatedAt < @afterCreatedAt OR Id < @afterId)
        ORDER BY CreatedAt DESC, Id DESC
        LIMIT @limit
        """);

    private static readonly SqlStatement SelectRunOwner = new(nameof(SelectRunOwner), """
        SELECT OwnerId FROM Runs WHERE Id = @runId
        """);

    /// <summary>WaitUntil of a node parked on its children: a timer that never comes due until a child ends.</summary>
    private const long ChildrenWaitUntil = long.MaxValue;

    public Task<IReadOnlyList<ChildRunRecord>> ListChildRunsAsync(Guid parentRunId, string parentNodeId, bool withOutputs, CancellationToken cancellationToken) =>
        _executor.ReadAsync(static async (s, a, ct) =>
        {
            var records = new List<ChildRunRecord>();
            var select = s.Command(SelectChildRunsOfNode).Bind("@runId", a.RunId).Bind("@nodeId", a.NodeId);
            await using (var reader = await s.ReaderAsync(select, ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    records.Add(new ChildRunRecord(
                        reader.GetInt32(0), reader.GetGuid(1), reader.GetInt32(2), StatusNames.RunStatusOf(reader.GetString(3)),
                        reader.IsDBNull(4) ? 0 : reader.GetInt32(4), reader.GetNullableString(5)));
                }
            }

            if (!a.WithOutputs)
            {
                return (IReadOnlyList<ChildRunRecord>)records;
            }

            var last = new Dictionary<Guid, (int Ordinal, string? Output, BlobReference? Blob)>();
            var outputs = s.Command(SelectChildOutputs).Bind("@runId", a.RunId).Bind("@nodeId", a.NodeId);
            await using (var reader = await s.ReaderAsync(outputs, ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    var runId = reader.GetGuid(0);
                    var ordinal = reader.GetInt32(1);
                    if (last.TryGetValue(runId, out var seen) && seen.Ordinal > ordinal)
                    {
                        continue;
                    }

                    last[runId] = (ordinal, reader.GetNullableString(2),
                        reader.IsDBNull(3) ? null : new BlobReference(runId, reader.GetGuid(3), reader.GetInt64(4)));
                }
            }

            return records.ConvertAll(r => last.TryGetValue(r.RunId, out var output) ? r with { OutputJson = output.Output, OutputBlob = output.Blob } : r);
        }, (RunId: parentRunId, NodeId: parentNodeId, WithOutputs: withOutputs), cancellationToken);

    public Task<ReopenResult?> RestartChildRunAsync(Guid childRunId, int parentAttempt, ExecutionPlan plan, DateTimeOffset at, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
        {
            var result = await ReopenRunCoreAsync(s, (a.RunId, null, a.Plan, a.At), ct);
            if (result is { Outcome: ReopenOutcome.Reopened })
            {
                await s.ExecuteAsync(s.Command(SetChildParentAttempt).Bind("@parentAttempt", a.ParentAttempt).Bind("@runId", a.RunId), ct);
            }

            return result;
        }, (RunId: childRunId, ParentAttempt: parentAttempt, Plan: plan, At: UnixMicros.From(at)), cancellationToken);

    public async Task<Page<RunSummary>?> ListChildrenPageAsync(Guid runId, Guid? ownerId, PageRequest page, CancellationToken cancellationToken)
    {
        var after = PageCursor.Decode(PageCursor.ChildRuns, page.Cursor);
        return await _executor.ReadAsync(static async (s, a, ct) =>
        {
            await using (var reader = await s.ReaderAsync(s.Command(SelectRunOwner).Bind("@runId", a.RunId), ct))
            {
                if (!await reader.ReadAsync(ct) || (a.OwnerId is { } expected && reader.GetGuid(0) != expected))
                {
                    return null;
                }
            }

            var command = s.Command(ListChildrenOfRun).Bind("@runId", a.RunId);
            return (Page<RunSummary>?)await ReadRunPageAsync(s, command, PageCursor.ChildRuns, a.After, a.Limit, ct);
        }, (RunId: runId, OwnerId: ownerId, After: after, Limit: PageCursor.ClampLimit(page.Limit)), cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<Guid>> ListDescendantRunIdsAsync(Guid runId, CancellationToken cancellationToken) =>
        _executor.ReadAsync(static async (s, id, ct) => (IReadOnlyList<Guid>)await DescendantsAsync(s, id, ct), runId, cancellationToken);

    /// <summary>Every run below the run, breadth first.</summary>
    private static async ValueTask<List<Guid>> DescendantsAsync(SqlSession s, Guid runId, CancellationToken ct)
    {
        var found = new List<Guid>();
        var queue = new Queue<Guid>();
        queue.Enqueue(runId);
        var select = s.Command(SelectChildRunIds);
        while (queue.TryDequeue(out var current))
        {
            await using var reader = await s.ReaderAsync(select.Bind("@runId", current), ct);
            while (await reader.ReadAsync(ct))
            {
                var child = reader.GetGuid(0);
                found.Add(child);
                queue.Enqueue(child);
            }
        }

        return found;
    }

    /// <summary>
    /// Parks a node until one of its child runs ends. The children still open are counted after the park has locked the
    /// node's row: fewer than the node saw means one ended in between, and the node is made due at once (with its message).
    /// </summary>
    private static async ValueTask<CompletionResult> ParkOnChildrenAsync(SqlSession s, RunRow run, NodeCompletion completion, int expectedOpen, long at, CancellationToken ct)
    {
        var park = s.Command(ParkNodeOnChildren)
            .Bind("@waitUntil", ChildrenWaitUntil)
            .Bind("@runId", completion.RunId)
            .Bind("@nodeId", completion.NodeId)
            .Bind("@version", completion.Version);
        if (await s.ExecuteAsync(park, ct) == 0)
        {
            return CompletionResult.Stale;
        }

        var count = s.Command(CountOpenChildren).Bind("@runId", completion.RunId).Bind("@nodeId", completion.NodeId);
        var open = Convert.ToInt64(await s.ScalarAsync(count, ct), CultureInfo.InvariantCulture);
        if (open >= expectedOpen)
        {
            return new CompletionResult(true, [], [], null);
        }

        var messages = new List<OutboxMessage>();
        await WakeAsync(s, run.Id, completion.NodeId, at, messages, ct);
        return new CompletionResult(true, messages, [], null);
    }

    /// <summary>When the run that just ended is a child run, makes the node waiting for it due now, with its message, in this transaction.</summary>
    private static ValueTask WakeParentAsync(SqlSession s, RunRow run, long at, List<OutboxMessage> messages, CancellationToken ct) =>
        run is { ParentRunId: { } parentRunId, ParentNodeId: { } parentNodeId }
            ? WakeAsync(s, parentRunId, parentNodeId, at, messages, ct)
            : ValueTask.CompletedTask;

    private static async ValueTask WakeAsync(SqlSession s, Guid runId, string nodeId, long at, List<OutboxMessage> messages, CancellationToken ct)
    {
        var wake = s.Command(WakeNodeForChildren).Bind("@at", at).Bind("@never", ChildrenWaitUntil).Bind("@runId", runId).Bind("@nodeId", nodeId);
        if (await s.ExecuteAsync(wake, ct) == 0)
        {
            return;
        }

        WorkMessage message;
        await using (var reader = await s.ReaderAsync(s.Command(SelectWokenNode).Bind("@runId", runId).Bind("@nodeId", nodeId), ct))
        {
            await reader.ReadAsync(ct);
            message = new WorkMessage(WorkKind.ExecuteNode, runId, nodeId, reader.GetInt64(0), reader.GetGuid(1), reader.GetInt32(2));
        }

        messages.Add(new OutboxMessage(await InsertOutboxAsync(s, message, ct), message));
    }

    /// <summary>Cancels the open runs below the run (children first found, then theirs), recording their ids.</summary>
    private static async ValueTask CancelOpenDescendantsAsync(SqlSession s, Guid runId, long at, List<Guid> cancelled, CancellationToken ct)
    {
        var queue = new Queue<Guid>();
        queue.Enqueue(runId);
        var ignored = new List<NodeStateChange>();
        while (queue.TryDequeue(out var current))
        {
            var open = new List<Guid>();
            await using (var reader = await s.ReaderAsync(s.Command(SelectOpenChildRuns).Bind("@runId", current), ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    open.Add(reader.GetGuid(0));
                }
            }

            foreach (var child in open)
            {
                if (await s.ExecuteAsync(s.Command(CancelRun).Bind("@at", at).Bind("@runId", child), ct) == 0)
                {
                    continue;
                }

                await CancelOpenNodesAsync(s, child, at, ignored, ct);
                cancelled.Add(child);
                queue.Enqueue(child);
            }
        }
    }
}
