using System.Diagnostics;

namespace FlowForge.Testing;

/// <summary>
/// Runs <c>tests/services/services.sh</c>, which starts private PostgreSQL, MariaDB, RabbitMQ and Redis servers on
/// 127.0.0.1 in a folder of their own. <see cref="TestServices"/> uses it when the test command has not started them.
/// </summary>
public static class ServicesScript
{
    /// <summary>Starts the servers in <paramref name="directory"/> and returns the FLOWFORGE_TEST_* variables of its env file.</summary>
    public static async Task<Dictionary<string, string>> StartAsync(string directory, TimeSpan timeout)
    {
        var output = await RunAsync("start", directory, timeout);
        return ReadEnvFile(LastLine(output));
    }

    /// <summary>
    /// Starts the servers in <paramref name="directory"/> unless they run already, keeps them running while process
    /// <paramref name="processId"/> lives, and returns the FLOWFORGE_TEST_* variables of their env file.
    /// </summary>
    /// <remarks>Blocks: <see cref="TestServices"/> properties are synchronous. Run on the thread pool, so a
    /// single-threaded synchronization context of the caller cannot deadlock it.</remarks>
    public static Dictionary<string, string> Attach(string directory, int processId, TimeSpan timeout) =>
        Task.Run(async () => ReadEnvFile(LastLine(await RunAsync(directory, timeout, "attach", processId.ToString(System.Globalization.CultureInfo.InvariantCulture)))))
            .GetAwaiter().GetResult();

    public static Task<string> RunAsync(string command, string directory, TimeSpan timeout) => RunAsync(directory, timeout, command);

    /// <summary>Starts one server (<c>redis</c>, <c>postgres</c> or <c>rabbitmq</c>) alone in <paramref name="directory"/>; returns its FLOWFORGE_TEST_* variable.</summary>
    public static async Task<Dictionary<string, string>> StartOneAsync(string name, string directory, TimeSpan timeout) =>
        ReadEnvFile(LastLine(await RunAsync(directory, timeout, "start-one", name)));

    /// <summary>Runs <c>services.sh</c> with <paramref name="arguments"/> (e.g. <c>stop-one redis</c>) on the servers of <paramref name="directory"/>.</summary>
    public static async Task<string> RunAsync(string directory, TimeSpan timeout, params string[] arguments)
    {
        var command = string.Join(' ', arguments);
        using var process = Start(directory, arguments);
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

    private static Process Start(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ScriptPath());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["FLOWFORGE_SERVICES_DIR"] = directory;
        return Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
    }

    private static string LastLine(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } lines
            ? lines[^1]
            : throw new InvalidOperationException("services.sh printed no env file path.");

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
