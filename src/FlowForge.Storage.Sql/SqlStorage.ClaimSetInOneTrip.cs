using System.Globalization;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Dialects;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

public sealed partial class SqlStorage
{
    // Texts by (claim rows, input rows, output rows) slot: at most 6 × 7 × 7 of them.
    private static readonly Dictionary<(int Claims, int Inputs, int Outputs), SqlStatement> ClaimSetTrips = [];
    private static readonly Lock ClaimSetTripsLock = new();

    private static SqlStatement ClaimSetTrip(int claims, int inputs, int outputs)
    {
        lock (ClaimSetTripsLock)
        {
            if (!ClaimSetTrips.TryGetValue((claims, inputs, outputs), out var statement))
            {
                var (claimRows, inputRows, outputRows) = (RowSlots[claims], inputs < 0 ? 0 : RowSlots[inputs], outputs < 0 ? 0 : RowSlots[outputs]);
                statement = new SqlStatement(
                    $"ClaimSetInOneTrip{claimRows}x{inputRows}x{outputRows}", d => d is MySqlDialect ? ClaimSetTripText(d, claimRows, inputRows, outputRows) : "")
                {
                    Prepares = false,
                };
                ClaimSetTrips.Add((claims, inputs, outputs), statement);
            }

            return statement;
        }
    }

    // The nodes as they were, then the claim of the Ready ones whose message is current, then the runs' inputs and the
    // dependencies' outputs: one text, which MySqlConnector sends whole. The claim names no run (a join would take shared
    // locks on the runs' rows): a Ready node of an ended run would be claimed too, and the caller then fails the set. The
    // store leaves no such node (a run that fails or is cancelled cancels its open nodes), so that is a guard only.
    private static string ClaimSetTripText(SqlDialect dialect, int claims, int inputs, int outputs)
    {
        var text = new System.Text.StringBuilder(SelectClaimTargetsByRowsText(dialect, claims)).Append(";\n")
            .Append(ClaimReadyNodesByRowsText(claims)).Append(";\n")
            .Append(StartClaimedRunsByRowsText(claims)).Append(";\n");
        if (inputs > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"""
                SELECT RunId, InputJson FROM RunInputs WHERE RunId IN ({string.Join(", ", Enumerable.Range(0, inputs).Select(static i => $"@inputRunId{i}"))});

                """);
        }

        if (outputs > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"""
                SELECT RunId, NodeId, Output, OutputBlob, OutputBytes, FinishedAt, Ports FROM NodeInstances
                WHERE {RowsIn(outputs, "RunId, NodeId", "@outputRunId{0}, @outputNodeId{0}")} AND Status IN ('Succeeded', 'Failed');

                """);
        }

        return text.ToString();
    }

    // The runs still Pending whose node the claim before just took (Running under its worker, one version on: a row at that
    // version and status was Ready at the message's version an instant ago, so no other claim left it so), started as
    // StartRun starts one; their number tells whether every run the read showed Pending was started. The runs are named
    // (their keys first, the claimed row checked per run): MariaDB runs an IN (subquery) of a single-table UPDATE as a
    // check per row of Runs, which without the keys would be every Pending run.
    private static string StartClaimedRunsByRowsText(int rows) => $"""
        UPDATE Runs SET Status = 'Running', StartedAt = CASE Id {string.Join(" ", Enumerable.Range(0, rows).Select(static i => $"WHEN @runId{i} THEN @now{i}"))} END
        WHERE Id IN ({string.Join(", ", Enumerable.Range(0, rows).Select(static i => $"@runId{i}"))}) AND Status = 'Pending' AND EXISTS (
            SELECT 1 FROM NodeInstances
            WHERE NodeInstances.RunId = Runs.Id AND Status = 'Running'
              AND ({RowsOf(rows, "RunId = @runId{0} AND NodeId = @nodeId{0} AND Version = @version{0} + 1 AND WorkerId = @workerId{0}")}))
        """;

    private sealed partial class ClaimSet
    {
        /// <summary>
        /// On MySQL, a set of up to 64 claims in one round trip: the nodes read, the Ready ones claimed, the Pending runs of the
        /// claimed nodes started, the inputs of the runs this process does not hold and the outputs of the claims'
        /// dependencies read, all in one text (four round trips before, and one more per run started). What the read shows decides each claim as <see cref="ClaimByRowsAsync"/> does; when the claim's row count
        /// differs from what the read promised, or it claimed a node of a run that has ended, the transaction fails and the
        /// writer runs the claims again one by one. Answers the claims it settled (claimed or not), or null when the set does
        /// not fit one text or the store is not MySQL.
        /// </summary>
        private static async ValueTask<HashSet<int>?> TryClaimInOneTripAsync(
            SqlSession s, IReadOnlyList<ClaimRequest> states, List<int> set, ClaimedNode?[] results, CancellationToken ct)
        {
            if (s.Dialect is not MySqlDialect || set.Count < 2 || set.Count > ClaimSetRows)
            {
                return null;
            }

            var inputs = states[0].Inputs;
            var missing = new List<Guid>();
            var wanted = new List<(Guid RunId, string NodeId)>();
            var seen = new HashSet<(Guid, string)>();
            foreach (var i in set)
            {
                var runId = states[i].Message.RunId;
                if (!inputs.TryGet(runId, out _) && !missing.Contains(runId))
                {
                    missing.Add(runId);
                }

                foreach (var dependency in states[i].Dependencies)
                {
                    if (seen.Add((runId, dependency)))
                    {
                        wanted.Add((runId, dependency));
                    }
                }
            }

            if (missing.Count > ClaimSetRows || wanted.Count > ClaimSetRows)
            {
                return null;
            }

            var claimSlots = SlotIndexFor(set.Count);
            var inputSlots = missing.Count == 0 ? -1 : SlotIndexFor(Math.Max(2, missing.Count));
            var outputSlots = wanted.Count == 0 ? -1 : SlotIndexFor(Math.Max(2, wanted.Count));
            var command = s.Command(ClaimSetTrip(claimSlots, inputSlots, outputSlots));
            BindRows(command, states, set, RowSlots[claimSlots], withClaim: true);
            for (var slot = 0; inputSlots >= 0 && slot < RowSlots[inputSlots]; slot++)
            {
                command.Bind($"@inputRunId{slot}", missing[slot < missing.Count ? slot : 0]);
            }

            for (var slot = 0; outputSlots >= 0 && slot < RowSlots[outputSlots]; slot++)
            {
                var (runId, nodeId) = wanted[slot < wanted.Count ? slot : 0];
                command.Bind($"@outputRunId{slot}", runId).Bind($"@outputNodeId{slot}", nodeId);
            }

            var index = new Dictionary<(Guid, string), int>(set.Count);
            foreach (var i in set)
            {
                index[(states[i].Message.RunId, states[i].Message.NodeId)] = i;
            }

            var targets = new Dictionary<int, ClaimTarget>(set.Count);
            var held = new Dictionary<Guid, System.Text.Json.JsonElement?>();
            var outputs = new Dictionary<Guid, Dictionary<string, DependencyRow>>();
            int claimedRows;
            await using (var reader = await s.ReaderAsync(command, ct))
            {
                do
                {
                    // The result sets told apart by their width: the nodes (12 columns), the inputs (2), the outputs (7).
                    while (await reader.ReadAsync(ct))
                    {
                        switch (reader.FieldCount)
                        {
                            case 12:
                                targets[index[(reader.GetGuid(0), reader.GetString(1))]] = ClaimTarget.Read(reader, 2);
                                break;
                            case 2:
                                var runId = reader.GetGuid(0);
                                held[runId] = inputs.Add(runId, reader.GetNullableString(1));
                                break;
                            default:
                                AddDependencyRow(outputs, reader);
                                break;
                        }
                    }
                }
                while (await reader.NextResultAsync(ct));
                claimedRows = reader.RecordsAffected;
            }

            // What the UPDATE claimed: every node the read showed Ready for its message (read and claim are one
            // statement apart, so another transaction may still have changed one in between).
            var ready = new List<int>(set.Count);
            var settled = new HashSet<int>();
            var endedClaimed = false;
            foreach (var i in set)
            {
                if (targets.TryGetValue(i, out var target) && target.Status == NodeStatus.Ready && target.Version == states[i].Message.Version)
                {
                    ready.Add(i);
                    endedClaimed |= target.RunStatus.IsFinal();
                }
            }

            // The rows changed are the claims and the runs they started: every run the read showed Pending once.
            var starts = new HashSet<Guid>();
            foreach (var i in ready)
            {
                if (targets[i].RunStatus == RunStatus.Pending)
                {
                    starts.Add(states[i].Message.RunId);
                }
            }

            if (claimedRows != ready.Count + starts.Count || endedClaimed)
            {
                throw new ClaimSetConflictException(ready.Count + starts.Count, claimedRows);
            }

            var none = new Dictionary<string, DependencyRow>(StringComparer.Ordinal);
            foreach (var i in ready)
            {
                var message = states[i].Message;
                var target = targets[i];
                var runStarted = starts.Remove(message.RunId);
                var claimed = new ClaimedNode(message.RunId, message.NodeId, message.Version + 1, target.Attempt + 1, null, EmptyOutputs, ToTime(target.ResumedFrom), runStarted)
                {
                    Interruptions = target.Interruptions,
                    OwnerId = target.OwnerId,
                };
                if (!inputs.TryGet(message.RunId, out var input) && !held.TryGetValue(message.RunId, out input))
                {
                    input = null;
                }

                claimed = claimed with { RunInput = input };
                if (states[i].Dependencies.Count > 0)
                {
                    var read = DependencyOutputsOf(states[i].Dependencies, outputs.GetValueOrDefault(message.RunId) ?? none);
                    claimed = claimed with { DependencyOutputs = read.Outputs, BlobOutputs = read.Blobs, DependencyFinishedAt = read.FinishedAt, DependencyPorts = read.Ports };
                }

                results[i] = claimed;
                settled.Add(i);
            }

            foreach (var i in set)
            {
                if (settled.Contains(i))
                {
                    continue;
                }

                // Not claimable (null), or claimable only as the full claim does it: a timer come due, a lease run out.
                results[i] = targets.TryGetValue(i, out var target) ? await ClaimTargetAsync(s, states[i].Core, target, ct) : null;
            }

            return settled;
        }
    }
}
