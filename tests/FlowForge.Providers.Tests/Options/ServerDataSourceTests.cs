using FlowForge.Storage.Sql.Dialects;
using MySqlConnector;
using Npgsql;

namespace FlowForge.Providers.Tests.Options;

/// <summary>What the store sets on a server database's pool unless the connection string says otherwise.</summary>
public sealed class ServerDataSourceTests
{
    [Fact]
    public async Task PostgresCreateDataSource_PlainConnectionString_DoesNotResetConnectionsOnReturn()
    {
        await using var dataSource = PostgresDialect.CreateDataSource("Host=127.0.0.1;Username=u;Password=p;Database=d");

        Assert.True(new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).NoResetOnClose);
    }

    [Fact]
    public async Task PostgresCreateDataSource_ConnectionStringAsksForReset_KeepsIt()
    {
        await using var dataSource = PostgresDialect.CreateDataSource("Host=127.0.0.1;Username=u;Password=p;Database=d;No Reset On Close=false");

        Assert.False(new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).NoResetOnClose);
    }

    [Fact]
    public async Task MySqlCreateDataSource_PlainConnectionString_DoesNotResetConnectionsOnRent()
    {
        await using var dataSource = MySqlDialect.CreateDataSource("Server=127.0.0.1;User ID=u;Password=p;Database=d");

        Assert.False(new MySqlConnectionStringBuilder(dataSource.ConnectionString).ConnectionReset);
    }

    [Fact]
    public async Task MySqlCreateDataSource_ConnectionStringAsksForReset_KeepsIt()
    {
        await using var dataSource = MySqlDialect.CreateDataSource("Server=127.0.0.1;User ID=u;Password=p;Database=d;Connection Reset=true");

        Assert.True(new MySqlConnectionStringBuilder(dataSource.ConnectionString).ConnectionReset);
    }
}
