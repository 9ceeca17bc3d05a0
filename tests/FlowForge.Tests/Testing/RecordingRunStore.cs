using System.Collections.Concurrent;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Storage;

namespace FlowForge.Tests.Testing;

/// <summary>
/// The real run store, recording each completion write once it has returned: the nodes it recorded (the pure chain
/// before it first), and when it returned; and each run's creation with the nodes written with it.
/// </summary>
public sealed class RecordingRunStore(IRunStore inner) : IRunStore
{
    public ConcurrentQueue<(Guid RunId, string[] Nodes, DateTimeOffset CommittedAt)> Completions { get; } = new();

    public IReadOnlyList<string[]> CompletionsOf(Guid runId) => [.. Completions.Where(c => c.RunId == runId).Select(c => c.Nodes)];

    /// <summary>
    /// The run's completion writes once <paramref name="count"/> are recorded: a write is recorded after the store returns,
    /// so a test that saw the run finish may look before the last one is.
    /// </summary>
    public Task<IReadOnlyList<string[]>> CompletionsOfAsync(Guid runId, int count) =>
        FlowForge.Testing.Eventually.MatchesAsync(() => CompletionsOf(runId), c => c.Count >= count, $"{count} completion writes recorded");

    /// <summary>Claims made through <see cref="TryClaimAsync"/> (from a message), whether they won or not.</summary>
    public ConcurrentQueue<(Guid RunId, string NodeId)> Claims { get; } = new();

    public IReadOnlyList<string> ClaimsOf(Guid runId) => [.. Claims.Where(c => c.RunId == runId).Select(c => c.NodeId)];

    public static void Register(Microsoft.Extensions.DependencyInjection.IServiceCollection services)
    {
        var real = services.Last(d => d.ServiceType == typeof(IRunStore));
        services.Add(Microsoft.Extensions.DependencyInjection.ServiceDescriptor.Singleton(sp => new RecordingRunStore((IRunStore)real.ImplementationFactory!(sp))));
        services.Add(Microsoft.Extensions.DependencyInjection.ServiceDescriptor.Singleton<IRunStore>(sp =>
            Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<RecordingRunStore>(sp)));
    }

    /// <summary>Each run's creation once it has returned: the nodes run before it and written with it (<see cref="NewRun.StartRegion"/>).</summary>
    public ConcurrentQueue<(Guid RunId, string[] Nodes)> Creations { get; } = new();

    /// <summary>Each run's creation: the completions of the nodes run before it, as they were written.</summary>
    public ConcurrentQueue<(Guid RunId, IReadOnlyList<NodeCompletion> Completions)> StartRegions { get; } = new();

    /// <summary>Each new run as it was handed to the store.</summary>
    public ConcurrentQueue<NewRun> Written { get; } = new();

    public string[]? CreationOf(Guid runId) => Creations.Where(c => c.RunId == runId).Select(c => c.Nodes).SingleOrDefault();

    public async Task<RunCreation> CreateRunAsync(NewRun run, ExecutionPlan plan, CancellationToken cancellationToken)
    {
        Written.Enqueue(run);
        var creation = await inner.CreateRunAsync(run, plan, cancellationToken);
        Creations.Enqueue((run.Id, [.. run.StartRegion.Select(c => c.NodeId)]));
        StartRegions.Enqueue((run.Id, run.StartRegion));
        return creation;
    }

    public Task<ClaimedNode?> TryClaimAsync(
        WorkMessage message, IReadOnlyList<string> dependencies, Guid workerId, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        Claims.Enqueue((message.RunId, message.NodeId));
        return inner.TryClaimAsync(message, dependencies, workerId, now, leaseUntil, cancellationToken);
    }

    public async Task<CompletionResult> CompleteNodeAsync(NodeCompletion completion, ExecutionPlan plan, CancellationToken cancellationToken)
    {
        var result = await inner.CompleteNodeAsync(completion, plan, cancellationToken);
        Completions.Enqueue((completion.RunId, [.. completion.Preceding.Select(p => p.NodeId), completion.NodeId], TimeProvider.System.GetUtcNow()));
        return result;
    }

    public Task<CancelResult?> CancelRunAsync(Guid runId, Guid? ownerId, DateTimeOffset at, CancellationToken cancellationToken) => inner.CancelRunAsync(runId, ownerId, at, cancellationToken);

    public Task<ReopenResult?> ReopenRunAsync(Guid runId, Guid? ownerId, ExecutionPlan plan, DateTimeOffset at, CancellationToken cancellationToken) =>
        inner.ReopenRunAsync(runId, ownerId, plan, at, cancellationToken);

    public Task<RunDeletion> DeleteRunAsync(Guid runId, Guid? ownerId, CancellationToken cancellationToken) => inner.DeleteRunAsync(runId, ownerId, cancellationToken);
}
