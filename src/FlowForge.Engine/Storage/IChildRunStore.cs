using FlowForge.Engine.Graphs;

namespace FlowForge.Engine.Storage;

/// <summary>
/// Child runs: runs a node started (<see cref="NewRun.Parent"/>), kept with their parent so that finishing one wakes the
/// node in the same transaction. A child is created through <see cref="IRunStore.CreateRunAsync"/>, once per item.
/// </summary>
public interface IChildRunStore
{
    /// <summary>The children a node started, by item index; with <paramref name="withOutputs"/> each succeeded child's output too.</summary>
    Task<IReadOnlyList<ChildRunRecord>> ListChildRunsAsync(Guid parentRunId, string parentNodeId, bool withOutputs, CancellationToken cancellationToken);

    /// <summary>
    /// Reopens a Failed or Cancelled child (as <see cref="IRunStore.ReopenRunAsync"/> does) and records the node attempt that
    /// restarted it, in one transaction.
    /// </summary>
    Task<ReopenResult?> RestartChildRunAsync(Guid childRunId, int parentAttempt, ExecutionPlan plan, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>A run's children (of all its nodes), newest first, cursor paged; null when the run does not exist for the owner.</summary>
    Task<Page<RunSummary>?> ListChildrenPageAsync(Guid runId, Guid? ownerId, PageRequest page, CancellationToken cancellationToken);

    /// <summary>Every run below the run (children, their children, …), for deleting their blobs with it.</summary>
    Task<IReadOnlyList<Guid>> ListDescendantRunIdsAsync(Guid runId, CancellationToken cancellationToken);
}
