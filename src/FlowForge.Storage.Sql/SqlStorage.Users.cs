using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

public sealed partial class SqlStorage
{
    private static readonly SqlStatement InsertUser = new(nameof(InsertUser), d => d.InsertOrIgnore(
        "Users", "Id, Email, PasswordHash, CreatedAt", "@id, @email, @passwordHash, @createdAt"));

    // IsOwner is 1 for the owner and NULL for every other account: its unique index lets only one insert of an owner succeed.
    private static readonly SqlStatement InsertOwner = new(nameof(InsertOwner), d => d.InsertOrIgnore(
        "Users", "Id, Email, PasswordHash, CreatedAt, IsOwner", "@id, @email, @passwordHash, @createdAt, 1"));

    private static readonly SqlStatement SelectAnyUser = new(nameof(SelectAnyUser), """
        SELECT 1 FROM Users LIMIT 1
        """);

    private static readonly SqlStatement SelectUserByEmail = new(nameof(SelectUserByEmail), """
        SELECT Id, Email, PasswordHash, CreatedAt, IsOwner FROM Users WHERE Email = @email
        """);

    private static readonly SqlStatement SelectUserById = new(nameof(SelectUserById), """
        SELECT Id, Email, PasswordHash, CreatedAt, IsOwner FROM Users WHERE Id = @id
        """);

    private static readonly SqlStatement UpdateUserPasswordHash = new(nameof(UpdateUserPasswordHash), """
        UPDATE Users SET PasswordHash = @passwordHash WHERE Id = @id
        """);

    private static readonly SqlStatement InsertSetting = new(nameof(InsertSetting), d => d.InsertOrIgnore(
        "Settings", "Name, Value", "@name, @value"));

    private static readonly SqlStatement SelectSetting = new(nameof(SelectSetting), """
        SELECT Value FROM Settings WHERE Name = @name
        """);

    public Task<bool> TryCreateAsync(UserRecord user, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, u, ct) =>
        {
            var command = s.Command(InsertUser)
                .Bind("@id", u.Id)
                .Bind("@email", NormalizeEmail(u.Email))
                .Bind("@passwordHash", u.PasswordHash)
                .Bind("@createdAt", UnixMicros.From(u.CreatedAt));
            return await s.ExecuteAsync(command, ct) == 1;
        }, user, cancellationToken);

    public Task<bool> TryCreateOwnerAsync(UserRecord user, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, u, ct) =>
        {
            if (await s.ScalarAsync(s.Command(SelectAnyUser), ct) is not (null or DBNull))
            {
                return false;
            }

            var command = s.Command(InsertOwner)
                .Bind("@id", u.Id)
                .Bind("@email", NormalizeEmail(u.Email))
                .Bind("@passwordHash", u.PasswordHash)
                .Bind("@createdAt", UnixMicros.From(u.CreatedAt));
            return await s.ExecuteAsync(command, ct) == 1;
        }, user, cancellationToken);

    public Task<bool> AnyUserAsync(CancellationToken cancellationToken) =>
        _executor.ReadAsync(static async (s, _, ct) => await s.ScalarAsync(s.Command(SelectAnyUser), ct) is not (null or DBNull), 0, cancellationToken);

    public Task<UserRecord?> FindByEmailAsync(string email, CancellationToken cancellationToken) =>
        _executor.ReadAsync(static async (s, email, ct) =>
        {
            await using var reader = await s.ReaderAsync(s.Command(SelectUserByEmail).Bind("@email", email), ct);
            return await reader.ReadAsync(ct) ? ReadUser(reader) : null;
        }, NormalizeEmail(email), cancellationToken);

    public Task<UserRecord?> FindByIdAsync(Guid userId, CancellationToken cancellationToken) =>
        _executor.ReadAsync(static async (s, id, ct) =>
        {
            await using var reader = await s.ReaderAsync(s.Command(SelectUserById).Bind("@id", id), ct);
            return await reader.ReadAsync(ct) ? ReadUser(reader) : null;
        }, userId, cancellationToken);

    public Task UpdatePasswordHashAsync(Guid userId, string passwordHash, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
            await s.ExecuteAsync(s.Command(UpdateUserPasswordHash).Bind("@id", a.UserId).Bind("@passwordHash", a.PasswordHash), ct),
            (UserId: userId, PasswordHash: passwordHash), cancellationToken);

    public Task<string> GetOrAddSettingAsync(string key, string valueIfMissing, CancellationToken cancellationToken) =>
        _executor.WriteAsync(static async (s, a, ct) =>
        {
            await s.ExecuteAsync(s.Command(InsertSetting).Bind("@name", a.Key).Bind("@value", a.Value), ct);
            return (string)(await s.ScalarAsync(s.Command(SelectSetting).Bind("@name", a.Key), ct))!;
        }, (Key: key, Value: valueIfMissing), cancellationToken);

    private static UserRecord ReadUser(System.Data.Common.DbDataReader reader) =>
        new(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetTime(3), !reader.IsDBNull(4));

    // Emails compare case-insensitively; storing them lower-cased lets a plain unique index enforce that.
    private static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();
}
