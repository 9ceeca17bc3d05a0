using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

public sealed partial class SqlStorage
{
    private static readonly SqlStatement ActivateFlow = new(nameof(ActivateFlow), """
        UPDATE Flows SET Active = 1, ActivatedAt = @now
        WHERE Id = @id AND OwnerId = @ownerId AND DeletedAt IS NULL AND Active = 0
        """);

    private static readonly SqlStatement DeactivateFlow = new(nameof(DeactivateFlow), """
        UPDATE Flows SET Active = 0 WHERE Id = @id AND OwnerId = @ownerId AND DeletedAt IS NULL
        """);

    private static readonly SqlStatement SelectActivation = new(nameof(SelectActivation), """
        SELECT Active, ActivatedAt FROM Flows WHERE Id = @id AND OwnerId = @ownerId AND DeletedAt IS NULL
        """);

    private static readonly SqlStatement ListActiveFlowsStatement = new(nameof(ListActiveFlowsStatement), """
        SELECT f.Id, f.OwnerId, f.CurrentVersion, v.Json, f.ActivatedAt
        FROM Flows f JOIN FlowVersions v ON v.FlowId = f.Id AND v.Version = f.CurrentVersion
        WHERE f.Active = 1 AND f.DeletedAt IS NULL
        LIMIT @limit
        """);

    private static readonly SqlStatement SelectLastFiring = new(nameof(SelectLastFiring), """
        SELECT MAX(DueAt) FROM TriggerFirings WHERE FlowId = @flowId AND NodeId = @nodeId
        """);

    private static readonly SqlStatement InsertFiring = new(nameof(InsertFiring), d => d.InsertOrIgnore(
        "TriggerFirings", "FlowId, NodeId, DueAt, RunId, ClaimedAt, PassedOver, Missed", "@flowId, @nodeId, @dueAt, NULL, @claimedAt, @passedOver, @missed"));

    private static readonly SqlStatement UpdateFiringRun = new(nameof(UpdateFiringRun), """
        UPDATE TriggerFirings SET RunId = @runId WHERE FlowId = @flowId AND NodeId = @nodeId AND DueAt = @dueAt
        """);

    private static readonly SqlStatement InsertWebhookKey = new(nameof(InsertWebhookKey), d => d.InsertOrIgnore(
        "WebhookKeys", "FlowId, NodeId, KeyHash, UrlKey, CreatedAt", "@flowId, @nodeId, @keyHash, @key, @now"));

    private static readonly SqlStatement SelectWebhookKeys = new(nameof(SelectWebhookKeys), """
        SELECT NodeId, UrlKey FROM WebhookKeys WHERE FlowId = @flowId ORDER BY NodeId
        """);

    private static readonly SqlStatement SelectWebhookTarget = new(nameof(SelectWebhookTarget), """
        SELECT k.FlowId, f.OwnerId, k.NodeId
        FROM WebhookKeys k JOIN Flows f ON f.Id = k.FlowId
        WHERE k.KeyHash = @keyHash AND f.Active = 1 AND f.DeletedAt IS NULL
        """);

    public Task<FlowActivation?> SetActiveAsync(Guid flowId, Guid ownerId, bool active, DateTimeOffset now, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
        {
            // Activating an active flow keeps its activation time, so due times since then stay owed.
            var change = s.Command(a.Active ? ActivateFlow : DeactivateFlow).Bind("@id", a.Id).Bind("@ownerId", a.OwnerId);
            if (a.Active)
            {
                change.Bind("@now", UnixMicros.From(a.Now));
            }

            if (await s.ExecuteAsync(change, ct) > 0)
            {
                await ResetSchedulesAsync(s, a.Id, ct);
            }

            return await ReadActivationAsync(s, a.Id, a.OwnerId, ct);
        }, (Id: flowId, OwnerId: ownerId, Active: active, Now: now), cancellationToken);

    public Task<FlowActivation?> GetActivationAsync(Guid flowId, Guid ownerId, CancellationToken cancellationToken) =>
        _executor.ReadAsync(static (s, a, ct) => new ValueTask<FlowActivation?>(ReadActivationAsync(s, a.Id, a.OwnerId, ct)), (Id: flowId, OwnerId: ownerId), cancellationToken);

    public Task<IReadOnlyList<ActiveFlow>> ListActiveFlowsAsync(int limit, CancellationToken cancellationToken) =>
        _executor.ReadAsync(static async (s, a, ct) =>
        {
            var flows = new List<ActiveFlow>();
            await using var reader = await s.ReaderAsync(s.Command(ListActiveFlowsStatement).Bind("@limit", a), ct);
            while (await reader.ReadAsync(ct))
            {
                flows.Add(new ActiveFlow(reader.GetGuid(0), reader.GetGuid(1), reader.GetInt32(2), reader.GetString(3), reader.GetTime(4)));
            }

            return (IReadOnlyList<ActiveFlow>)flows;
        }, limit, cancellationToken);

    public Task<DateTimeOffset?> LastFiringAsync(Guid flowId, string nodeId, CancellationToken cancellationToken) =>
        _executor.ReadAsync(static async (s, a, ct) =>
        {
            var value = await s.ScalarAsync(s.Command(SelectLastFiring).Bind("@flowId", a.FlowId).Bind("@nodeId", a.NodeId), ct);
            return value is null or DBNull ? (DateTimeOffset?)null : UnixMicros.ToTime(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
        }, (FlowId: flowId, NodeId: nodeId), cancellationToken);

    public Task<bool> TryClaimFiringAsync(TriggerFiring firing, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
        {
            var insert = s.Command(InsertFiring)
                .Bind("@flowId", a.FlowId)
                .Bind("@nodeId", a.NodeId)
                .Bind("@dueAt", UnixMicros.From(a.DueAt))
                .Bind("@claimedAt", UnixMicros.From(a.ClaimedAt))
                .Bind("@passedOver", a.PassedOver ? 1 : 0)
                .Bind("@missed", a.Missed ? 1 : 0);
            return await s.ExecuteAsync(insert, ct) == 1;
        }, firing, cancellationToken);

    public Task SetFiringRunAsync(Guid flowId, string nodeId, DateTimeOffset dueAt, Guid runId, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
        {
            var update = s.Command(UpdateFiringRun)
                .Bind("@flowId", a.FlowId)
                .Bind("@nodeId", a.NodeId)
                .Bind("@dueAt", UnixMicros.From(a.DueAt))
                .Bind("@runId", a.RunId);
            return await s.ExecuteAsync(update, ct);
        }, (FlowId: flowId, NodeId: nodeId, DueAt: dueAt, RunId: runId), cancellationToken);

    public Task<IReadOnlyList<WebhookKey>> EnsureWebhookKeysAsync(Guid flowId, IReadOnlyList<NewWebhookKey> candidates, DateTimeOffset now, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
        {
            foreach (var candidate in a.Candidates)
            {
                var insert = s.Command(InsertWebhookKey)
                    .Bind("@flowId", a.FlowId)
                    .Bind("@nodeId", candidate.NodeId)
                    .Bind("@keyHash", candidate.KeyHash)
                    .Bind("@key", candidate.Key)
                    .Bind("@now", UnixMicros.From(a.Now));
                await s.ExecuteAsync(insert, ct);
            }

            return await ReadWebhookKeysAsync(s, a.FlowId, ct);
        }, (FlowId: flowId, Candidates: candidates, Now: now), cancellationToken);

    public Task<IReadOnlyList<WebhookKey>> ListWebhookKeysAsync(Guid flowId, CancellationToken cancellationToken) =>
        _executor.ReadAsync(static (s, a, ct) => new ValueTask<IReadOnlyList<WebhookKey>>(ReadWebhookKeysAsync(s, a, ct)), flowId, cancellationToken);

    public Task<WebhookTarget?> FindWebhookAsync(string keyHash, CancellationToken cancellationToken) =>
        _executor.ReadAsync(static async (s, a, ct) =>
        {
            await using var reader = await s.ReaderAsync(s.Command(SelectWebhookTarget).Bind("@keyHash", a), ct);
            return await reader.ReadAsync(ct) ? new WebhookTarget(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2)) : null;
        }, keyHash, cancellationToken);

    private static async Task<FlowActivation?> ReadActivationAsync(SqlSession s, Guid id, Guid ownerId, CancellationToken ct)
    {
        await using var reader = await s.ReaderAsync(s.Command(SelectActivation).Bind("@id", id).Bind("@ownerId", ownerId), ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new FlowActivation(id, Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) != 0, reader.GetNullableTime(1));
    }

    private static async Task<IReadOnlyList<WebhookKey>> ReadWebhookKeysAsync(SqlSession s, Guid flowId, CancellationToken ct)
    {
        var keys = new List<WebhookKey>();
        await using var reader = await s.ReaderAsync(s.Command(SelectWebhookKeys).Bind("@flowId", flowId), ct);
        while (await reader.ReadAsync(ct))
        {
            keys.Add(new WebhookKey(flowId, reader.GetString(0), reader.GetString(1)));
        }

        return keys;
    }
}
