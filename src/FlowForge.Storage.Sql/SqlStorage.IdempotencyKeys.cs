using FlowForge.Storage.Sql.Execution;

namespace FlowForge.Storage.Sql;

public sealed partial class SqlStorage
{
    private static readonly SqlStatement InsertIdempotencyKey = new(nameof(InsertIdempotencyKey), d => d.InsertOrIgnore(
        "IdempotencyKeys", "OwnerId, FlowId, IdempotencyKey, RunId", "@ownerId, @flowId, @idempotencyKey, @runId"));

    private static readonly SqlStatement SelectIdempotencyKey = new(nameof(SelectIdempotencyKey), """
        SELECT RunId FROM IdempotencyKeys WHERE OwnerId = @ownerId AND FlowId = @flowId AND IdempotencyKey = @idempotencyKey
        """);

    /// <summary>
    /// Records <paramref name="runId"/> for the key unless another run id has it already; returns the run id the
    /// key belongs to (first writer wins). Used on shard 0 of a <see cref="ShardedSqlStorage"/>.
    /// </summary>
    internal Task<Guid> ClaimIdempotencyKeyAsync(Guid ownerId, Guid flowId, string idempotencyKey, Guid runId, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
        {
            var insert = s.Command(InsertIdempotencyKey)
                .Bind("@ownerId", a.OwnerId)
                .Bind("@flowId", a.FlowId)
                .Bind("@idempotencyKey", a.Key)
                .Bind("@runId", a.RunId);
            if (await s.ExecuteAsync(insert, ct) == 1)
            {
                return a.RunId;
            }

            var select = s.Command(SelectIdempotencyKey).Bind("@ownerId", a.OwnerId).Bind("@flowId", a.FlowId).Bind("@idempotencyKey", a.Key);
            await using var reader = await s.ReaderAsync(select, ct);
            await reader.ReadAsync(ct);
            return reader.GetGuid(0);
        }, (OwnerId: ownerId, FlowId: flowId, Key: idempotencyKey, RunId: runId), cancellationToken);
}
