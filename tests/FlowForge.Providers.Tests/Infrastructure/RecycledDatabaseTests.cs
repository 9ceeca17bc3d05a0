using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql;

namespace FlowForge.Providers.Tests.Infrastructure;

/// <summary>
/// What <see cref="ServerStorageProvider"/> hands the next test: a database whose test ended with a fresh migration's
/// schema is kept and emptied; one whose schema a test changed is dropped.
/// </summary>
public abstract class RecycledDatabaseTests(ServerStorageProvider provider)
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Dispose_SchemaUnchanged_KeepsTheDatabaseWithoutItsRows()
    {
        var database = await provider.CreateDatabaseAsync(TimeProvider.System);
        var options = database.Options;
        Assert.True(await database.Store.TryCreateAsync(new UserRecord(Guid.NewGuid(), "ada@example.com", "hash", T0), CancellationToken.None));

        await database.DisposeAsync();

        // Still there, still migrated, and without the user.
        await using var store = SqlStorage.Create(options, TimeProvider.System);
        Assert.True(await store.IsReadyAsync(CancellationToken.None));
        Assert.Null(await store.FindByEmailAsync("ada@example.com", CancellationToken.None));
    }

    [Fact]
    public async Task Dispose_SchemaChanged_DropsTheDatabase()
    {
        var database = await provider.CreateDatabaseAsync(TimeProvider.System);
        var options = database.Options;
        await database.Storage.Executor.ReadAsync(static async (s, _, ct) =>
        {
            await using var command = s.Connection.CreateCommand();
            command.CommandText = "CREATE TABLE RecycleProbe (Id INT NOT NULL PRIMARY KEY)";
            return await command.ExecuteNonQueryAsync(ct);
        }, 0, CancellationToken.None);

        await database.DisposeAsync();

        await using var store = SqlStorage.Create(options, TimeProvider.System);
        Assert.False(await store.IsReadyAsync(CancellationToken.None));
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresRecycledDatabaseTests() : RecycledDatabaseTests(new PostgresStorageProvider());

[Collection(MariaDbCollection.Name)]
public sealed class MariaDbRecycledDatabaseTests() : RecycledDatabaseTests(new MySqlStorageProvider());
