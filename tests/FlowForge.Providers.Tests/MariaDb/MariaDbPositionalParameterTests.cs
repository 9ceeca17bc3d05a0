using System.Runtime.CompilerServices;
using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql;
using FlowForge.Storage.Sql.Dialects;
using FlowForge.Storage.Sql.Execution;
using MySqlConnector;

namespace FlowForge.Providers.Tests.MariaDb;

/// <summary>On MySQL a session sends each statement with its parameters by position; callers bind them by name as before.</summary>
[Collection(MariaDbCollection.Name)]
public sealed class MariaDbPositionalParameterTests : IAsyncLifetime
{
    // Empty on the other dialects, so their query-plan checks do not read them.
    private static readonly SqlStatement Repeated = new(
        "PositionalTestRepeated",
        d => d is MySqlDialect ? "SELECT @a AS a, '@b?' AS quoted, @b AS b, @a + @b AS total, @@max_connections > 0 AS server -- @c ?\n" : "");

    private static readonly SqlStatement Several = new(
        "PositionalTestSeveral",
        d => d is MySqlDialect ? "SELECT @b * 10 AS first;\nSELECT CONCAT(@name, \"-@a\", @b) AS second" : "") { Prepares = false };

    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await new MySqlStorageProvider(freshDatabases: true).CreateDatabaseAsync(TimeProvider.System);

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Command_RepeatedNamesQuotesAndComments_SentByPositionWithTheBoundValues(bool prepares)
    {
        using var session = await OpenAsync(prepares);

        for (var a = 1; a <= 3; a++)
        {
            session.Command(Repeated).Bind("@a", a).Bind("@b", 40L);
            await using var reader = await session.ReaderAsync(session.Command(Repeated), CancellationToken.None);
            Assert.True(await reader.ReadAsync());
            Assert.Equal(a, Convert.ToInt64(reader["a"]));
            Assert.Equal("@b?", reader["quoted"]);
            Assert.Equal(40L, Convert.ToInt64(reader["b"]));
            Assert.Equal(a + 40L, Convert.ToInt64(reader["total"]));
            Assert.Equal(1L, Convert.ToInt64(reader["server"]));
        }

        Assert.Equal("SELECT ? AS a, '@b?' AS quoted, ? AS b, ? + ? AS total, @@max_connections > 0 AS server -- @c ?\n", session.SentText(Repeated));
    }

    [Fact]
    public async Task Command_SeveralStatementsInOneText_EachReadsItsValues()
    {
        using var session = await OpenAsync(prepares: false);
        var command = session.Command(Several).Bind("@b", 7).Bind("@name", "it's @b");

        await using var reader = await session.ReaderAsync(command, CancellationToken.None);
        Assert.True(await reader.ReadAsync());
        Assert.Equal(70L, Convert.ToInt64(reader["first"]));
        Assert.True(await reader.NextResultAsync());
        Assert.True(await reader.ReadAsync());
        Assert.Equal("it's @b-@a7", reader["second"]);
        Assert.DoesNotContain("@", session.SentText(Several).Replace("\"-@a\"", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_BoundByPosition_SendsTheValueToEveryOccurrence()
    {
        using var session = await OpenAsync(prepares: false);
        var command = session.Command(Repeated);
        command.Parameters[0].Value = 5;
        command.Parameters[1].Value = 6;

        await using var reader = await session.ReaderAsync(command, CancellationToken.None);
        Assert.True(await reader.ReadAsync());
        Assert.Equal(11L, Convert.ToInt64(reader["total"]));
        Assert.Throws<ArgumentException>(() => command.Bind("@missing", 1));
    }

    [Fact]
    public void EveryStatementOfTheStore_IsSentByPositionOnMySql()
    {
        RuntimeHelpers.RunClassConstructor(typeof(SqlStorage).TypeHandle);
        using var connection = new MySqlConnection();
        var names = new List<string>();
        var unwritten = new List<string>();
        foreach (var statement in SqlStatement.All)
        {
            var text = statement.TextFor(MySqlDialect.Instance);
            if (text.Length == 0)
            {
                continue;
            }

            // What the session makes of the text: null where it would send it by name.
            using var command = PositionalCommand.Create(connection, text, SqlSession.ParameterNames(text));
            if (command is null)
            {
                unwritten.Add(statement.Name);
                continue;
            }

            // One ? for each name the text holds outside quotes and comments.
            Assert.NotNull(PositionalText.Rewrite(text, names));
            Assert.Equal(names.Count, command.Sent.Parameters.Count);
            Assert.Equal(text.Count(static c => c == '@') - command.Sent.CommandText.Count(static c => c == '@'), names.Count);
        }

        Assert.Empty(unwritten);
    }

    private async Task<SqlSession> OpenAsync(bool prepares)
    {
        var connection = new MySqlConnection(_database.Options.ConnectionString + ";GuidFormat=Binary16");
        await connection.OpenAsync();
        return new SqlSession(connection, MySqlDialect.Instance, prepares);
    }
}

public sealed class PositionalTextTests
{
    [Theory]
    [InlineData("SELECT @a, @b, @a", "SELECT ?, ?, ?", "@a,@b,@a")]
    [InlineData("SELECT '@a', \"@b\", `@c`, @d", "SELECT '@a', \"@b\", `@c`, ?", "@d")]
    [InlineData("SELECT 'it''s @a', 'x\\'@b', @c", "SELECT 'it''s @a', 'x\\'@b', ?", "@c")]
    [InlineData("SELECT /* @a ? */ @b # @c ?\n, @d -- @e ?\n", "SELECT /* @a ? */ ? # @c ?\n, ? -- @e ?\n", "@b,@d")]
    [InlineData("SELECT @@max_connections, @x_1", "SELECT @@max_connections, ?", "@x_1")]
    [InlineData("SELECT 1--@a\n", "SELECT 1--?\n", "@a")]
    public void Rewrite_NamesOutsideQuotesAndComments_BecomePositional(string sql, string expected, string names)
    {
        var found = new List<string>();

        Assert.Equal(expected, PositionalText.Rewrite(sql, found));
        Assert.Equal(names.Split(','), found);
    }

    [Theory]
    [InlineData("SELECT ?")]
    [InlineData("SELECT a@b")]
    [InlineData("SELECT @a.b")]
    [InlineData("SELECT @`a`")]
    [InlineData("SELECT @1")]
    [InlineData("SELECT @")]
    [InlineData("SELECT 'open @a")]
    [InlineData("SELECT /* open @a")]
    public void Rewrite_TextItCannotRewriteSafely_IsNull(string sql) => Assert.Null(PositionalText.Rewrite(sql, []));
}
