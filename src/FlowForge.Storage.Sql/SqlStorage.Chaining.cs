using System.Text.Json;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

/// <summary>
/// Local chaining: a completion that asks for it (<see cref="NodeCompletion.ClaimChild"/>) claims one child it made
/// Ready in its own transaction, instead of writing that child's message, and hands it back with its inputs.
/// </summary>
public sealed partial class SqlStorage
{
    // The claim from Ready that TryClaimAsync makes, for a node this transaction has just made Ready.
    private static readonly SqlStatement ClaimChainedNode = new(nameof(ClaimChainedNode), """
        UPDATE NodeInstances
        SET Status = 'Running', Version = Version + 1, Attempt = Attempt + 1, LeaseUntil = @leaseUntil, WaitUntil = NULL,
            WaitKind = NULL, StartedAt = COALESCE(StartedAt, @now), WorkerId = @workerId
        WHERE RunId = @runId AND NodeId = @nodeId AND Version = @version AND Status = 'Ready'
        """);

    private static readonly SqlStatement ClaimChainedNodeReturning = new(nameof(ClaimChainedNodeReturning), """
        UPDATE NodeInstances
        SET Status = 'Running', Version = Version + 1, Attempt = Attempt + 1, LeaseUntil = @leaseUntil, WaitUntil = NULL,
            WaitKind = NULL, StartedAt = COALESCE(StartedAt, @now), WorkerId = @workerId
        WHERE RunId = @runId AND NodeId = @nodeId AND Version = @version AND Status = 'Ready'
        RETURNING Attempt, ResumedFrom, Interruptions
        """);

    private static readonly SqlStatement SelectChainedClaim = new(nameof(SelectChainedClaim), """
        SELECT Attempt, ResumedFrom, Interruptions FROM NodeInstances WHERE RunId = @runId AND NodeId = @nodeId
        """);

    /// <summary>
    /// The one child a completion may claim; empty until a child is made Ready. In a pure region's write it is shared by
    /// the write's completions: <see cref="Members"/> are the nodes recorded later in the write, which are not claimed or
    /// given a message when made Ready but kept in <see cref="Deferred"/> (with the version that made them Ready).
    /// </summary>
    private sealed class ChildClaimSlot(ChainClaim? request)
    {
        public ChainClaim? Request { get; set; } = request;

        public ClaimedNode? Claimed { get; set; }

        public IReadOnlySet<string>? Members { get; init; }

        public Dictionary<string, long>? Deferred { get; init; }

        /// <summary>The completion of the write that made <see cref="Claimed"/> Ready, with its encoded ports and time.</summary>
        public (NodeCompletion Completion, string? Ports, long At)? ClaimedBy { get; set; }
    }

    /// <summary>Claims the child made Ready at <paramref name="version"/>; null when it is no longer Ready at that version.</summary>
    private static async ValueTask<ClaimedNode?> ClaimChainedAsync(SqlSession s, RunRow run, string child, long version, long at, ChainClaim request, CancellationToken ct)
    {
        var returning = s.Dialect.SupportsUpdateReturning;
        var claim = s.Command(returning ? ClaimChainedNodeReturning : ClaimChainedNode)
            .Bind("@leaseUntil", UnixMicros.From(request.LeaseUntil))
            .Bind("@now", at)
            .Bind("@workerId", request.WorkerId)
            .Bind("@runId", run.Id)
            .Bind("@nodeId", child)
            .Bind("@version", version);
        if (!returning && await s.ExecuteAsync(claim, ct) == 0)
        {
            return null;
        }

        await using var reader = await s.ReaderAsync(returning ? claim : s.Command(SelectChainedClaim).Bind("@runId", run.Id).Bind("@nodeId", child), ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var resumed = reader.GetNullableInt64(1) is { } from ? UnixMicros.ToTime(from) : (DateTimeOffset?)null;
        return new ClaimedNode(run.Id, child, version + 1, reader.GetInt32(0), null, EmptyOutputs, resumed, RunStarted: false)
        {
            Interruptions = reader.GetInt32(2),
            OwnerId = run.OwnerId,
        };
    }

    /// <summary>
    /// The chained child's dependency outputs: the completing node's result as the completion carries it, and the other
    /// dependencies' outputs read in this transaction (none for a child with one dependency, the common chain), or taken
    /// from <paramref name="finished"/> where the caller knows every finished node's row (a new run's write).
    /// </summary>
    private static async ValueTask<ClaimedNode> WithChainedInputsAsync(
        SqlSession s,
        ExecutionPlan plan,
        NodeCompletion completion,
        string? ports,
        long at,
        ClaimedNode claimed,
        IReadOnlyDictionary<string, DependencyRow>? finished,
        CancellationToken ct)
    {
        var dependencies = plan[claimed.NodeId].Dependencies;
        List<string>? others = null;
        var fromParent = false;
        foreach (var dependency in dependencies)
        {
            if (string.Equals(dependency, completion.NodeId, StringComparison.Ordinal))
            {
                fromParent = true;
            }
            else
            {
                (others ??= []).Add(dependency);
            }
        }

        var outputs = new Dictionary<string, JsonElement?>(dependencies.Count, StringComparer.Ordinal);
        var finishedAt = new Dictionary<string, DateTimeOffset>(dependencies.Count, StringComparer.Ordinal);
        var firedPorts = new Dictionary<string, IReadOnlyList<string>>(dependencies.Count, StringComparer.Ordinal);
        var blobs = new Dictionary<string, BlobReference>(StringComparer.Ordinal);
        if (others is not null)
        {
            var read = finished is null ? await ReadSucceededOutputsAsync(s, (claimed.RunId, others), ct) : DependencyOutputsOf(others, finished);
            Copy(read.Outputs, outputs);
            Copy(read.Blobs, blobs);
            Copy(read.FinishedAt, finishedAt);
            Copy(read.Ports, firedPorts);
        }

        if (fromParent)
        {
            // As ReadSucceededOutputsAsync would read the row this transaction has just written.
            if (completion.OutputBlob is { } blob)
            {
                blobs[completion.NodeId] = blob;
            }
            else
            {
                outputs[completion.NodeId] = StoredJson.Parse(completion.OutputJson);
            }

            finishedAt[completion.NodeId] = UnixMicros.ToTime(at);
            if (ports is not null)
            {
                firedPorts[completion.NodeId] = PortList.Decode(ports);
            }
        }

        return claimed with
        {
            DependencyOutputs = outputs,
            BlobOutputs = blobs.Count == 0 ? EmptyBlobs : blobs,
            DependencyFinishedAt = finishedAt,
            DependencyPorts = firedPorts,
        };
    }

    private static void Copy<T>(IReadOnlyDictionary<string, T> from, Dictionary<string, T> to)
    {
        foreach (var (key, value) in from)
        {
            to[key] = value;
        }
    }
}
