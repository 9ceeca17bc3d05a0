using System.Globalization;
using System.Numerics;
using System.Text;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Dialects;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

/// <summary>
/// The new runs of one group-commit batch written together on MySQL: runs of one shape (node rows, attempts, outbox rows)
/// go in one text of multi-row statements, one round trip for all of them, where each alone took one round trip of its own
/// (<see cref="InsertRunInOneTripAsync"/>). The server then runs four inserts and a read of each outbox id instead of four
/// inserts per run, and the driver makes one command, one packet and one reply. A run that needs more than its rows in its
/// transaction (the trigger's completion written statement by statement, a parent to wake, a claimed child's inputs), a
/// large one, and a run alone of its shape in the batch are written as before, in the same transaction.
/// </summary>
public sealed partial class SqlStorage
{
    /// <summary>Runs one text of a run set writes at most (a power of two).</summary>
    internal const int RunsPerSet = 32;

    /// <summary>Node rows (and attempt rows) one text of a run set writes at most, over all its runs.</summary>
    internal const int RowsPerRunSet = 256;

    /// <summary>Bytes of a run's input, outputs, errors and logs at most for it to go in a run set; a larger run is written alone.</summary>
    internal const int RunSetBytesPerRun = 16 * 1024;

    // Shapes (node rows, attempts, outbox rows, runs) whose text is kept; a set of another shape is written run by run.
    private const int RunSetShapes = 512;

    // The run's values in the Runs insert, 15 of them (RunValues), then its input.
    private const int RunSetRunParameterCount = 15;

    private static readonly Dictionary<(int Nodes, int Attempts, int Messages, int Runs, bool Returning), SqlStatement> RunSetStatements = [];

    private static readonly CompositeFormat RunPrefix = CompositeFormat.Parse("@r{0}_");

    /// <summary>
    /// The text that writes <paramref name="runs"/> runs of one shape, or null where there is none (another dialect, too
    /// many rows, too many shapes kept).
    /// </summary>
    private static SqlStatement? RunSetStatement(SqlSession s, int nodes, int attempts, int messages, int runs)
    {
        if (s.Dialect.RunSets != RunSetForm.Texts || runs is < 2 or > RunsPerSet || nodes * runs > RowsPerRunSet
            || attempts * runs > RowsPerRunSet || messages > OneTripMessages)
        {
            return null;
        }

        var returning = messages > 0 && s.InsertReturnsRows;
        var shape = (nodes, attempts, messages, runs, returning);
        lock (StartStatementsLock)
        {
            if (RunSetStatements.TryGetValue(shape, out var statement))
            {
                return statement;
            }

            if (RunSetStatements.Count >= RunSetShapes)
            {
                return null;
            }

            var text = RunSetText(nodes, attempts, messages, runs, returning);
            statement = new SqlStatement($"InsertRunSet{nodes}x{attempts}x{messages}x{runs}{(returning ? "Returning" : "")}", d => d.RunSets == RunSetForm.Texts ? text : "") { Prepares = false };
            RunSetStatements.Add(shape, statement);
            return statement;
        }
    }

    /// <summary>The parameters of a run set's text, in the order they first appear in it (the order the command holds them).</summary>
    internal static int RunSetParameterCount(int nodes, int attempts, int messages, int runs) =>
        runs * (RunSetRunParameterCount + 1 + (nodes * NodeRowParameterCount) + (attempts * AttemptRowParameterCount) + (messages * OneTripMessageParameterCount));

    // Run r's parameters are its one-trip text's names prefixed with "r{r}_". The inserts are plain: a run whose idempotency
    // key (or id) exists fails the Runs insert, before anything else ran, and the whole set is written again run by run.
    private static string RunSetText(int nodes, int attempts, int messages, int runs, bool returning)
    {
        string Of(int run, string names) => names.Replace("@", string.Format(CultureInfo.InvariantCulture, RunPrefix, run), StringComparison.Ordinal);
        var all = Enumerable.Range(0, runs).ToArray();
        var text = new StringBuilder($"""
            INSERT INTO Runs ({RunColumns}) VALUES
                {string.Join(",\n    ", all.Select(r => $"({Of(r, RunValues)})"))};
            INSERT INTO RunInputs (RunId, InputJson) VALUES
                {string.Join(",\n    ", all.Select(r => Of(r, "(@id, @inputJson)")))};
            INSERT INTO NodeInstances
                (RunId, NodeId, Ordinal, Type, IsTrigger, Status, Version, Attempt, PendingParents, ActiveParents,
                 ReadyAt, StartedAt, FinishedAt, LeaseUntil, WaitUntil, Output, Error, WorkerId, Ports)
            VALUES
                {string.Join(",\n    ", all.SelectMany(r => Enumerable.Range(0, nodes).Select(i => Of(r,
                    $"(@id, @nodeId{i}, @ordinal{i}, @type{i}, @isTrigger{i}, @status{i}, @version{i}, @attempt{i}, @pendingParents{i}, @activeParents{i}, @readyAt{i}, @startedAt{i}, @finishedAt{i}, @leaseUntil{i}, NULL, @output{i}, NULL, @workerId{i}, @ports{i})"))))};

            """);
        if (attempts > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"""
                INSERT INTO NodeAttempts (RunId, NodeId, Attempt, Status, StartedAt, FinishedAt, RetryAt, Error, InputJson, Logs)
                VALUES
                    {string.Join(",\n    ", all.SelectMany(r => Enumerable.Range(0, attempts).Select(i => Of(r,
                        $"(@id, @aNodeId{i}, @aAttempt{i}, 'Succeeded', @aStartedAt{i}, @aFinishedAt{i}, NULL, @aError{i}, @aInput{i}, @aLogs{i})"))))};

                """);
        }

        text.Append(OutboxRowsText(messages, returning, all.Select(r => (Func<string, string>)(names => Of(r, names)))));
        return text.ToString();
    }

    /// <summary>Whether the run's write is its rows alone, so that it may go in a set, and not too large for one.</summary>
    private static bool MayJoinRunSet(NewRun run, StartRows start)
    {
        if (start.Completed ? start.RunFinished is not null || start.Claimed is not null : run.TriggerOutputJson is not null)
        {
            return false;
        }

        long bytes = run.InputJson.Length;
        foreach (ref readonly var row in start.Rows.AsSpan())
        {
            bytes += row.Output?.Length ?? 0;
        }

        foreach (var attempt in start.Attempts)
        {
            bytes += (attempt.InputJson?.Length ?? 0) + (attempt.Logs?.Length ?? 0) + (attempt.Error?.Length ?? 0);
        }

        return bytes <= RunSetBytesPerRun;
    }

    /// <summary>The new runs of a batch of the server writer, those of one shape written together (see the type's summary).</summary>
    private sealed class RunSet : BatchedOperation<(NewRun Run, ExecutionPlan Plan), RunCreation>
    {
        public static readonly RunSet Instance = new();

        private RunSet()
        {
        }

        public override ValueTask<RunCreation> ExecuteOneAsync(SqlSession session, (NewRun Run, ExecutionPlan Plan) state, CancellationToken cancellationToken) =>
            CreateRunCoreAsync(session, state, cancellationToken);

        public override async ValueTask ExecuteManyAsync(
            SqlSession session, IReadOnlyList<(NewRun Run, ExecutionPlan Plan)> states, RunCreation[] results, CancellationToken cancellationToken)
        {
            if (session.Dialect.RunSets == RunSetForm.Arrays)
            {
                await InsertRunArraysAsync(session, states, results, cancellationToken);
                return;
            }

            var starts = new (StartRows Start, long CreatedAt, string StartAt, IReadOnlyList<WorkMessage> Outbox)[states.Count];
            var shapes = new Dictionary<(int Nodes, int Attempts, int Messages), List<int>>();
            var alone = new List<int>();
            for (var i = 0; i < states.Count; i++)
            {
                var (run, plan) = states[i];
                var (start, createdAt, startAt) = StartOf(run, plan);
                IReadOnlyList<WorkMessage> outbox = start.Completed ? start.Messages : [StartFlowOf(run, startAt)];
                starts[i] = (start, createdAt, startAt, outbox);
                if (!MayJoinRunSet(run, start))
                {
                    alone.Add(i);
                    continue;
                }

                var shape = (start.Rows.Length, start.Attempts.Count, session.WritesOutbox ? outbox.Count : 0);
                if (!shapes.TryGetValue(shape, out var members))
                {
                    shapes[shape] = members = [];
                }

                members.Add(i);
            }

            foreach (var ((nodes, attempts, messages), members) in shapes)
            {
                // Texts of 2, 4, 8 … runs only: a held connection keeps a command per text with all its parameters, so
                // a shape costs five commands, not one per batch size. 13 runs go as 8, 4 and one alone.
                var perText = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Min(RunsPerSet, RowsPerRunSet / Math.Max(1, Math.Max(nodes, attempts))) + 1) / 2;
                for (int from = 0, take; from < members.Count; from += take)
                {
                    take = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Min(perText, members.Count - from) + 1) / 2;
                    var chunk = members.GetRange(from, take);
                    if (take < 2 || RunSetStatement(session, nodes, attempts, messages, take) is not { } statement)
                    {
                        alone.AddRange(chunk);
                        continue;
                    }

                    await InsertRunSetAsync(session, statement, states, starts, chunk, nodes, attempts, messages, results, cancellationToken);
                }
            }

            alone.Sort();
            foreach (var i in alone)
            {
                var (run, plan) = states[i];
                var (start, createdAt, startAt, _) = starts[i];
                results[i] = await CreateFromRowsAsync(session, run, plan, start, createdAt, startAt, cancellationToken);
            }
        }

        private static WorkMessage StartFlowOf(NewRun run, string startAt) =>
            new(WorkKind.StartFlow, run.Id, startAt, 1, run.FlowId, run.FlowVersion);

        private static async ValueTask InsertRunSetAsync(
            SqlSession s, SqlStatement statement, IReadOnlyList<(NewRun Run, ExecutionPlan Plan)> states,
            (StartRows Start, long CreatedAt, string StartAt, IReadOnlyList<WorkMessage> Outbox)[] starts, List<int> chunk,
            int nodes, int attempts, int messages, RunCreation[] results, CancellationToken ct)
        {
            var command = s.Command(statement);
            var parameters = command.Parameters;
            var runs = chunk.Count;
            if (parameters.Count != RunSetParameterCount(nodes, attempts, messages, runs))
            {
                throw new InvalidOperationException($"The text {statement.Name} holds {parameters.Count} parameters, not the {RunSetParameterCount(nodes, attempts, messages, runs)} it binds.");
            }

            // Positions as the names first appear: every run's values, every run's input, node rows, attempts, outbox rows.
            var inputs = runs * RunSetRunParameterCount;
            var nodeRows = inputs + runs;
            var attemptRows = nodeRows + (runs * nodes * NodeRowParameterCount);
            var messageRows = attemptRows + (runs * attempts * AttemptRowParameterCount);
            for (var r = 0; r < runs; r++)
            {
                var (run, plan) = states[chunk[r]];
                var (start, createdAt, _, outbox) = starts[chunk[r]];
                SetRun(parameters, r * RunSetRunParameterCount, run, start, createdAt);
                Set(parameters, inputs + r, run.InputJson);
                var rows = start.Rows;
                for (var ordinal = 0; ordinal < nodes; ordinal++)
                {
                    SetNodeRow(parameters, nodeRows + (((r * nodes) + ordinal) * NodeRowParameterCount), plan.Nodes[ordinal], ordinal, in rows[ordinal]);
                }

                for (var a = 0; a < attempts; a++)
                {
                    SetAttemptRow(parameters, attemptRows + (((r * attempts) + a) * AttemptRowParameterCount), start.Attempts[a]);
                }

                for (var m = 0; m < messages; m++)
                {
                    var p = messageRows + (((r * messages) + m) * OneTripMessageParameterCount);
                    var message = outbox[m];
                    Set(parameters, p, StatusNames.Of(message.Kind));
                    Set(parameters, p + 1, message.NodeId);
                    Set(parameters, p + 2, message.Version);
                }
            }

            var ids = new List<long>(runs * messages);
            await ReadOutboxIdsAsync(s, command, ids, ct);

            if (ids.Count != runs * messages)
            {
                throw new InvalidOperationException($"The write of {runs} runs returned {ids.Count} outbox ids for {runs * messages} rows.");
            }

            for (var r = 0; r < runs; r++)
            {
                var (run, plan) = states[chunk[r]];
                var (start, createdAt, startAt, outbox) = starts[chunk[r]];
                var created = new List<OutboxMessage>(outbox.Count);
                for (var m = 0; m < outbox.Count; m++)
                {
                    created.Add(new OutboxMessage(m < messages ? ids[(r * messages) + m] : OutboxMessage.NotStored, outbox[m]));
                }

                results[chunk[r]] = await CreatedAsync(s, run, plan, start, createdAt, StartFlowOf(run, startAt), created, ct);
            }
        }

        // The 15 values of RunValues, in its order.
        private static void SetRun(System.Data.Common.DbParameterCollection parameters, int p, NewRun run, StartRows start, long createdAt)
        {
            Set(parameters, p, run.Id);
            Set(parameters, p + 1, run.OwnerId);
            Set(parameters, p + 2, run.FlowId);
            Set(parameters, p + 3, run.FlowVersion);
            Set(parameters, p + 4, StatusNames.Of(start.RunStatus));
            Set(parameters, p + 5, run.IdempotencyKey);
            Set(parameters, p + 6, start.Remaining);
            Set(parameters, p + 7, createdAt);
            Set(parameters, p + 8, start.StartedAt);
            Set(parameters, p + 9, start.FinishedAt);
            Set(parameters, p + 10, run.Parent?.ParentRunId);
            Set(parameters, p + 11, run.Parent?.ParentNodeId);
            Set(parameters, p + 12, run.Parent?.ItemIndex);
            Set(parameters, p + 13, run.Parent?.ParentAttempt);
            Set(parameters, p + 14, run.Parent?.Depth ?? 0);
        }
    }
}
