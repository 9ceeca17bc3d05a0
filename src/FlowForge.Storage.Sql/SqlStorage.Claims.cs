using System.Text.Json;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

public sealed partial class SqlStorage
{
    private static readonly SqlStatement SelectClaimTarget = new(nameof(SelectClaimTarget), """
        SELECT n.Status, n.Version, n.Attempt, n.LeaseUntil, n.WaitUntil, r.Status, n.WaitKind, n.ResumedFrom, n.Interruptions, r.OwnerId
        FROM NodeInstances n JOIN Runs r ON r.Id = n.RunId
        WHERE n.RunId = @runId AND n.NodeId = @nodeId
        """);

    private static readonly SqlStatement ClaimNode = new(nameof(ClaimNode), """
        UPDATE NodeInstances
        SET Status = 'Running', Version = Version + 1, Attempt = @attempt, LeaseUntil = @leaseUntil, WaitUntil = NULL,
            WaitKind = NULL, ResumedFrom = @resumedFrom, StartedAt = COALESCE(StartedAt, @now), WorkerId = @workerId, Interruptions = @interruptions
        WHERE RunId = @runId AND NodeId = @nodeId AND Version = @version
        """);

    // The common claim, a Ready node of a run still going, in one statement where UPDATE … RETURNING exists: the same
    // changes ClaimNode makes to a Ready node (the next attempt; a wait it resumed from and its interruptions kept).
    private static readonly SqlStatement ClaimReadyNodeReturning = new(nameof(ClaimReadyNodeReturning), """
        UPDATE NodeInstances
        SET Status = 'Running', Version = Version + 1, Attempt = Attempt + 1, LeaseUntil = @leaseUntil, WaitUntil = NULL,
            WaitKind = NULL, StartedAt = COALESCE(StartedAt, @now), WorkerId = @workerId
        WHERE RunId = @runId AND NodeId = @nodeId AND Version = @version AND Status = 'Ready'
          AND EXISTS (SELECT 1 FROM Runs WHERE Id = @runId AND Status IN ('Pending', 'Running'))
        RETURNING Attempt, ResumedFrom, Interruptions, (SELECT Status FROM Runs WHERE Id = @runId), (SELECT OwnerId FROM Runs WHERE Id = @runId)
        """);

    private static readonly SqlStatement SelectRunInput = new(nameof(SelectRunInput), """
        SELECT InputJson FROM RunInputs WHERE RunId = @runId
        """);

    private static readonly SqlStatement StartRun = new(nameof(StartRun), """
        UPDATE Runs SET Status = 'Running', StartedAt = @now WHERE Id = @runId AND Status = 'Pending'
        """);

    private static readonly IReadOnlyDictionary<string, JsonElement?> EmptyOutputs = new Dictionary<string, JsonElement?>(StringComparer.Ordinal);

    private static readonly IReadOnlyDictionary<string, BlobReference> EmptyBlobs = new Dictionary<string, BlobReference>(StringComparer.Ordinal);

    /// <summary>Dependencies whose outputs one statement reads; a node with more reads them in groups of this many.</summary>
    internal const int OutputsPerStatement = 8;

    private static readonly string[] NodeIdSlots = [.. Enumerable.Range(0, OutputsPerStatement).Select(static i => $"@nodeId{i}")];

    // A Failed node has an output only when it failed through its error port: its children read the error. The node ids
    // are fixed slots, so one prepared statement serves any number of dependencies (unused slots repeat the first id).
    private static readonly SqlStatement SelectSucceededOutputs = new(nameof(SelectSucceededOutputs), $"""
        SELECT NodeId, Output, OutputBlob, OutputBytes, FinishedAt, Ports FROM NodeInstances
        WHERE RunId = @runId AND NodeId IN ({string.Join(", ", Enumerable.Range(0, OutputsPerStatement).Select(static i => $"@nodeId{i}"))}) AND Status IN ('Succeeded', 'Failed')
        """);

    public async Task<ClaimedNode?> TryClaimAsync(
        WorkMessage message, IReadOnlyList<string> dependencies, Guid workerId, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        if (_executor.ReadsRideWithWrites)
        {
            return await _executor.WriteBatchedAsync(
                ClaimSet.Instance,
                new ClaimRequest(message, workerId, UnixMicros.From(now), UnixMicros.From(leaseUntil), dependencies, _runInputs),
                message.RunId,
                cancellationToken).ConfigureAwait(false);
        }

        var core = await _executor.WriteAsync(
            TryClaimCoreAsync,
            (Message: message, WorkerId: workerId, Now: UnixMicros.From(now), LeaseUntil: UnixMicros.From(leaseUntil)),
            cancellationToken).ConfigureAwait(false);
        if (core is not { } claimed)
        {
            return null;
        }

        // The input and the dependencies' outputs never change, so they are read after the claim, on a reader
        // connection: the writer (the one serialized resource of SQLite) only does the claim itself. The input is
        // parsed once and shared by the claims of its run that hold it: many nodes of one run run at the same time.
        // The claim has committed by now: a failure here hands it to the caller, who gives it back.
        try
        {
            if (!_runInputs.TryGet(message.RunId, out var input))
            {
                var json = await _executor.ReadAsync(
                    static async (s, runId, ct) => await s.ScalarAsync(s.Command(SelectRunInput).Bind("@runId", runId), ct) as string,
                    message.RunId,
                    cancellationToken).ConfigureAwait(false);
                input = _runInputs.Add(message.RunId, json);
            }

            claimed = claimed with { RunInput = input };
            if (dependencies.Count == 0)
            {
                return claimed;
            }

            var read = await _executor.ReadAsync(ReadSucceededOutputsAsync, (message.RunId, dependencies), cancellationToken).ConfigureAwait(false);
            return claimed with { DependencyOutputs = read.Outputs, BlobOutputs = read.Blobs, DependencyFinishedAt = read.FinishedAt, DependencyPorts = read.Ports };
        }
        catch (StoreUnavailableException ex)
        {
            throw new StoreUnavailableException(ex.Message, ex.InnerException ?? ex, claimed);
        }
    }

    // Server databases: the input and the dependencies' outputs are read in the claim's own transaction, so a claim
    // costs one transaction (or a share of a group commit) instead of three.
    private static async ValueTask<ClaimedNode?> TryClaimAndReadAsync(SqlSession s, ClaimRequest a, CancellationToken ct)
    {
        if (await TryClaimCoreAsync(s, (a.Message, a.WorkerId, a.Now, a.LeaseUntil), ct) is not { } claimed)
        {
            return null;
        }

        var runId = a.Message.RunId;
        if (!a.Inputs.TryGet(runId, out var input))
        {
            input = a.Inputs.Add(runId, await s.ScalarAsync(s.Command(SelectRunInput).Bind("@runId", runId), ct) as string);
        }

        claimed = claimed with { RunInput = input };
        if (a.Dependencies.Count == 0)
        {
            return claimed;
        }

        var read = await ReadSucceededOutputsAsync(s, (runId, a.Dependencies), ct);
        return claimed with { DependencyOutputs = read.Outputs, BlobOutputs = read.Blobs, DependencyFinishedAt = read.FinishedAt, DependencyPorts = read.Ports };
    }

    // Each output is parsed as it is read, so its text is garbage at once: a join of many large outputs
    // holds each one once, as UTF-8, rather than as text and again as parsed copies. Outputs in the blob
    // store are only referenced here; the engine reads them when the node uses them. A dependency that ended
    // is listed with its finish time (a merge's "first" mode reads the order) and the ports it fired (a join counts
    // only the parents whose edge into it was taken); a Skipped one is in none.
    private static async ValueTask<(IReadOnlyDictionary<string, JsonElement?> Outputs, IReadOnlyDictionary<string, BlobReference> Blobs, IReadOnlyDictionary<string, DateTimeOffset> FinishedAt, IReadOnlyDictionary<string, IReadOnlyList<string>> Ports)> ReadSucceededOutputsAsync(
        SqlSession s, (Guid RunId, IReadOnlyList<string> Dependencies) a, CancellationToken ct)
    {
        // Rows come in the database's order; the dictionaries keep the order of the dependencies, which a node sees.
        var rows = new Dictionary<string, DependencyRow>(a.Dependencies.Count, StringComparer.Ordinal);
        for (var first = 0; first < a.Dependencies.Count; first += OutputsPerStatement)
        {
            var select = s.Command(SelectSucceededOutputs).Bind("@runId", a.RunId);
            for (var slot = 0; slot < OutputsPerStatement; slot++)
            {
                select.Bind(NodeIdSlots[slot], a.Dependencies[first + slot < a.Dependencies.Count ? first + slot : first]);
            }

            await using var reader = await s.ReaderAsync(select, ct);
            while (await reader.ReadAsync(ct))
            {
                rows[reader.GetString(0)] = new DependencyRow(
                    reader.IsDBNull(2) ? StoredJson.Parse(reader.GetNullableString(1)) : null,
                    reader.IsDBNull(2) ? null : new BlobReference(a.RunId, reader.GetGuid(2), reader.GetInt64(3)),
                    reader.GetNullableInt64(4),
                    reader.GetNullableString(5));
            }
        }

        return DependencyOutputsOf(a.Dependencies, rows);
    }

    // What a claim hands its node of its dependencies, in the order of the dependencies, from the rows read for them.
    private static (IReadOnlyDictionary<string, JsonElement?> Outputs, IReadOnlyDictionary<string, BlobReference> Blobs, IReadOnlyDictionary<string, DateTimeOffset> FinishedAt, IReadOnlyDictionary<string, IReadOnlyList<string>> Ports) DependencyOutputsOf(
        IReadOnlyList<string> dependencies, IReadOnlyDictionary<string, DependencyRow> rows)
    {
        var outputs = new Dictionary<string, JsonElement?>(dependencies.Count, StringComparer.Ordinal);
        var finishedAt = new Dictionary<string, DateTimeOffset>(dependencies.Count, StringComparer.Ordinal);
        var ports = new Dictionary<string, IReadOnlyList<string>>(dependencies.Count, StringComparer.Ordinal);
        Dictionary<string, BlobReference>? blobs = null;
        foreach (var dependency in dependencies)
        {
            if (!rows.TryGetValue(dependency, out var row))
            {
                continue;
            }

            if (row.Blob is { } blob)
            {
                (blobs ??= new Dictionary<string, BlobReference>(StringComparer.Ordinal))[dependency] = blob;
            }
            else
            {
                outputs[dependency] = row.Output;
            }

            if (row.FinishedAt is { } finished)
            {
                finishedAt[dependency] = UnixMicros.ToTime(finished);
            }

            if (row.Ports is { } fired)
            {
                ports[dependency] = PortList.Decode(fired);
            }
        }

        return (outputs, blobs ?? EmptyBlobs, finishedAt, ports);
    }

    private static async ValueTask<ClaimedNode?> TryClaimCoreAsync(
        SqlSession s, (WorkMessage Message, Guid WorkerId, long Now, long LeaseUntil) a, CancellationToken ct)
    {
        if (s.Dialect.SupportsUpdateReturning && await TryClaimReadyAsync(s, a, ct) is { } ready)
        {
            return ready;
        }

        return await TryClaimAnyAsync(s, a, ct);
    }

    /// <summary>The full claim: reads the node (Ready, on a timer come due, or Running on a lease run out) and claims it if it may be.</summary>
    private static async ValueTask<ClaimedNode?> TryClaimAnyAsync(
        SqlSession s, (WorkMessage Message, Guid WorkerId, long Now, long LeaseUntil) a, CancellationToken ct)
    {
        ClaimTarget target;
        var select = s.Command(SelectClaimTarget).Bind("@runId", a.Message.RunId).Bind("@nodeId", a.Message.NodeId);
        await using (var reader = await s.ReaderAsync(select, ct))
        {
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }

            target = ClaimTarget.Read(reader, 0);
        }

        return await ClaimTargetAsync(s, a, target, ct);
    }

    /// <summary>Decides from the node's row whether it may be claimed now and, if so, claims it.</summary>
    private static async ValueTask<ClaimedNode?> ClaimTargetAsync(
        SqlSession s, (WorkMessage Message, Guid WorkerId, long Now, long LeaseUntil) a, ClaimTarget target, CancellationToken ct)
    {
        var message = a.Message;
        var (status, version, attempt, leaseUntil, waitUntil, runStatus, waitKind, resumedFromColumn, interruptions, ownerId) = target;
        if (runStatus.IsFinal() || version != message.Version)
        {
            return null;
        }

        int newAttempt;
        // A wait that has ended stays ended: every later execution of the node resumes from it.
        var resumedFrom = resumedFromColumn;
        var fromTimer = false;
        RateLimitWait? rateWait = null;
        switch (status)
        {
            case NodeStatus.Ready:
                newAttempt = attempt + 1;
                break;
            case NodeStatus.Running when waitUntil is { } due:
                // A durable timer came due: a retry starts the next attempt, a wait carries the same attempt on.
                // A signal wait never comes due (its WaitUntil is the largest value).
                if (due > a.Now || waitKind == WaitKinds.Signal)
                {
                    return null;
                }

                if (waitKind == WaitKinds.Retry)
                {
                    newAttempt = attempt + 1;
                    break;
                }

                // A rate-limit deferral is no attempt and no wait of the node's own: the same attempt goes on, and
                // the wait it may have ended earlier stays the one it sees.
                if (RateWaitKinds.Decode(waitKind) is { } rate)
                {
                    newAttempt = attempt;
                    rateWait = rate;
                    break;
                }

                newAttempt = attempt;
                resumedFrom = due;
                fromTimer = true;
                break;
            case NodeStatus.Running:
                // The worker that held it stopped renewing its lease: run it again as a new attempt.
                // A Running node without any lease has no owner either.
                if (leaseUntil is { } lease && lease >= a.Now)
                {
                    return null;
                }

                newAttempt = attempt + 1;
                interruptions++;
                break;
            default:
                return null;
        }

        var claim = s.Command(ClaimNode)
            .Bind("@attempt", newAttempt)
            .Bind("@resumedFrom", resumedFrom)
            .Bind("@leaseUntil", a.LeaseUntil)
            .Bind("@now", a.Now)
            .Bind("@workerId", a.WorkerId)
            .Bind("@interruptions", interruptions)
            .Bind("@runId", message.RunId)
            .Bind("@nodeId", message.NodeId)
            .Bind("@version", version);
        if (await s.ExecuteAsync(claim, ct) == 0)
        {
            return null;
        }

        var runStarted = runStatus == RunStatus.Pending
            && await s.ExecuteAsync(s.Command(StartRun).Bind("@runId", message.RunId).Bind("@now", a.Now), ct) == 1;

        var resumed = resumedFrom is { } from ? UnixMicros.ToTime(from) : (DateTimeOffset?)null;
        return new ClaimedNode(message.RunId, message.NodeId, version + 1, newAttempt, null, EmptyOutputs, resumed, runStarted)
        {
            Interruptions = interruptions,
            ClaimedFromTimer = fromTimer,
            OwnerId = ownerId,
            HoldsRateSlot = rateWait?.HoldsSlot == true,
            ProviderRefusals = rateWait?.ProviderRefusals ?? 0,
        };
    }

    /// <summary>Claims the node if it is Ready in a run still going; null when it is not (the full claim then decides).</summary>
    private static async ValueTask<ClaimedNode?> TryClaimReadyAsync(
        SqlSession s, (WorkMessage Message, Guid WorkerId, long Now, long LeaseUntil) a, CancellationToken ct)
    {
        var message = a.Message;
        var claim = s.Command(ClaimReadyNodeReturning)
            .Bind("@leaseUntil", a.LeaseUntil)
            .Bind("@now", a.Now)
            .Bind("@workerId", a.WorkerId)
            .Bind("@runId", message.RunId)
            .Bind("@nodeId", message.NodeId)
            .Bind("@version", message.Version);
        int attempt;
        long? resumedFrom;
        int interruptions;
        RunStatus runStatus;
        Guid ownerId;
        await using (var reader = await s.ReaderAsync(claim, ct))
        {
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }

            attempt = reader.GetInt32(0);
            resumedFrom = reader.GetNullableInt64(1);
            interruptions = reader.GetInt32(2);
            runStatus = StatusNames.RunStatusOf(reader.GetString(3));
            ownerId = reader.GetGuid(4);
        }

        var runStarted = runStatus == RunStatus.Pending
            && await s.ExecuteAsync(s.Command(StartRun).Bind("@runId", message.RunId).Bind("@now", a.Now), ct) == 1;
        var resumed = resumedFrom is { } from ? UnixMicros.ToTime(from) : (DateTimeOffset?)null;
        return new ClaimedNode(message.RunId, message.NodeId, message.Version + 1, attempt, null, EmptyOutputs, resumed, runStarted)
        {
            Interruptions = interruptions,
            OwnerId = ownerId,
        };
    }

    /// <summary>What a claim reads of a node and its run before it decides (the columns of <see cref="SelectClaimTarget"/>).</summary>
    private readonly record struct ClaimTarget(
        NodeStatus Status, long Version, int Attempt, long? LeaseUntil, long? WaitUntil, RunStatus RunStatus, string? WaitKind, long? ResumedFrom, int Interruptions, Guid OwnerId)
    {
        public static ClaimTarget Read(System.Data.Common.DbDataReader reader, int first) => new(
            StatusNames.NodeStatusOf(reader.GetString(first)),
            reader.GetInt64(first + 1),
            reader.GetInt32(first + 2),
            reader.GetNullableInt64(first + 3),
            reader.GetNullableInt64(first + 4),
            StatusNames.RunStatusOf(reader.GetString(first + 5)),
            reader.GetNullableString(first + 6),
            reader.GetNullableInt64(first + 7),
            reader.GetInt32(first + 8),
            reader.GetGuid(first + 9));
    }

    /// <summary>A claim as the server writer queues it: the message, who claims until when, and what it reads besides.</summary>
    private readonly record struct ClaimRequest(
        WorkMessage Message, Guid WorkerId, long Now, long LeaseUntil, IReadOnlyList<string> Dependencies, RunInputCache Inputs)
    {
        public (WorkMessage Message, Guid WorkerId, long Now, long LeaseUntil) Core => (Message, WorkerId, Now, LeaseUntil);
    }

    private readonly record struct DependencyRow(JsonElement? Output, BlobReference? Blob, long? FinishedAt, string? Ports);
}
