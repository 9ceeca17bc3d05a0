using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

public sealed partial class SqlStorage
{
    private static readonly SqlStatement CancelRun = new(nameof(CancelRun), """
        UPDATE Runs SET Status = 'Cancelled', FinishedAt = @at WHERE Id = @runId AND Status IN ('Pending', 'Running')
        """);

    public Task<CancelResult?> CancelRunAsync(Guid runId, Guid? ownerId, DateTimeOffset at, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
        {
            var run = await ReadRunForChangeAsync(s, a.RunId, ct);
            if (run is null || (a.OwnerId is { } owner && run.OwnerId != owner))
            {
                return null;
            }

            if (run.Status.IsFinal())
            {
                return new CancelResult(run.Status, false, []);
            }

            await s.ExecuteAsync(s.Command(CancelRun).Bind("@at", a.At).Bind("@runId", a.RunId), ct);
            // Child runs before this run's nodes: a child ending at the same time locks itself, then the node waiting for it.
            var cancelledChildren = new List<Guid>();
            await CancelOpenDescendantsAsync(s, a.RunId, a.At, cancelledChildren, ct);
            var changes = new List<NodeStateChange>();
            await CancelOpenNodesAsync(s, a.RunId, a.At, changes, ct);
            var wakes = new List<Engine.Queueing.OutboxMessage>();
            await WakeParentAsync(s, run, a.At, wakes, ct);
            return new CancelResult(RunStatus.Cancelled, true, changes) { CancelledChildRuns = cancelledChildren, Messages = wakes };
        }, (RunId: runId, OwnerId: ownerId, At: UnixMicros.From(at)), cancellationToken);
}
