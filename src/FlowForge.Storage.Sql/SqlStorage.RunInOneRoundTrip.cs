using System.Data.Common;
using System.Globalization;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Dialects;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

/// <summary>
/// A new run's write in one round trip on MySQL, which has no writable CTE to make it one statement as PostgreSQL does:
/// the run, its input, its node instances, its attempts and its outbox rows (each followed by the read of its id) in one
/// unprepared text of several statements, which the driver sends whole (a prepared one would go a statement at a time).
/// </summary>
public sealed partial class SqlStorage
{
    /// <summary>Outbox rows a run's write sends in its one round trip at most; a write with more goes statement by statement.</summary>
    internal const int OneTripMessages = 16;

    // Shapes (node rows, attempts, outbox rows) whose text is kept; a write of another shape goes statement by statement.
    private const int OneTripShapes = 512;

    // @id … @depth of the run, then @inputJson: the node rows' parameters start after these.
    private const int OneTripRunParameterCount = 16;

    private const int OneTripMessageParameterCount = 3;

    private static readonly Dictionary<(int Nodes, int Attempts, int Messages, bool Returning), SqlStatement> OneTripStatements = [];

    /// <summary>The one-round-trip write of a run of this shape, or null where the run is written statement by statement.</summary>
    private static SqlStatement? OneTripStatement(SqlSession s, int nodes, int attempts, int messages)
    {
        if (s.Dialect is not MySqlDialect || nodes > StartRowsPerStatement || attempts > StartRowsPerStatement || messages > OneTripMessages)
        {
            return null;
        }

        var returning = messages > 0 && s.InsertReturnsRows;
        var shape = (nodes, attempts, messages, returning);
        lock (StartStatementsLock)
        {
            if (OneTripStatements.TryGetValue(shape, out var statement))
            {
                return statement;
            }

            if (OneTripStatements.Count >= OneTripShapes)
            {
                return null;
            }

            // MySQL's alone (PostgreSQL writes a run in one statement of its own): no text, so no statement, elsewhere.
            var text = OneTripText(nodes, attempts, messages, returning);
            statement = new SqlStatement($"InsertRunInOneTrip{nodes}x{attempts}x{messages}{(returning ? "Returning" : "")}", d => d is MySqlDialect ? text : "") { Prepares = false };
            OneTripStatements.Add(shape, statement);
            return statement;
        }
    }

    // The run's insert is a plain INSERT: when its idempotency key (or id) exists, it fails before anything else ran, and the
    // statements after it are not executed.
    private static string OneTripText(int nodes, int attempts, int messages, bool returning)
    {
        var text = new System.Text.StringBuilder($"""
            INSERT INTO Runs ({RunColumns}) VALUES ({RunValues});
            INSERT INTO RunInputs (RunId, InputJson) VALUES (@id, @inputJson);
            INSERT INTO NodeInstances
                (RunId, NodeId, Ordinal, Type, IsTrigger, Status, Version, Attempt, PendingParents, ActiveParents,
                 ReadyAt, StartedAt, FinishedAt, LeaseUntil, WaitUntil, Output, Error, WorkerId, Ports)
            VALUES
                {string.Join(",\n    ", Enumerable.Range(0, nodes).Select(static i =>
                    $"(@id, @nodeId{i}, @ordinal{i}, @type{i}, @isTrigger{i}, @status{i}, @version{i}, @attempt{i}, @pendingParents{i}, @activeParents{i}, @readyAt{i}, @startedAt{i}, @finishedAt{i}, @leaseUntil{i}, NULL, @output{i}, NULL, @workerId{i}, @ports{i})"))};

            """);
        if (attempts > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"""
                INSERT INTO NodeAttempts (RunId, NodeId, Attempt, Status, StartedAt, FinishedAt, RetryAt, Error, InputJson, Logs)
                VALUES
                    {string.Join(",\n    ", Enumerable.Range(0, attempts).Select(static i =>
                        $"(@id, @aNodeId{i}, @aAttempt{i}, 'Succeeded', @aStartedAt{i}, @aFinishedAt{i}, NULL, @aError{i}, @aInput{i}, @aLogs{i})"))};

                """);
        }

        text.Append(OutboxRowsText(messages, returning, [static names => names]));
        return text.ToString();
    }

    /// <summary>
    /// The outbox rows of the runs of a text, <paramref name="messages"/> per run, each run's parameter names given by
    /// <paramref name="runs"/>, in the order their parameters are bound. Where INSERT … RETURNING reads the rows back
    /// (MariaDB), one insert writes every row and answers their ids in the order of its VALUES; elsewhere (MySQL) each row
    /// is its own insert followed by a read of its id, since a multi-row insert's ids are consecutive only under some lock modes.
    /// </summary>
    private static string OutboxRowsText(int messages, bool returning, IEnumerable<Func<string, string>> runs)
    {
        if (messages == 0)
        {
            return "";
        }

        var rows = runs.SelectMany(of => Enumerable.Range(0, messages).Select(i =>
            of($"(@mKind{i}, @id, @mNodeId{i}, @mVersion{i}, @flowId, @flowVersion)"))).ToList();
        const string insert = "INSERT INTO Outbox (Kind, RunId, NodeId, Version, FlowId, FlowVersion) VALUES ";
        return returning
            ? $"{insert}\n    {string.Join(",\n    ", rows)}\nRETURNING Id;\n"
            : string.Concat(rows.Select(row => $"{insert}{row};\nSELECT LAST_INSERT_ID();\n"));
    }

    /// <summary>Reads the outbox ids a run's or a run set's text answers, in the order of its rows, into <paramref name="ids"/>.</summary>
    private static async ValueTask ReadOutboxIdsAsync(SqlSession s, DbCommand command, List<long> ids, CancellationToken ct)
    {
        await using var reader = await s.ReaderAsync(command, ct);
        await ReadOutboxIdsAsync(reader, ids, ct);
    }

    private static async ValueTask ReadOutboxIdsAsync(DbDataReader reader, List<long> ids, CancellationToken ct)
    {
        do
        {
            while (await reader.ReadAsync(ct))
            {
                ids.Add(Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture));
            }
        }
        while (await reader.NextResultAsync(ct));
    }

    /// <summary>False, with nothing written, when the run's idempotency key (or its id) was used before.</summary>
    private static async ValueTask<bool> InsertRunInOneTripAsync(
        SqlSession s, SqlStatement statement, NewRun run, ExecutionPlan plan, StartRows start, long createdAt,
        IReadOnlyList<WorkMessage> stored, List<long> ids, CancellationToken ct)
    {
        var command = BindRun(s.Command(statement), run, start, createdAt).Bind("@inputJson", run.InputJson);
        var parameters = command.Parameters;
        var rows = start.Rows;
        var p = OneTripRunParameterCount;
        for (var ordinal = 0; ordinal < rows.Length; ordinal++, p += NodeRowParameterCount)
        {
            SetNodeRow(parameters, p, plan.Nodes[ordinal], ordinal, in rows[ordinal]);
        }

        foreach (var completion in start.Attempts)
        {
            SetAttemptRow(parameters, p, completion);
            p += AttemptRowParameterCount;
        }

        foreach (var message in stored)
        {
            Set(parameters, p, StatusNames.Of(message.Kind));
            Set(parameters, p + 1, message.NodeId);
            Set(parameters, p + 2, message.Version);
            p += OneTripMessageParameterCount;
        }

        DbDataReader reader;
        try
        {
            reader = await s.ReaderAsync(command, ct);
        }
        catch (DbException exception) when (s.Dialect.IsDuplicateKey(exception))
        {
            // Only the run's insert can meet an existing key (every other row is keyed by the new run's id), and the
            // server ran nothing after it.
            return false;
        }

        await using (reader)
        {
            await ReadOutboxIdsAsync(reader, ids, ct);
        }

        if (ids.Count != stored.Count)
        {
            throw new InvalidOperationException($"The write of run {run.Id} returned {ids.Count} outbox ids for {stored.Count} rows.");
        }

        return true;
    }
}
