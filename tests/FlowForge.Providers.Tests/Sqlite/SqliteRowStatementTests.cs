using FlowForge.Storage.Sql.Sqlite;
using Microsoft.Data.Sqlite;

namespace FlowForge.Providers.Tests.Sqlite;

public sealed class SqliteRowStatementTests : IDisposable
{
    private readonly string _file = Path.Combine(SqliteStorageProviderFolder(), $"{Guid.NewGuid():N}.db");
    private readonly SqliteConnection _connection;

    public SqliteRowStatementTests()
    {
        _connection = new SqliteConnection($"Data Source={_file};Pooling=False");
        _connection.Open();
        using var create = _connection.CreateCommand();
        create.CommandText = "CREATE TABLE T (Way TEXT, Id TEXT, Name TEXT, Count INTEGER, Big INTEGER, Missing TEXT, Empty TEXT, Maybe INTEGER)";
        create.ExecuteNonQuery();
    }

    public static TheoryData<string?> Texts => new() { "plain", string.Empty, null, "ünïcødé ✓ 𝄞", new string('x', 5000) };

    [Theory]
    [MemberData(nameof(Texts))]
    public void Execute_EveryKindOfValue_StoresWhatMicrosoftDataSqliteStores(string? text)
    {
        var id = Guid.NewGuid();
        long? maybe = text is null ? null : 7;
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = "INSERT INTO T VALUES ('command', @id, @name, @count, @big, @missing, @empty, @maybe)";
            command.Parameters.AddWithValue("@id", id);
            command.Parameters.AddWithValue("@name", (object?)text ?? DBNull.Value);
            command.Parameters.AddWithValue("@count", 42);
            command.Parameters.AddWithValue("@big", long.MinValue);
            command.Parameters.AddWithValue("@missing", DBNull.Value);
            command.Parameters.AddWithValue("@empty", string.Empty);
            command.Parameters.AddWithValue("@maybe", (object?)maybe ?? DBNull.Value);
            command.ExecuteNonQuery();
        }

        using (var statement = new SqliteRowStatement(_connection, "INSERT INTO T VALUES ('position', @id, @name, @count, @big, @missing, @empty, @maybe)"))
        {
            statement.Bind(1, id);
            statement.Bind(2, text);
            statement.Bind(3, 42);
            statement.Bind(4, long.MinValue);
            statement.Bind(5, (string?)null);
            statement.Bind(6, string.Empty);
            statement.Bind(7, maybe);
            Assert.Equal(1, statement.Execute());
        }

        Assert.Equal(Row("command"), Row("position"));
        Assert.Equal(id.ToString().ToUpperInvariant(), Scalar("SELECT Id FROM T WHERE Way = 'position'"));
    }

    [Fact]
    public void Execute_RowsOfManyValues_AllocatesNothing()
    {
        const int rows = 20;
        var text = "INSERT INTO T (Way, Id, Name, Count, Big) VALUES " + string.Join(", ", Enumerable.Range(0, rows).Select(static i => $"(@way, @id{i}, @name{i}, @count{i}, @big{i})"));
        using var statement = new SqliteRowStatement(_connection, text);
        var ids = Enumerable.Range(0, rows).Select(static _ => Guid.NewGuid()).ToArray();
        var names = Enumerable.Range(0, rows).Select(static i => $"node {i}").ToArray();
        var changed = 0;
        void Write()
        {
            statement.Bind(1, "position");
            for (var r = 0; r < rows; r++)
            {
                var p = 2 + (r * 4);
                statement.Bind(p, ids[r]);
                statement.Bind(p + 1, names[r]);
                statement.Bind(p + 2, r);
                statement.Bind(p + 3, (long?)null);
            }

            changed += statement.Execute();
        }

        // Warmed up past the runtime's tiering, whose recompilations allocate on the thread that calls.
        for (var i = 0; i < 100; i++)
        {
            Write();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++)
        {
            Write();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(rows * 110, changed);
        Assert.Equal((long)rows * 110, Convert.ToInt64(Scalar("SELECT count(*) FROM T WHERE Way = 'position'"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Execute_ConstraintBroken_ThrowsTheDriversExceptionAndTheStatementRunsAgain()
    {
        using (var unique = _connection.CreateCommand())
        {
            unique.CommandText = "CREATE UNIQUE INDEX TId ON T (Id)";
            unique.ExecuteNonQuery();
        }

        using var statement = new SqliteRowStatement(_connection, "INSERT INTO T (Way, Id) VALUES ('position', @id)");
        statement.Bind(1, "same");
        statement.Execute();

        var error = Assert.Throws<SqliteException>(() => statement.Execute());

        Assert.Equal(19, error.SqliteErrorCode);
        statement.Bind(1, "other");
        Assert.Equal(1, statement.Execute());
    }

    public void Dispose()
    {
        _connection.Dispose();
        SqliteConnection.ClearAllPools();
        foreach (var path in new[] { _file, _file + "-wal", _file + "-shm", _file + "-journal" })
        {
            File.Delete(path);
        }
    }

    private static string SqliteStorageProviderFolder()
    {
        Directory.CreateDirectory(Infrastructure.SqliteStorageProvider.TempDirectory);
        return Infrastructure.SqliteStorageProvider.TempDirectory;
    }

    private string Row(string way) => Scalar(
        $"SELECT Id || '|' || typeof(Id) || '|' || quote(Name) || '|' || typeof(Name) || '|' || Count || typeof(Count) || '|' || Big || typeof(Big) || '|' || typeof(Missing) || '|' || quote(Empty) || typeof(Empty) || '|' || quote(Maybe) || typeof(Maybe) FROM T WHERE Way = '{way}'")!;

    private string? Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
