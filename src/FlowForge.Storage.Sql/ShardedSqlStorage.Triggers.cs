using FlowForge.Engine.Storage;

namespace FlowForge.Storage.Sql;

/// <summary>Activation, webhook keys and schedule firings live beside the flows, on shard 0.</summary>
public sealed partial class ShardedSqlStorage
{
    public Task<FlowActivation?> SetActiveAsync(Guid flowId, Guid ownerId, bool active, DateTimeOffset now, CancellationToken cancellationToken) =>
        Home.SetActiveAsync(flowId, ownerId, active, now, cancellationToken);

    public Task<FlowActivation?> GetActivationAsync(Guid flowId, Guid ownerId, CancellationToken cancellationToken) =>
        Home.GetActivationAsync(flowId, ownerId, cancellationToken);

    public Task<IReadOnlyList<ActiveFlow>> ListActiveFlowsAsync(int limit, CancellationToken cancellationToken) =>
        Home.ListActiveFlowsAsync(limit, cancellationToken);

    public Task<DateTimeOffset?> LastFiringAsync(Guid flowId, string nodeId, CancellationToken cancellationToken) =>
        Home.LastFiringAsync(flowId, nodeId, cancellationToken);

    public Task<bool> TryClaimFiringAsync(TriggerFiring firing, CancellationToken cancellationToken) =>
        Home.TryClaimFiringAsync(firing, cancellationToken);

    public Task SetFiringRunAsync(Guid flowId, string nodeId, DateTimeOffset dueAt, Guid runId, CancellationToken cancellationToken) =>
        Home.SetFiringRunAsync(flowId, nodeId, dueAt, runId, cancellationToken);

    public Task<IReadOnlyList<UnstartedFiring>> ListUnstartedFiringsAsync(DateTimeOffset claimedBefore, int limit, CancellationToken cancellationToken) =>
        Home.ListUnstartedFiringsAsync(claimedBefore, limit, cancellationToken);

    public Task<bool> TryReclaimFiringAsync(UnstartedFiring firing, DateTimeOffset now, CancellationToken cancellationToken) =>
        Home.TryReclaimFiringAsync(firing, now, cancellationToken);

    public Task PassOverFiringAsync(Guid flowId, string nodeId, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
        Home.PassOverFiringAsync(flowId, nodeId, dueAt, cancellationToken);

    public Task<IReadOnlyList<DueSchedule>> ListDueSchedulesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        Home.ListDueSchedulesAsync(now, limit, cancellationToken);

    public Task<IReadOnlyDictionary<string, DateTimeOffset>> LastFiringsAsync(Guid flowId, CancellationToken cancellationToken) =>
        Home.LastFiringsAsync(flowId, cancellationToken);

    public Task<bool> PlanSchedulesAsync(Guid flowId, int version, IReadOnlyList<PlannedSchedule> schedules, CancellationToken cancellationToken) =>
        Home.PlanSchedulesAsync(flowId, version, schedules, cancellationToken);

    public Task AdvanceScheduleAsync(DueSchedule schedule, DateTimeOffset baseline, DateTimeOffset nextDueAt, CancellationToken cancellationToken) =>
        Home.AdvanceScheduleAsync(schedule, baseline, nextDueAt, cancellationToken);

    public Task<IReadOnlyList<WebhookKey>> EnsureWebhookKeysAsync(Guid flowId, IReadOnlyList<NewWebhookKey> candidates, DateTimeOffset now, CancellationToken cancellationToken) =>
        Home.EnsureWebhookKeysAsync(flowId, candidates, now, cancellationToken);

    public Task<IReadOnlyList<WebhookKey>> ListWebhookKeysAsync(Guid flowId, CancellationToken cancellationToken) =>
        Home.ListWebhookKeysAsync(flowId, cancellationToken);

    public Task<WebhookTarget?> FindWebhookAsync(string keyHash, CancellationToken cancellationToken) =>
        Home.FindWebhookAsync(keyHash, cancellationToken);
}
