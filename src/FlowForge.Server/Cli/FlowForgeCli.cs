using System.CommandLine;
using System.CommandLine.Help;

namespace FlowForge.Server.Cli;

/// <summary>The <c>flowforge</c> command: serve, migrate, validate, run, runs, flows, health, completion.</summary>
public static class FlowForgeCli
{
    /// <summary>Exit code of a command line that could not be understood (unknown option, missing argument, bad value).</summary>
    public const int UsageError = 2;

    private const string Description = """
        FlowForge: visual workflow automation. Flows are graphs run by a durable engine.

        Any setting can also be given as --Section:Key=value (for example --Engine:WorkerParallelism=32),
        in appsettings.json, or as an environment variable FLOWFORGE_Section__Key.
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var (arguments, settings, settingError) = ConfigurationOverrides.Split(args);
        if (settingError is not null)
        {
            await error.WriteLineAsync(settingError);
            return UsageError;
        }

        var root = CreateRoot(settings);
        var parse = root.Parse(arguments);
        var invocation = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            EnableDefaultExceptionHandler = false,

            // serve's host handles SIGTERM and Ctrl+C itself and drains running work; the parser's own handler
            // would end the process after a fixed grace period instead.
            ProcessTerminationTimeout = null,
        };
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            foreach (var problem in parse.Errors)
            {
                await error.WriteLineAsync(problem.Message);
            }

            var command = parse.CommandResult.Command;
            await error.WriteLineAsync($"Run 'flowforge {(command == root ? "" : command.Name + " ")}--help' for usage.");
            return UsageError;
        }

        return await parse.InvokeAsync(invocation, cancellationToken);
    }

    /// <summary>The command tree; <paramref name="settings"/> are the <c>--Section:Key=value</c> arguments pulled out before parsing.</summary>
    internal static RootCommand CreateRoot(IReadOnlyList<string> settings)
    {
        var root = new RootCommand(Description);
        root.Subcommands.Add(ServeCommand.Create(settings));
        root.Subcommands.Add(MigrateCommand.Create(settings));
        root.Subcommands.Add(ValidateCommand.Create());
        root.Subcommands.Add(RunCommand.Create(settings));
        root.Subcommands.Add(RunsCommand.Create(settings));
        root.Subcommands.Add(FlowsCommand.Create(settings));
        root.Subcommands.Add(HealthCommand.Create());
        root.Subcommands.Add(CompletionCommand.Create());

        var help = new Command("help", "Show this text") { Hidden = true };
        help.SetAction((parse, cancellationToken) => root.Parse(["--help"]).InvokeAsync(parse.InvocationConfiguration, cancellationToken));
        root.Subcommands.Add(help);
        root.SetAction(parse => new HelpAction().Invoke(parse));
        return root;
    }
}
