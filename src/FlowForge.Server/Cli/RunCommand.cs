using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Json;
using FlowForge.Engine.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Server.Hosting;
using FlowForge.Storage.Sql;
using FlowForge.Storage.Sql.Sqlite;
using Spectre.Console;

namespace FlowForge.Server.Cli;

/// <summary>
/// <c>flowforge run FILE</c>: runs a flow file on the embedded engine in this process, in a scratch store
/// (or <c>--data DIR</c>), showing each node's status as it changes. It never opens a server's store: the storage,
/// queue, cache and role settings of the environment and appsettings.json are not used, and setting them on its command
/// line is refused. A folder given with <c>--data</c> that a running server holds is refused by its lock.
/// </summary>
internal static class RunCommand
{
    private static readonly Guid LocalOwner = Guid.Empty;

    /// <summary>Settings that would point the run at another store or deployment; <c>run</c> keeps to its own folder.</summary>
    private static readonly string[] DeploymentSections = ["Storage", "Queue", "Cache", ProviderKinds.RoleKey];

    public static Command Create(IReadOnlyList<string> settings)
    {
        var file = ValidateCommand.FlowFileArgument();
        var input = new Option<string>("--input") { Description = "The run's input, a JSON object", HelpName = "JSON" };
        var trigger = new Option<string>("--trigger") { Description = "The trigger node to start at [default: the flow's only trigger, or its only manual one]", HelpName = "NODE" };
        var data = new Option<string>("--data") { Description = "Keep the run in this folder's SQLite store [default: a scratch folder, deleted after]", HelpName = "DIR" };
        var subflows = new Option<string[]>("--subflow")
        {
            Description = "Save another flow file first, for core.forEach and flow.call: every flowId ID in the flow files names it. Repeat for several, each before the flows that call it",
            HelpName = "ID=FILE",
        };
        var command = new Command("run", "Run a flow file in this process with live progress; exit 1 if the run fails") { file, input, trigger, data, subflows };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetRequiredValue(file), parse.GetValue(input), parse.GetValue(trigger), parse.GetValue(data), parse.GetValue(subflows) ?? [], settings,
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        string path, string? inputText, string? trigger, string? data, IReadOnlyList<string> subflowArguments, IReadOnlyList<string> settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (settings.FirstOrDefault(IsDeploymentSetting) is { } refused)
        {
            await error.WriteLineAsync(
                $"{refused.Split('=')[0]} cannot be set for 'flowforge run': it runs the flow in its own SQLite store, a scratch folder or --data DIR, "
                + "and never in a server's database. To run a flow on a server, start it through the server's API.");
            return FlowForgeCli.UsageError;
        }

        var json = await ValidateCommand.ReadFlowFileAsync(path, error, cancellationToken);
        if (json is null)
        {
            return FlowForgeCli.UsageError;
        }

        var subflows = new List<(string Id, string Path, string Json)>();
        foreach (var argument in subflowArguments)
        {
            var separator = argument.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0 || !Guid.TryParse(argument[..separator], out _))
            {
                await error.WriteLineAsync($"--subflow takes ID=FILE, the flowId the flow files use and the file of that flow; '{argument}' is not that.");
                return FlowForgeCli.UsageError;
            }

            var subflowPath = argument[(separator + 1)..];
            if (await ValidateCommand.ReadFlowFileAsync(subflowPath, error, cancellationToken) is not { } subflowJson)
            {
                return FlowForgeCli.UsageError;
            }

            subflows.Add((argument[..separator], subflowPath, subflowJson));
        }

        JsonNode? input = null;
        if (inputText is not null)
        {
            if (!JsonPolicy.TryParse(inputText, out input, out var rejection))
            {
                await error.WriteLineAsync(rejection!.Path == "$" ? $"--input is refused: {rejection.Message}" : $"--input is refused at {rejection.Path}: {rejection.Message}");
                return FlowForgeCli.UsageError;
            }

            if (input is not JsonObject)
            {
                await error.WriteLineAsync("--input must be a JSON object.");
                return FlowForgeCli.UsageError;
            }
        }

        var scratch = data is null ? Directory.CreateTempSubdirectory("flowforge-run-") : null;
        try
        {
            return await ExecuteAsync(path, json, subflows, input, trigger, data ?? scratch!.FullName, data is not null, settings, output, error, cancellationToken);
        }
        finally
        {
            TryDelete(scratch);
        }
    }

    private static async Task<int> ExecuteAsync(
        string path, string json, IReadOnlyList<(string Id, string Path, string Json)> subflows, JsonNode? input, string? trigger, string dataDirectory, bool kept, IReadOnlyList<string> settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (await CliHost.TryBuildAsync(CliHost.ForLocalFolder(settings, dataDirectory), dataDirectory, "flowforge run", error) is not { } host)
        {
            return FlowForgeCli.UsageError;
        }

        using var _ = host;
        if (!await CliHost.TryLockDataFolderAsync(host, error))
        {
            return 1;
        }

        await host.Services.GetRequiredService<ISqlStorage>().MigrateAsync(cancellationToken);

        // Each sub-flow is saved under a new id, which then replaces the id the files use for it.
        var saved = new List<(string Placeholder, string Id)>();
        foreach (var subflow in subflows)
        {
            var subflowJson = Rename(subflow.Json, saved);
            var subflowCheck = host.Services.GetRequiredService<FlowChecker>().Check(subflowJson);
            if (!subflowCheck.IsValid)
            {
                await ValidateCommand.WriteProblemsAsync(subflow.Path, subflowCheck.Problems, output);
                return 1;
            }

            var record = await host.Services.GetRequiredService<IFlowStore>().CreateAsync(LocalOwner, subflowCheck.Document!.Name, subflowJson, cancellationToken);
            saved.Add((subflow.Id, record.Id.ToString()));
        }

        json = Rename(json, saved);
        var check = host.Services.GetRequiredService<FlowChecker>().Check(json);
        if (!check.IsValid)
        {
            await ValidateCommand.WriteProblemsAsync(path, check.Problems, output);
            return 1;
        }

        var flow = await host.Services.GetRequiredService<IFlowStore>().CreateAsync(LocalOwner, check.Document!.Name, json, cancellationToken);
        var plan = host.Services.GetRequiredService<FlowChecker>().Compile(check.Document, flow.Id, flow.Version);
        try
        {
            trigger = TriggerChoice.Resolve(plan, trigger, host.Services.GetRequiredService<INodeTypeRegistry>());
        }
        catch (TriggerChoiceException ex)
        {
            await error.WriteLineAsync(ex.Message.Replace($"'{TriggerChoiceException.Field}'", "--trigger", StringComparison.Ordinal));
            return FlowForgeCli.UsageError;
        }

        await host.StartAsync(cancellationToken);

        var runId = Guid.CreateVersion7();
        await output.WriteLineAsync($"Running '{check.Document.Name}' ({plan.Nodes.Count} nodes)");
        return await FollowAsync(host, runId, plan, kept ? dataDirectory : null, output, error, async () =>
        {
            await host.Services.GetRequiredService<RunCoordinator>().StartAsync(new StartRun(runId, LocalOwner, flow.Id, input, null) { TriggerNodeId = trigger }, cancellationToken);
            return true;
        }, cancellationToken);
    }

    private static string Rename(string json, IReadOnlyList<(string Placeholder, string Id)> saved)
    {
        foreach (var (placeholder, id) in saved)
        {
            json = json.Replace(placeholder, id, StringComparison.OrdinalIgnoreCase);
        }

        return json;
    }

    /// <summary>
    /// Shows the run's nodes as they change from <paramref name="begin"/> (which starts or reopens it) until the run ends,
    /// stops the host and prints the summary; 0 when the run succeeded, else 1 with the run's error. A
    /// <paramref name="begin"/> that answers false has said why nothing was started: 1 at once.
    /// </summary>
    internal static async Task<int> FollowAsync(
        IHost host, Guid runId, ExecutionPlan plan, string? keptDirectory, TextWriter output, TextWriter error, Func<Task<bool>> begin, CancellationToken cancellationToken)
    {
        var changes = Channel.CreateUnbounded<RunEvent>();
        var events = host.Services.GetRequiredService<IRunEvents>();
        using var subscription = events.Subscribe(runId, e => changes.Writer.TryWrite(e));
        using var watch = events.Watch(runId, RunWatchScope.Everything);
        var display = new ProgressDisplay(plan);

        var clock = Stopwatch.StartNew();
        if (!await begin())
        {
            await host.StopAsync(CancellationToken.None);
            return 1;
        }

        RunStatusChanged? final = null;
        RunView? run = null;

        // Reads changes until the run ends, then settles every row from the store: nothing is shown twice.
        async Task ReadChangesAsync(Func<string, Task> changed)
        {
            await foreach (var change in changes.Reader.ReadAllAsync(cancellationToken))
            {
                if (display.Apply(change, clock.Elapsed) is { } nodeId)
                {
                    await changed(nodeId);
                }

                if (change is RunStatusChanged { Status: var status } ended && status.IsFinal())
                {
                    final = ended;
                    break;
                }
            }

            run = await host.Services.GetRequiredService<IRunQueries>().GetRunAsync(runId, null, cancellationToken);
            foreach (var nodeId in display.ApplyFinal(run!, clock.Elapsed))
            {
                await changed(nodeId);
            }
        }

        if (Terminal.IsInteractive(output))
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
            await display.LiveAsync(console, redraw => ReadChangesAsync(_ =>
            {
                redraw();
                return Task.CompletedTask;
            }));
        }
        else
        {
            await ReadChangesAsync(nodeId => display.SettledLine(nodeId) is { } line ? output.WriteLineAsync(line) : Task.CompletedTask);
            foreach (var line in display.RemainingLines())
            {
                await output.WriteLineAsync(line);
            }
        }

        await host.StopAsync(CancellationToken.None);
        await ProgressDisplay.WriteSummaryAsync(output, plan, run!, clock.Elapsed);
        if (final!.Status != RunStatus.Succeeded)
        {
            await error.WriteLineAsync($"Run {runId} {final.Status.ToString().ToLowerInvariant()}: {final.Error ?? run!.Error}");
            if (keptDirectory is not null)
            {
                await error.WriteLineAsync($"To run it again from its failed nodes: flowforge runs retry {runId} --data \"{keptDirectory}\"");
            }

            return 1;
        }

        return 0;
    }

    private static bool IsDeploymentSetting(string setting)
    {
        var key = setting.AsSpan(2);
        var end = key.IndexOfAny('=', ':');
        var section = end < 0 ? key : key[..end];
        foreach (var refused in DeploymentSections)
        {
            if (section.Equals(refused, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static void TryDelete(DirectoryInfo? directory)
    {
        try
        {
            directory?.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A scratch folder left in the temp directory is harmless.
        }
    }
}
