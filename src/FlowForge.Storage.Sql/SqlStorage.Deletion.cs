using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Execution;

namespace FlowForge.Storage.Sql;

public sealed partial class SqlStorage
{
    private static readonly SqlStatement DeleteAttemptsOfRun = new(nameof(DeleteAttemptsOfRun), """
        DELETE FROM NodeAttempts WHERE RunId = @runId
        """);

    private static readonly SqlStatement DeleteNodesOfRun = new(nameof(DeleteNodesOfRun), """
        DELETE FROM NodeInstances WHERE RunId = @runId
        """);

    private static readonly SqlStatement DeleteInputOfRun = new(nameof(DeleteInputOfRun), """
        DELETE FROM RunInputs WHERE RunId = @runId
        """);

    private static readonly SqlStatement DeleteRun = new(nameof(DeleteRun), """
        DELETE FROM Runs WHERE Id = @runId
        """);

    private static readonly SqlStatement[] RunDeletions = [DeleteAttemptsOfRun, DeleteNodesOfRun, DeleteInputOfRun, DeleteRun];

    public Task<RunDeletion> DeleteRunAsync(Guid runId, Guid? ownerId, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
        {
            var run = await ReadRunForChangeAsync(s, a.RunId, ct);
            if (run is null || (a.OwnerId is { } owner && run.OwnerId != owner))
            {
                return RunDeletion.NotFound;
            }

            if (!run.Status.IsFinal())
            {
                return RunDeletion.NotFinished;
            }

            if (run.ParentRunId is not null)
            {
                return RunDeletion.ChildRun;
            }

            // A finished run's children are finished too (its end cancelled any left open): they go with it.
            var runs = await DescendantsAsync(s, a.RunId, ct);
            runs.Add(a.RunId);
            foreach (var runId in runs)
            {
                foreach (var statement in RunDeletions)
                {
                    await s.ExecuteAsync(s.Command(statement).Bind("@runId", runId), ct);
                }
            }

            return RunDeletion.Deleted;
        }, (RunId: runId, OwnerId: ownerId), cancellationToken);
}
