using System.Diagnostics;

namespace FlowForge.Testing;

/// <summary>
/// Runs <c>tests/services/services.sh</c>, which starts private PostgreSQL, MariaDB, RabbitMQ and Redis servers on
/// 127.0.0.1 in a folder of their own. Test fixtures use it when the test command has not started them already.
/// </summary>
public static class ServicesScript
{
    /// <summary>Starts the servers in <paramref name="directory"/> and returns the FLOWFORGE_TEST_* variables of its env file.</summary>
    public static async Task<Dictionary<string, string>> StartAsync(string directory, TimeSpan timeout)
    {
        var output = await RunAsync("start", directory, timeout);
        return ReadEnvFile(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1]);
    }

    /// <summary>Starts one server (<c>redis</c>, <c>postgres</c> or <c>rabbitmq</c>) alone in <paramref name="directory"/>; returns its FLOWFORGE_TEST_* variable.</summary>
    public static async Task<Dictionary<string, string>> StartOneAsync(string name, string directory, TimeSpan timeout)
    {
        var output = await RunAsync(directory, timeout, "start-one", name);
        return ReadEnvFile(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1]);
    }

    public static Task<string> RunAsync(string command, string directory, TimeSpan timeout) => RunAsync(directory, timeout, command);

    /// <summary>Runs <c>services.sh</c> with <paramref name="arguments"/> (e.g. <c>stop-one redis</c>) on the servers of <paramref name="directory"/>.</summary>
    public static async Task<string> RunAsync(string directory, TimeSpan timeout, params string[] arguments)
    {
        var command = string.Join(' ', arguments);
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { ScriptPath() },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

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
