using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

public sealed partial class SqlStorage
{
    private static readonly SqlStatement SelectUnstartedFirings = new(nameof(SelectUnstartedFirings), """
        SELECT t.FlowId, f.OwnerId, t.NodeId, t.DueAt, t.ClaimedAt, t.Missed
        FROM TriggerFirings t JOIN Flows f ON f.Id = t.FlowId
        WHERE t.RunId IS NULL AND t.PassedOver = 0 AND t.ClaimedAt < @claimedBefore AND f.Active = 1 AND f.DeletedAt IS NULL
        ORDER BY t.ClaimedAt
        LIMIT @limit
        """);

    // Only the process whose update still sees the claim it read takes the firing over.
    private static readonly SqlStatement ReclaimFiring = new(nameof(ReclaimFiring), """
        UPDATE TriggerFirings SET ClaimedAt = @now
        WHERE FlowId = @flowId AND NodeId = @nodeId AND DueAt = @dueAt AND ClaimedAt = @claimedAt AND RunId IS NULL AND PassedOver = 0
        """);

    private static readonly SqlStatement PassOverFiring = new(nameof(PassOverFiring), """
        UPDATE TriggerFirings SET PassedOver = 1 WHERE FlowId = @flowId AND NodeId = @nodeId AND DueAt = @dueAt AND RunId IS NULL
        """);

    public Task<IReadOnlyList<UnstartedFiring>> ListUnstartedFiringsAsync(DateTimeOffset claimedBefore, int limit, CancellationToken cancellationToken) =>
        _executor.ReadAsync(static async (s, a, ct) =>
        {
            var firings = new List<UnstartedFiring>();
            var select = s.Command(SelectUnstartedFirings).Bind("@claimedBefore", UnixMicros.From(a.ClaimedBefore)).Bind("@limit", a.Limit);
            await using var reader = await s.ReaderAsync(select, ct);
            while (await reader.ReadAsync(ct))
            {
                firings.Add(new UnstartedFiring(
                    reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetTime(3), reader.GetTime(4),
                    Convert.ToInt64(reader.GetValue(5), System.Globalization.CultureInfo.InvariantCulture) != 0));
            }

            return (IReadOnlyList<UnstartedFiring>)firings;
        }, (ClaimedBefore: claimedBefore, Limit: limit), cancellationToken);

    public Task<bool> TryReclaimFiringAsync(UnstartedFiring firing, DateTimeOffset now, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
        {
            var update = s.Command(ReclaimFiring)
                .Bind("@now", UnixMicros.From(a.Now))
                .Bind("@flowId", a.Firing.FlowId)
                .Bind("@nodeId", a.Firing.NodeId)
                .Bind("@dueAt", UnixMicros.From(a.Firing.DueAt))
                .Bind("@claimedAt", UnixMicros.From(a.Firing.ClaimedAt));
            return await s.ExecuteAsync(update, ct) == 1;
        }, (Firing: firing, Now: now), cancellationToken);

    public Task PassOverFiringAsync(Guid flowId, string nodeId, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
        {
            var update = s.Command(PassOverFiring)
                .Bind("@flowId", a.FlowId)
                .Bind("@nodeId", a.NodeId)
                .Bind("@dueAt", UnixMicros.From(a.DueAt));
            return await s.ExecuteAsync(update, ct);
        }, (FlowId: flowId, NodeId: nodeId, DueAt: dueAt), cancellationToken);
}
