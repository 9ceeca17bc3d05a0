using System.Runtime.CompilerServices;
using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql;
using FlowForge.Storage.Sql.Blobs;
using FlowForge.Storage.Sql.Dialects;
using FlowForge.Storage.Sql.Execution;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace FlowForge.Providers.Tests.Sqlite;

/// <summary>Every statement the store runs must find its rows through an index, never by walking a whole table.</summary>
public sealed class SqliteQueryPlanTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await new SqliteStorageProvider().CreateDatabaseAsync(TimeProvider.System);

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public void EveryStatement_UsesAnIndexForEachTable()
    {
        RuntimeHelpers.RunClassConstructor(typeof(SqlStorage).TypeHandle);
        using var connection = new SqliteConnection(_database.Options.ConnectionString);
        connection.Open();

        var offenders = new List<string>();
        // The Blobs table is the server dialects' blob store; SQLite keeps blobs in files.
        foreach (var (statement, sql) in SqlStatement.All.Except(SqlBlobStore.Statements).SelectMany(static s => s.StatementsFor(SqliteDialect.Instance).Select(sql => (s, sql))))
        {
            var plan = Explain(connection, sql);
            output.WriteLine($"{statement.Name}:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", plan)}");

            // A subquery's own rows ("CO-ROUTINE x", then "SCAN x") are bounded by its plan, which is checked on its own line.
            var subqueries = plan.Where(step => step.StartsWith("CO-ROUTINE ", StringComparison.Ordinal)).Select(step => "SCAN " + step["CO-ROUTINE ".Length..]).ToHashSet();
            offenders.AddRange(plan.Where(step => IsTableScan(step) && !subqueries.Contains(step)).Select(step => $"{statement.Name}: {step}"));
        }

        Assert.Empty(offenders);
    }

    [Fact]
    public void ChildRunsPage_ReadsTheParentsIndexInTheListingsOrder_WithoutSortingTheChildren()
    {
        RuntimeHelpers.RunClassConstructor(typeof(SqlStorage).TypeHandle);
        var sql = Assert.Single(SqlStatement.All.Single(static s => s.Name == "ListChildrenOfRun").StatementsFor(SqliteDialect.Instance));
        using var connection = new SqliteConnection(_database.Options.ConnectionString);
        connection.Open();

        var plan = Explain(connection, sql);
        output.WriteLine(string.Join(Environment.NewLine, plan));

        // A page is a range of the index in the listing's order; before it, every child of the run went through a temporary
        // B-tree for the ORDER BY.
        Assert.Contains(plan, static step => step.StartsWith("SEARCH Runs USING INDEX IX_Runs_Parent_Created (ParentRunId=?", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, static step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    // "SCAN t" walks a table; "SCAN t USING INDEX" walks a (partial) index, "SEARCH" seeks. The outbox
    // is read in rowid order with a LIMIT, json_each is the id list of one acknowledgement, and "SCAN n-ROW VALUES
    // CLAUSE" is the rows of a multi-row INSERT.
    private static bool IsTableScan(string step) =>
        step.StartsWith("SCAN ", StringComparison.Ordinal)
        && !step.Contains("USING INDEX", StringComparison.Ordinal)
        && !step.Contains("USING COVERING INDEX", StringComparison.Ordinal)
        && !step.StartsWith("SCAN Outbox", StringComparison.Ordinal)
        && !step.Contains("json_each", StringComparison.Ordinal)
        && !step.EndsWith("-ROW VALUES CLAUSE", StringComparison.Ordinal);

    private static List<string> Explain(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var name in SqlSession.ParameterNames(sql))
        {
            command.Parameters.AddWithValue(name, DBNull.Value);
        }

        var steps = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            steps.Add(reader.GetString(3));
        }

        return steps;
    }
}
