using System.Diagnostics;

namespace FlowForge.Scaling.Tests.Infrastructure;

/// <summary>
/// The real RabbitMQ and Redis the tests run against. Taken from FLOWFORGE_TEST_* variables when the test command
/// started the servers (tests/services/services.sh); otherwise started here in a folder of their own and stopped
/// when the tests are done, so <c>dotnet test</c> works alone.
/// </summary>
public sealed class TestServices : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan RestartTimeout = TimeSpan.FromMinutes(3);

    private bool _startedHere;

    public string RabbitMq { get; private set; } = "";

    public string RabbitMqNode { get; private set; } = "";

    public string Redis { get; private set; } = "";

    public string Directory { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in new[] { "FLOWFORGE_TEST_RABBITMQ", "FLOWFORGE_TEST_RABBITMQ_NODE", "FLOWFORGE_TEST_REDIS", "FLOWFORGE_TEST_SERVICES_DIR" })
        {
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value)
            {
                variables[name] = value;
            }
        }

        if (variables.Count < 4)
        {
            var directory = Path.Combine(Path.GetTempPath(), "flowforge-scaling-tests-" + Guid.NewGuid().ToString("N")[..12]);
            _startedHere = true;
            var output = await RunScriptAsync("start", directory, StartTimeout);
            var envFile = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
            variables = ReadEnvFile(envFile);
        }

        RabbitMq = variables["FLOWFORGE_TEST_RABBITMQ"];
        RabbitMqNode = variables["FLOWFORGE_TEST_RABBITMQ_NODE"];
        Redis = variables["FLOWFORGE_TEST_REDIS"];
        Directory = variables["FLOWFORGE_TEST_SERVICES_DIR"];
    }

    public async Task DisposeAsync()
    {
        if (_startedHere && Directory.Length > 0)
        {
            await RunScriptAsync("stop", Directory, StartTimeout);
        }
    }

    /// <summary>Stops the broker and starts the same node again, on the same port with its data.</summary>
    public Task RestartRabbitMqAsync() => RunScriptAsync("restart-rabbitmq", Directory, RestartTimeout);

    private static Dictionary<string, string> ReadEnvFile(string path)
    {
        // Lines look like: export NAME='value'
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(path))
        {
            const string prefix = "export ";
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (!line.StartsWith(prefix, StringComparison.Ordinal) || equals < 0)
            {
                continue;
            }

            variables[line[prefix.Length..equals]] = line[(equals + 1)..].Trim('\'');
        }

        return variables;
    }

    private static async Task<string> RunScriptAsync(string command, string directory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { ScriptPath(), command },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["FLOWFORGE_SERVICES_DIR"] = directory;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timer = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(timer.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"services.sh {command} did not finish within {timeout}: {await stderr}");
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
