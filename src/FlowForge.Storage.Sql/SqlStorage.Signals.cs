using FlowForge.Engine.Graphs;
using FlowForge.Engine.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

public sealed partial class SqlStorage
{
    private static readonly SqlStatement SelectSignalTarget = new(nameof(SelectSignalTarget), """
        SELECT Status, Version, Attempt, StartedAt, WaitKind, WaitUntil FROM NodeInstances WHERE RunId = @runId AND NodeId = @nodeId
        """);

    public Task<SignalResult> SignalNodeAsync(NodeSignal signal, ExecutionPlan plan, CancellationToken cancellationToken) =>
        _executor.WriteAsync(SignalNodeCoreAsync, (Signal: signal, Plan: plan), cancellationToken);

    private static async ValueTask<SignalResult> SignalNodeCoreAsync(SqlSession s, (NodeSignal Signal, ExecutionPlan Plan) a, CancellationToken ct)
    {
        var (signal, plan) = a;
        var run = await ReadRunForChangeAsync(s, signal.RunId, ct);
        if (run is null || (signal.OwnerId is { } owner && run.OwnerId != owner) || !plan.TryGetNode(signal.NodeId, out _))
        {
            return SignalResult.NotFound;
        }

        NodeStatus status;
        long version;
        int attempt;
        long? startedAt;
        bool waitsForSignal;
        await using (var reader = await s.ReaderAsync(s.Command(SelectSignalTarget).Bind("@runId", signal.RunId).Bind("@nodeId", signal.NodeId), ct))
        {
            if (!await reader.ReadAsync(ct))
            {
                return SignalResult.NotFound;
            }

            status = StatusNames.NodeStatusOf(reader.GetString(0));
            version = reader.GetInt64(1);
            attempt = reader.GetInt32(2);
            startedAt = reader.GetNullableInt64(3);
            waitsForSignal = status == NodeStatus.Running && reader.GetNullableString(4) == WaitKinds.Signal
                && reader.GetNullableInt64(5) == WaitKinds.SignalWaitUntil;
        }

        if (!waitsForSignal || run.Status.IsFinal())
        {
            return new SignalResult(SignalOutcome.NotWaiting, null, status);
        }

        var at = UnixMicros.From(signal.At);
        var finish = s.Command(FinishNode)
            .Bind("@status", StatusNames.Of(NodeStatus.Succeeded))
            .Bind("@output", signal.OutputJson)
            .Bind("@error", null)
            .Bind("@ports", PortList.Encode([NodePorts.Main]))
            .Bind("@at", at)
            .Bind("@runId", signal.RunId)
            .Bind("@nodeId", signal.NodeId)
            .Bind("@version", version);
        if (await s.ExecuteAsync(finish, ct) == 0)
        {
            return new SignalResult(SignalOutcome.NotWaiting, null, status);
        }

        var completion = new NodeCompletion(signal.RunId, signal.NodeId, version, NodeStatus.Succeeded, signal.OutputJson, null, [NodePorts.Main], signal.At)
        {
            Attempt = attempt,
            AttemptStartedAt = startedAt is { } started ? UnixMicros.ToTime(started) : null,
        };
        await InsertAttemptAsync(s, completion, at, null, ct);

        var changes = new List<NodeStateChange> { new(signal.NodeId, NodeStatus.Succeeded) };
        var messages = new List<Engine.Queueing.OutboxMessage>();
        var skipped = await ResolveChildrenAsync(s, run, plan, signal.NodeId, [NodePorts.Main], at, messages, changes, ct);
        var finished = await CountDownAsync(s, run, 1 + skipped, at, ct);
        if (finished is not null)
        {
            await WakeParentAsync(s, run, at, messages, ct);
        }

        return new SignalResult(SignalOutcome.Applied, new CompletionResult(true, messages, changes, finished), NodeStatus.Succeeded);
    }
}
