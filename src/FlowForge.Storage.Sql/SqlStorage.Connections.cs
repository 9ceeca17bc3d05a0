using System.Data.Common;
using FlowForge.Engine.Credentials;
using FlowForge.Engine.Limits;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

public sealed partial class SqlStorage
{
    private const string ConnectionColumns =
        "Id, OwnerId, Name, Kind, Provider, Secret, Status, StatusReason, Scopes, ExpiresAt, CreatedAt, UpdatedAt, Version, RateLimitCapacity, RateLimitPerSecond, Settings";

    private static readonly SqlStatement InsertConnection = new(nameof(InsertConnection), $"""
        INSERT INTO Connections ({ConnectionColumns})
        VALUES (@id, @ownerId, @name, @kind, @provider, @secret, @status, @statusReason, @scopes, @expiresAt, @createdAt, @updatedAt, @version, @rateCapacity, @ratePerSecond, @settings)
        """);

    private static readonly SqlStatement SelectConnection = new(nameof(SelectConnection), $"""
        SELECT {ConnectionColumns} FROM Connections WHERE Id = @id AND OwnerId = @ownerId
        """);

    private static readonly SqlStatement SelectConnectionsOfOwner = new(nameof(SelectConnectionsOfOwner), $"""
        SELECT {ConnectionColumns} FROM Connections WHERE OwnerId = @ownerId ORDER BY Name, Id
        """);

    private static readonly SqlStatement UpdateConnection = new(nameof(UpdateConnection), """
        UPDATE Connections SET Name = @name, Kind = @kind, Provider = @provider, Secret = @secret, Status = @status,
            StatusReason = @statusReason, Scopes = @scopes, ExpiresAt = @expiresAt, UpdatedAt = @updatedAt, Version = @version,
            RateLimitCapacity = @rateCapacity, RateLimitPerSecond = @ratePerSecond, Settings = @settings
        WHERE Id = @id AND OwnerId = @ownerId AND Version = @expectedVersion
        """);

    private static readonly SqlStatement DeleteConnection = new(nameof(DeleteConnection), """
        DELETE FROM Connections WHERE Id = @id AND OwnerId = @ownerId
        """);

    public Task AddConnectionAsync(ConnectionRecord connection, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, c, ct) =>
            await s.ExecuteAsync(BindConnection(s.Command(InsertConnection), c).Bind("@createdAt", UnixMicros.From(c.CreatedAt)), ct),
            connection, cancellationToken);

    public Task<ConnectionRecord?> GetConnectionAsync(Guid ownerId, Guid connectionId, CancellationToken cancellationToken) =>
        _executor.ReadAsync(static async (s, a, ct) =>
        {
            await using var reader = await s.ReaderAsync(s.Command(SelectConnection).Bind("@id", a.ConnectionId).Bind("@ownerId", a.OwnerId), ct);
            return await reader.ReadAsync(ct) ? ReadConnection(reader) : null;
        }, (OwnerId: ownerId, ConnectionId: connectionId), cancellationToken);

    public Task<IReadOnlyList<ConnectionRecord>> ListConnectionsAsync(Guid ownerId, CancellationToken cancellationToken) =>
        _executor.ReadAsync(static async (s, ownerId, ct) =>
        {
            await using var reader = await s.ReaderAsync(s.Command(SelectConnectionsOfOwner).Bind("@ownerId", ownerId), ct);
            var connections = new List<ConnectionRecord>();
            while (await reader.ReadAsync(ct))
            {
                connections.Add(ReadConnection(reader));
            }

            return (IReadOnlyList<ConnectionRecord>)connections;
        }, ownerId, cancellationToken);

    public Task<bool> UpdateConnectionAsync(ConnectionRecord connection, long expectedVersion, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
            await s.ExecuteAsync(BindConnection(s.Command(UpdateConnection), a.Connection).Bind("@expectedVersion", a.ExpectedVersion), ct) == 1,
            (Connection: connection, ExpectedVersion: expectedVersion), cancellationToken);

    public Task<bool> DeleteConnectionAsync(Guid ownerId, Guid connectionId, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
            await s.ExecuteAsync(s.Command(DeleteConnection).Bind("@id", a.ConnectionId).Bind("@ownerId", a.OwnerId), ct) == 1,
            (OwnerId: ownerId, ConnectionId: connectionId), cancellationToken);

    private static DbCommand BindConnection(DbCommand command, ConnectionRecord c) => command
        .Bind("@id", c.Id)
        .Bind("@ownerId", c.OwnerId)
        .Bind("@name", c.Name)
        .Bind("@kind", ConnectionNames.Of(c.Kind))
        .Bind("@provider", c.Provider)
        .Bind("@secret", c.ProtectedSecret)
        .Bind("@status", ConnectionNames.Of(c.Status))
        .Bind("@statusReason", c.StatusReason)
        .Bind("@scopes", PortList.Encode(c.Scopes))
        .Bind("@expiresAt", c.ExpiresAt is { } expires ? UnixMicros.From(expires) : null)
        .Bind("@updatedAt", UnixMicros.From(c.UpdatedAt))
        .Bind("@version", c.Version)
        .Bind("@rateCapacity", c.RateLimit?.Capacity)
        .Bind("@ratePerSecond", c.RateLimit?.TokensPerSecond)
        .Bind("@settings", c.SettingsJson);

    private static ConnectionRecord ReadConnection(DbDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetGuid(1),
        reader.GetString(2),
        ConnectionNames.KindOf(reader.GetString(3)),
        reader.GetNullableString(4),
        (byte[])reader.GetValue(5),
        ConnectionNames.StatusOf(reader.GetString(6)),
        reader.GetNullableString(7),
        PortList.Decode(reader.GetString(8)),
        reader.GetNullableTime(9),
        reader.GetTime(10),
        reader.GetTime(11),
        reader.GetInt64(12))
    {
        RateLimit = reader.IsDBNull(13) || reader.IsDBNull(14)
            ? null
            : new RateLimitPolicy(Convert.ToInt32(reader.GetValue(13), System.Globalization.CultureInfo.InvariantCulture), reader.GetDouble(14)),
        SettingsJson = reader.GetNullableString(15),
    };
}
