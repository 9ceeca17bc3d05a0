using FlowForge.Engine.Graphs;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql;
using Microsoft.Extensions.Time.Testing;

namespace FlowForge.Providers.Tests.Compliance;

/// <summary>
/// The base of every compliance suite: a fresh database per test, a clock the test controls, and
/// shorthands for driving a run through the store as the engine would.
/// </summary>
public abstract class StoreCompliance(StorageProvider provider) : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2030, 1, 1, 8, 0, 0, TimeSpan.Zero);

    protected static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    protected StorageProvider Provider { get; } = provider;

    protected FakeTimeProvider Time { get; } = new(T0);

    protected TestDatabase Database { get; private set; } = null!;

    protected ISqlStorage Store => Database.Store;

    protected Guid Owner { get; } = Guid.NewGuid();

    public async Task InitializeAsync() => Database = await Provider.CreateDatabaseAsync(Time);

    public async Task DisposeAsync() => await Database.DisposeAsync();

    protected Task<RunCreation> CreateRunAsync(
        ExecutionPlan plan, string? idempotencyKey = null, DateTimeOffset? createdAt = null, Guid? owner = null, Guid? runId = null, string input = """{"in":1}""") =>
        ((IRunStore)Store).CreateRunAsync(
            new NewRun(runId ?? Guid.CreateVersion7(), owner ?? Owner, plan.FlowId, plan.Version, input, idempotencyKey, createdAt ?? T0),
            plan,
            CancellationToken.None);

    protected static WorkMessage MessageFor(ExecutionPlan plan, Guid runId, string nodeId, long version) =>
        new(plan[nodeId].IsTrigger ? WorkKind.StartFlow : WorkKind.ExecuteNode, runId, nodeId, version, plan.FlowId, plan.Version);

    /// <summary>The worker that claims, unless a test names another.</summary>
    protected static readonly Guid Worker = Guid.Parse("00000000-0000-0000-0000-00000000000a");

    protected Task<ClaimedNode?> TryClaimAsync(WorkMessage message, ExecutionPlan plan, DateTimeOffset? now = null, Guid? worker = null)
    {
        var at = now ?? T0;
        return ((IRunStore)Store).TryClaimAsync(message, plan[message.NodeId].Dependencies, worker ?? Worker, at, at + Lease, CancellationToken.None);
    }

    protected async Task<ClaimedNode> ClaimAsync(WorkMessage message, ExecutionPlan plan, DateTimeOffset? now = null, Guid? worker = null)
    {
        var claim = await TryClaimAsync(message, plan, now, worker);
        Assert.NotNull(claim);
        return claim;
    }

    protected async Task<ClaimedNode> ClaimAsync(OutboxMessage message, ExecutionPlan plan, DateTimeOffset? now = null, Guid? worker = null) =>
        await ClaimAsync(message.Message, plan, now, worker);

    protected Task<CompletionResult> SucceedAsync(
        ExecutionPlan plan, ClaimedNode claim, string? output = """{"ok":true}""", string[]? ports = null, DateTimeOffset? at = null) =>
        ((IRunStore)Store).CompleteNodeAsync(
            new NodeCompletion(claim.RunId, claim.NodeId, claim.Version, NodeStatus.Succeeded, output, null, ports ?? [TestPlans.Main], at ?? T0),
            plan,
            CancellationToken.None);

    protected Task<CompletionResult> FailAsync(ExecutionPlan plan, ClaimedNode claim, string error, DateTimeOffset? at = null) =>
        ((IRunStore)Store).CompleteNodeAsync(
            new NodeCompletion(claim.RunId, claim.NodeId, claim.Version, NodeStatus.Failed, null, error, [], at ?? T0),
            plan,
            CancellationToken.None);

    protected Task<CompletionResult> WaitAsync(ExecutionPlan plan, ClaimedNode claim, DateTimeOffset until, DateTimeOffset? at = null) =>
        ((IRunStore)Store).CompleteNodeAsync(
            new NodeCompletion(claim.RunId, claim.NodeId, claim.Version, NodeStatus.Running, null, null, [], at ?? T0, until),
            plan,
            CancellationToken.None);

    /// <summary>Claims and completes the only message, returning the completion (for walking a chain).</summary>
    protected async Task<CompletionResult> RunNodeAsync(ExecutionPlan plan, OutboxMessage message, string[]? ports = null)
    {
        var claim = await ClaimAsync(message, plan);
        return await SucceedAsync(plan, claim, ports: ports);
    }

    protected async Task<RunView> GetRunAsync(Guid runId)
    {
        var run = await ((IRunQueries)Store).GetRunAsync(runId, null, CancellationToken.None);
        Assert.NotNull(run);
        return run;
    }

    protected static NodeInstanceView NodeOf(RunView run, string nodeId) => Assert.Single(run.Nodes, n => n.NodeId == nodeId);

    protected static OutboxMessage MessageTo(CompletionResult result, string nodeId) => Assert.Single(result.Messages, m => m.Message.NodeId == nodeId);
}
