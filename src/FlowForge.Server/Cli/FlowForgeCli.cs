namespace FlowForge.Server.Cli;

/// <summary>The <c>flowforge</c> command: serve, validate, run.</summary>
public static class FlowForgeCli
{
    public const string Usage = """
        Usage: flowforge <command> [options]

        Commands:
          serve [--data DIR] [--urls URL]     Start FlowForge (defaults: ./data, http://127.0.0.1:5000)
                [--role all|api|worker]       all (default) does everything; api accepts runs; worker executes them
                [--store sqlite|postgres|mysql] [--store-connection CS] [--state-shards N]
                [--queue inprocess|rabbitmq] [--queue-connection URI]
                [--cache memory|redis] [--cache-connection CS]
          migrate [--store … --store-connection …]  Apply schema migrations and exit
          validate FILE                       Check a flow file; prints every problem, exit 1 if any
          run FILE [--input JSON]             Run a flow file in-process with live progress; exit 1 if it fails
          health [--url URL]                  Exit 0 when URL (default http://127.0.0.1:8080/health/ready) answers 200
          help                                Show this text

        Any setting can also be given as --Section:Key=value (for example --Engine:WorkerParallelism=32),
        in appsettings.json, or as an environment variable FLOWFORGE_Section__Key.
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var line = CommandLine.Parse(args, new HashSet<string>(StringComparer.Ordinal), out var parseError);
        if (parseError is not null)
        {
            await error.WriteLineAsync(parseError);
            return 2;
        }

        switch (line.Command)
        {
            case "serve":
                return await ServeCommand.RunAsync(line, output, error, cancellationToken);
            case "validate":
                return await ValidateCommand.RunAsync(line, output, error, cancellationToken);
            case "run":
                return await RunCommand.RunAsync(line, output, error, cancellationToken);
            case "migrate":
                return await MigrateCommand.RunAsync(line, output, error, cancellationToken);
            case "health":
                return await HealthCommand.RunAsync(line, output, error, cancellationToken);
            case "help" or "--help" or "-h":
                await output.WriteLineAsync(Usage);
                return 0;
            default:
                await error.WriteLineAsync($"Unknown command '{line.Command}'.");
                await error.WriteLineAsync(Usage);
                return 2;
        }
    }

    /// <summary>Turns CLI options into configuration arguments (<c>--key=value</c>), mapping the short names.</summary>
    internal static List<string> ToConfigurationArgs(CommandLine line, IReadOnlyDictionary<string, string> shortNames)
    {
        var result = new List<string>();
        foreach (var (name, value) in line.Options)
        {
            var key = shortNames.TryGetValue(name, out var mapped) ? mapped : name;
            result.Add($"--{key}={value}");
        }

        return result;
    }
}
