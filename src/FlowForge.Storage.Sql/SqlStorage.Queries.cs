using System.Globalization;
using System.Text.Json;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Dialects;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

public sealed partial class SqlStorage
{
    // One statement, so the run and its nodes come from one snapshot.
    private static readonly SqlStatement SelectRunWithNodes = new(nameof(SelectRunWithNodes), """
        SELECT r.OwnerId, r.FlowId, r.FlowVersion, r.Status, i.InputJson, r.Error, r.CreatedAt, r.StartedAt, r.FinishedAt,
               n.Ordinal, n.NodeId, n.Type, n.Status, n.Attempt, n.StartedAt, n.FinishedAt, n.Output, n.Error, n.WaitUntil, n.WaitKind,
               n.OutputBlob, n.OutputBytes, r.Attempt, r.ParentRunId, r.ParentNodeId, r.ItemIndex, r.SubflowDepth
        FROM Runs r JOIN RunInputs i ON i.RunId = r.Id LEFT JOIN NodeInstances n ON n.RunId = r.Id
        WHERE r.Id = @runId
        """);

    // Read after the run, so an attempt may show that the node row read a moment earlier does not reflect yet.
    private static readonly SqlStatement SelectAttemptsOfRun = new(nameof(SelectAttemptsOfRun), """
        SELECT NodeId, Attempt, Status, StartedAt, FinishedAt, RetryAt, Error, InputJson, Logs
        FROM NodeAttempts WHERE RunId = @runId
        ORDER BY NodeId, Attempt
        """);

    // A page's rows are a range of the index the listing is ordered by, bounded by the cursor. MariaDB, reading that index
    // in the ORDER BY's order for the LIMIT, turns the range into a ref on its leading columns and walks back from the
    // prefix's newest row: a page n pages deep read n × limit rows (its runs' listing, page by page, grew with the square
    // of the runs). Named, the index is read as the range, limit rows a page.
    private static string RunsByIndex(SqlDialect dialect, string index) => ByIndex(dialect, "Runs", index);

    // The other keyset listings (flows, notifications) took the same plan on MySQL and name their index the same way.
    private static string ByIndex(SqlDialect dialect, string table, string index) => dialect is MySqlDialect ? $"{table} FORCE INDEX ({index})" : table;

    private static readonly SqlStatement ListRunsOfFlow = new(nameof(ListRunsOfFlow), d => $"""
        SELECT Id, FlowId, FlowVersion, Status, CreatedAt, StartedAt, FinishedAt, Error, Attempt
        FROM {RunsByIndex(d, "IX_Runs_Flow_Created")}
        WHERE FlowId = @flowId AND OwnerId = @ownerId
          AND CreatedAt <= @afterCreatedAt AND (CreatedAt < @afterCreatedAt OR Id < @afterId)
        ORDER BY CreatedAt DESC, Id DESC
        LIMIT @limit
        """);

    private static readonly SqlStatement ListRunsOfOwnerByStatus = new(nameof(ListRunsOfOwnerByStatus), d => $"""
        SELECT Id, FlowId, FlowVersion, Status, CreatedAt, StartedAt, FinishedAt, Error, Attempt
        FROM {RunsByIndex(d, "IX_Runs_Owner_Status_Created")}
        WHERE OwnerId = @ownerId AND Status = @status
          AND CreatedAt <= @afterCreatedAt AND (CreatedAt < @afterCreatedAt OR Id < @afterId)
        ORDER BY CreatedAt DESC, Id DESC
        LIMIT @limit
        """);

    // Driven by the id list: each flow's newest run is one backward seek of IX_Runs_Flow_Created, however many runs it has.
    // PostgreSQL says so with LATERAL; MariaDB has none, so there the newest ids come first, then the rows by primary key.
    private static readonly SqlStatement SelectLastRunsOfFlows = new(nameof(SelectLastRunsOfFlows), d => d.Name switch
    {
        "postgres" => """
            SELECT r.FlowId, r.Id, r.Status, r.CreatedAt, r.FinishedAt
            FROM unnest(CAST(@flowIds AS uuid[])) AS j(FlowId)
            CROSS JOIN LATERAL (
                SELECT l.FlowId, l.Id, l.Status, l.CreatedAt, l.FinishedAt FROM Runs l
                WHERE l.FlowId = j.FlowId AND l.OwnerId = @ownerId
                ORDER BY l.CreatedAt DESC, l.Id DESC LIMIT 1) AS r
            """,
        // The LIMIT keeps the derived table from being merged, STRAIGHT_JOIN reads it first: otherwise MariaDB may
        // walk Runs and probe the id list.
        "mysql" => $"""
            SELECT STRAIGHT_JOIN r.FlowId, r.Id, r.Status, r.CreatedAt, r.FinishedAt
            FROM (
                SELECT (SELECT l.Id FROM Runs l WHERE l.FlowId = UNHEX(j.FlowHex) AND l.OwnerId = @ownerId
                        ORDER BY l.CreatedAt DESC, l.Id DESC LIMIT 1) AS RunId
                FROM JSON_TABLE(@flowIds, '$[*]' COLUMNS (FlowHex CHAR(32) PATH '$')) AS j
                LIMIT {PageRequest.MaxLimit}) AS newest
            JOIN Runs r FORCE INDEX (PRIMARY) ON r.Id = newest.RunId
            """,
        _ => """
            SELECT r.FlowId, r.Id, r.Status, r.CreatedAt, r.FinishedAt
            FROM json_each(@flowIds)
            JOIN Runs r ON r.Id = (
                SELECT l.Id FROM Runs l WHERE l.FlowId = json_each.value AND l.OwnerId = @ownerId
                ORDER BY l.CreatedAt DESC, l.Id DESC LIMIT 1)
            """,
    });
    private static readonly SqlStatement ListRunsOfOwner = new(nameof(ListRunsOfOwner), d => $"""
        SELECT Id, FlowId, FlowVersion, Status, CreatedAt, StartedAt, FinishedAt, Error, Attempt
        FROM {RunsByIndex(d, "IX_Runs_Owner_Created")}
        WHERE OwnerId = @ownerId
          AND CreatedAt <= @afterCreatedAt AND (CreatedAt < @afterCreatedAt OR Id < @afterId)
        ORDER BY CreatedAt DESC, Id DESC
        LIMIT @limit
        """);

    public Task<RunView?> GetRunAsync(Guid runId, Guid? ownerId, CancellationToken cancellationToken) =>
        _executor.ReadAsync(static async (s, a, ct) =>
        {
            await using var reader = await s.ReaderAsync(s.Command(SelectRunWithNodes).Bind("@runId", a.RunId), ct);
            if (!await reader.ReadAsync(ct) || (a.OwnerId is { } owner && reader.GetGuid(0) != owner))
            {
                return null;
            }

            var flowId = reader.GetGuid(1);
            var flowVersion = reader.GetInt32(2);
            var status = StatusNames.RunStatusOf(reader.GetString(3));
            var inputJson = reader.GetString(4);
            var error = reader.GetNullableString(5);
            var createdAt = reader.GetTime(6);
            var startedAt = reader.GetNullableTime(7);
            var finishedAt = reader.GetNullableTime(8);
            var attempt = reader.GetInt32(22);
            var ownerId = reader.GetGuid(0);
            Guid? parentRunId = reader.IsDBNull(23) ? null : reader.GetGuid(23);
            var parentNodeId = reader.GetNullableString(24);
            int? itemIndex = reader.IsDBNull(25) ? null : reader.GetInt32(25);
            var depth = reader.GetInt32(26);
            var nodes = new List<(int Ordinal, NodeInstanceView View)>();
            do
            {
                if (reader.IsDBNull(9))
                {
                    continue;
                }

                var waitingForSignal = reader.GetNullableString(19) == WaitKinds.Signal && reader.GetNullableInt64(18) == WaitKinds.SignalWaitUntil;
                var waitingForChildren = reader.GetNullableString(19) == WaitKinds.Children;
                var rateWait = RateWaitKinds.Decode(reader.GetNullableString(19));
                nodes.Add((reader.GetInt32(9), new NodeInstanceView(
                    reader.GetString(10),
                    reader.GetString(11),
                    StatusNames.NodeStatusOf(reader.GetString(12)),
                    reader.GetInt32(13),
                    reader.GetNullableTime(14),
                    reader.GetNullableTime(15),
                    reader.GetNullableString(16),
                    reader.GetNullableString(17),
                    waitingForSignal || waitingForChildren ? null : reader.GetNullableTime(18))
                {
                    WaitingForSignal = waitingForSignal,
                    WaitReason = rateWait is null ? null : RateWaitReason(rateWait, reader.GetNullableTime(18)),
                    OutputBlob = reader.IsDBNull(20) ? null : new BlobReference(a.RunId, reader.GetGuid(20), reader.GetInt64(21)),
                }));
            }
            while (await reader.ReadAsync(ct));

            await reader.DisposeAsync();
            var attempts = await ReadAttemptsAsync(s, a.RunId, ct);
            nodes.Sort((x, y) => x.Ordinal.CompareTo(y.Ordinal));
            var views = nodes.ConvertAll(n => attempts.TryGetValue(n.View.NodeId, out var list) ? n.View with { Attempts = list } : n.View);
            return new RunView(a.RunId, flowId, flowVersion, status, inputJson, error, createdAt, startedAt, finishedAt, views) 
            {
                Attempt = attempt,
                OwnerId = ownerId,
                ParentRunId = parentRunId,
                ParentNodeId = parentNodeId,
                ItemIndex = itemIndex,
                Depth = depth,
            };
        }, (RunId: runId, OwnerId: ownerId), cancellationToken);

    private static async ValueTask<Dictionary<string, List<NodeAttemptView>>> ReadAttemptsAsync(SqlSession s, Guid runId, CancellationToken ct)
    {
        var attempts = new Dictionary<string, List<NodeAttemptView>>(StringComparer.Ordinal);
        await using var reader = await s.ReaderAsync(s.Command(SelectAttemptsOfRun).Bind("@runId", runId), ct);
        while (await reader.ReadAsync(ct))
        {
            var nodeId = reader.GetString(0);
            if (!attempts.TryGetValue(nodeId, out var list))
            {
                list = [];
                attempts[nodeId] = list;
            }

            list.Add(new NodeAttemptView(
                reader.GetInt32(1),
                StatusNames.NodeStatusOf(reader.GetString(2)),
                reader.GetNullableTime(3),
                reader.GetTime(4),
                reader.GetNullableString(6),
                reader.GetNullableString(7),
                reader.GetNullableTime(5),
                reader.GetNullableString(8)));
        }

        return attempts;
    }

    public Task<Page<RunSummary>> ListRunsAsync(Guid flowId, Guid ownerId, PageRequest page, CancellationToken cancellationToken)
    {
        var after = PageCursor.Decode(PageCursor.Runs, page.Cursor);
        return _executor.ReadAsync(static (s, a, ct) =>
        {
            var command = s.Command(ListRunsOfFlow).Bind("@flowId", a.FlowId).Bind("@ownerId", a.OwnerId);
            return ReadRunPageAsync(s, command, PageCursor.Runs, a.After, a.Limit, ct);
        }, (FlowId: flowId, OwnerId: ownerId, After: after, Limit: PageCursor.ClampLimit(page.Limit)), cancellationToken);
    }

    public Task<Page<RunSummary>> ListRunsByStatusAsync(Guid ownerId, RunStatus? status, PageRequest page, CancellationToken cancellationToken)
    {
        var after = PageCursor.Decode(PageCursor.RunsByStatus, page.Cursor);
        return _executor.ReadAsync(static (s, a, ct) =>
        {
            var command = a.Status is { } only
                ? s.Command(ListRunsOfOwnerByStatus).Bind("@ownerId", a.OwnerId).Bind("@status", StatusNames.Of(only))
                : s.Command(ListRunsOfOwner).Bind("@ownerId", a.OwnerId);
            return ReadRunPageAsync(s, command, PageCursor.RunsByStatus, a.After, a.Limit, ct);
        }, (OwnerId: ownerId, Status: status, After: after, Limit: PageCursor.ClampLimit(page.Limit)), cancellationToken);
    }

    public Task<IReadOnlyList<LastRun>> LastRunsAsync(Guid ownerId, IReadOnlyCollection<Guid> flowIds, CancellationToken cancellationToken)
    {
        if (flowIds.Count > PageRequest.MaxLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(flowIds), flowIds.Count, $"At most {PageRequest.MaxLimit} flows at a time.");
        }

        if (flowIds.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<LastRun>>([]);
        }

        return _executor.ReadAsync(static async (s, a, ct) =>
        {
            var command = s.Command(SelectLastRunsOfFlows).Bind("@ownerId", a.OwnerId).Bind("@flowIds", FlowIdList(s.Dialect, a.FlowIds));
            var runs = new List<LastRun>(a.FlowIds.Count);
            await using var reader = await s.ReaderAsync(command, ct);
            while (await reader.ReadAsync(ct))
            {
                runs.Add(new LastRun(reader.GetGuid(0), reader.GetGuid(1), StatusNames.RunStatusOf(reader.GetString(2)), reader.GetTime(3), reader.GetNullableTime(4)));
            }

            return (IReadOnlyList<LastRun>)runs;
        }, (OwnerId: ownerId, FlowIds: flowIds), cancellationToken);
    }

    // Each driver binds a Guid its own way: SQLite as upper-case text, MySqlConnector as 16 bytes in RFC 4122 order, Npgsql as uuid.
    private static object FlowIdList(SqlDialect dialect, IReadOnlyCollection<Guid> ids) => dialect.Name switch
    {
        "postgres" => ids.ToArray(),
        "mysql" => JsonSerializer.Serialize(ids.Select(id => id.ToString("N"))),
        _ => JsonSerializer.Serialize(ids.Select(id => id.ToString("D").ToUpperInvariant())),
    };

    /// <summary>Runs one page of a newest-first run listing whose filter is bound already; reads one row more to know whether a next page exists.</summary>
    private static async ValueTask<Page<RunSummary>> ReadRunPageAsync(
        SqlSession s, System.Data.Common.DbCommand command, byte cursorKind, (long CreatedAt, Guid Id) after, int limit, CancellationToken ct)
    {
        command.Bind("@afterCreatedAt", after.CreatedAt).Bind("@afterId", after.Id).Bind("@limit", limit + 1);
        var items = new List<RunSummary>(limit + 1);
        await using (var reader = await s.ReaderAsync(command, ct))
        {
            while (await reader.ReadAsync(ct))
            {
                items.Add(new RunSummary(
                    reader.GetGuid(0),
                    reader.GetGuid(1),
                    reader.GetInt32(2),
                    StatusNames.RunStatusOf(reader.GetString(3)),
                    reader.GetTime(4),
                    reader.GetNullableTime(5),
                    reader.GetNullableTime(6),
                    reader.GetNullableString(7))
                {
                    Attempt = reader.GetInt32(8),
                    ParentNodeId = reader.FieldCount > 9 ? reader.GetNullableString(9) : null,
                    ItemIndex = reader.FieldCount > 10 && !reader.IsDBNull(10) ? reader.GetInt32(10) : null,
                });
            }
        }

        if (items.Count <= limit)
        {
            return new Page<RunSummary>(items, null);
        }

        items.RemoveAt(limit);
        var last = items[^1];
        return new Page<RunSummary>(items, PageCursor.Encode(cursorKind, UnixMicros.From(last.CreatedAt), last.Id));
    }

    private static string RateWaitReason(RateLimitWait wait, DateTimeOffset? until)
    {
        var at = until?.ToString("O", CultureInfo.InvariantCulture) ?? "soon";
        return wait.HoldsSlot
            ? $"Rate limited until {at}: the node's connection or provider allows no more calls before then."
            : $"Rate limited until {at}: the provider answered 429 (too many requests) and asked to wait.";
    }
}
