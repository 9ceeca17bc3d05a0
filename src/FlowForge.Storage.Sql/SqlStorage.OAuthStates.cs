using System.Data.Common;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

public sealed partial class SqlStorage
{
    private const string OAuthStateColumns = "StateHash, UserId, Provider, BindingHash, RedirectUri, ConnectionId, ProtectedData, CreatedAt, ExpiresAt";

    private static readonly SqlStatement InsertOAuthState = new(nameof(InsertOAuthState), $"""
        INSERT INTO OAuthStates ({OAuthStateColumns})
        VALUES (@stateHash, @userId, @provider, @bindingHash, @redirectUri, @connectionId, @protectedData, @createdAt, @expiresAt)
        """);

    private static readonly SqlStatement SelectOAuthState = new(nameof(SelectOAuthState), $"""
        SELECT {OAuthStateColumns} FROM OAuthStates WHERE StateHash = @stateHash
        """);

    private static readonly SqlStatement DeleteOAuthState = new(nameof(DeleteOAuthState), """
        DELETE FROM OAuthStates WHERE StateHash = @stateHash
        """);

    private static readonly SqlStatement DeleteExpiredOAuthStates = new(nameof(DeleteExpiredOAuthStates), """
        DELETE FROM OAuthStates WHERE ExpiresAt < @before
        """);

    public Task AddOAuthStateAsync(OAuthStateRecord state, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, state, ct) =>
        {
            var command = s.Command(InsertOAuthState)
                .Bind("@stateHash", state.StateHash)
                .Bind("@userId", state.UserId)
                .Bind("@provider", state.Provider)
                .Bind("@bindingHash", state.BindingHash)
                .Bind("@redirectUri", state.RedirectUri)
                .Bind("@connectionId", state.ConnectionId)
                .Bind("@protectedData", state.ProtectedData)
                .Bind("@createdAt", UnixMicros.From(state.CreatedAt))
                .Bind("@expiresAt", UnixMicros.From(state.ExpiresAt));
            return await s.ExecuteAsync(command, ct);
        }, state, cancellationToken);

    public Task<OAuthStateRecord?> TakeOAuthStateAsync(string stateHash, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, hash, ct) =>
        {
            OAuthStateRecord? state;
            await using (var reader = await s.ReaderAsync(s.Command(SelectOAuthState).Bind("@stateHash", hash), ct))
            {
                state = await reader.ReadAsync(ct) ? ReadOAuthState(reader) : null;
            }

            // Two requests racing with one state: only the one whose delete removed the row may use it.
            return state is not null && await s.ExecuteAsync(s.Command(DeleteOAuthState).Bind("@stateHash", hash), ct) == 1 ? state : null;
        }, stateHash, cancellationToken);

    public Task<int> PurgeExpiredOAuthStatesAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, before, ct) =>
            await s.ExecuteAsync(s.Command(DeleteExpiredOAuthStates).Bind("@before", UnixMicros.From(before)), ct),
            before, cancellationToken);

    private static OAuthStateRecord ReadOAuthState(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetGuid(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.IsDBNull(5) ? null : reader.GetGuid(5),
        (byte[])reader.GetValue(6),
        reader.GetTime(7),
        reader.GetTime(8));
}
