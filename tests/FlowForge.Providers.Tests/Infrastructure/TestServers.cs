using FlowForge.Testing;

namespace FlowForge.Providers.Tests.Infrastructure;

/// <summary>
/// The real PostgreSQL and MariaDB servers the tests run against. Taken from FLOWFORGE_TEST_POSTGRES and
/// FLOWFORGE_TEST_MYSQL when the test command started the servers (tests/services/services.sh); otherwise
/// started here in a folder of their own and stopped when the tests are done, so <c>dotnet test</c> works alone.
/// </summary>
public sealed class TestServers : IAsyncLifetime
{
    private const string PostgresVariable = "FLOWFORGE_TEST_POSTGRES";
    private const string MySqlVariable = "FLOWFORGE_TEST_MYSQL";
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(10);

    private string? _startedIn;

    /// <summary>An Npgsql connection string whose user may create and drop databases.</summary>
    public string Postgres { get; private set; } = "";

    /// <summary>A MySqlConnector connection string (to MariaDB) whose user may create and drop databases.</summary>
    public string MySql { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var postgres = Environment.GetEnvironmentVariable(PostgresVariable);
        var mySql = Environment.GetEnvironmentVariable(MySqlVariable);
        if (string.IsNullOrEmpty(postgres) || string.IsNullOrEmpty(mySql))
        {
            var directory = Path.Combine(Path.GetTempPath(), "flowforge-provider-tests-" + Guid.NewGuid().ToString("N")[..12]);
            _startedIn = directory;
            var variables = await ServicesScript.StartAsync(directory, ScriptTimeout);
            postgres = variables[PostgresVariable];
            mySql = variables[MySqlVariable];
        }

        Postgres = postgres;
        MySql = mySql;
    }

    public async Task DisposeAsync()
    {
        if (_startedIn is not null)
        {
            await ServicesScript.RunAsync("stop", _startedIn, ScriptTimeout);
        }
    }
}
