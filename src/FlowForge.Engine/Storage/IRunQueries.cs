using FlowForge.Engine.Runs;

namespace FlowForge.Engine.Storage;

/// <summary>The read side of runs. A null owner reads any run (in-process tools); otherwise another owner's run does not exist.</summary>
public interface IRunQueries
{
    Task<RunView?> GetRunAsync(Guid runId, Guid? ownerId, CancellationToken cancellationToken);

    /// <summary>Runs of a flow, newest first, paged by a cursor that stays stable while new runs arrive.</summary>
    Task<Page<RunSummary>> ListRunsAsync(Guid flowId, Guid ownerId, PageRequest page, CancellationToken cancellationToken);

    /// <summary>
    /// The owner's runs across all flows, newest first, cursor paged: those in one status (for example the failed ones, to retry),
    /// or every run when <paramref name="status"/> is null.
    /// </summary>
    Task<Page<RunSummary>> ListRunsByStatusAsync(Guid ownerId, RunStatus? status, PageRequest page, CancellationToken cancellationToken);

    /// <summary>The newest run of each of the owner's flows named (at most <see cref="PageRequest.MaxLimit"/>); a flow that never ran is left out.</summary>
    Task<IReadOnlyList<LastRun>> LastRunsAsync(Guid ownerId, IReadOnlyCollection<Guid> flowIds, CancellationToken cancellationToken);
}
