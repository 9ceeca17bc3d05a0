using System.Diagnostics;

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
            var output = await RunScriptAsync("start", directory);
            var variables = ReadEnvFile(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1]);
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
            await RunScriptAsync("stop", _startedIn);
        }
    }

    private static Dictionary<string, string> ReadEnvFile(string path)
    {
        // Lines look like: export NAME='value'
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(path))
        {
            const string prefix = "export ";
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (line.StartsWith(prefix, StringComparison.Ordinal) && equals > 0)
            {
                variables[line[prefix.Length..equals]] = line[(equals + 1)..].Trim('\'');
            }
        }

        return variables;
    }

    private static async Task<string> RunScriptAsync(string command, string directory)
    {
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { ScriptPath(), command },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["FLOWFORGE_SERVICES_DIR"] = directory;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ScriptTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"services.sh {command} did not finish within {ScriptTimeout}: {await stderr}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"services.sh {command} failed ({process.ExitCode}): {await stderr}");
        }

        return await stdout;
    }

    private static string ScriptPath()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var script = Path.Combine(directory.FullName, "tests", "services", "services.sh");
            if (File.Exists(script))
            {
                return script;
            }
        }

        throw new FileNotFoundException("tests/services/services.sh not found above " + AppContext.BaseDirectory);
    }
}
