using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Json;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Server.Hosting;
using FlowForge.Storage.Sql;

namespace FlowForge.Server.Cli;

/// <summary>
/// <c>flowforge run FILE</c>: runs a flow file on the embedded engine in this process, in a scratch store
/// (or <c>--data DIR</c>), showing each node's status as it changes.
/// </summary>
internal static class RunCommand
{
    private static readonly Guid LocalOwner = Guid.Empty;

    public static async Task<int> RunAsync(CommandLine line, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (line.Arguments.Count != 1)
        {
            await error.WriteLineAsync("Usage: flowforge run FILE [--input JSON] [--data DIR]");
            return 2;
        }

        var path = line.Arguments[0];
        var json = await ValidateCommand.ReadFlowFileAsync(path, error, cancellationToken);
        if (json is null)
        {
            return 2;
        }

        JsonNode? input = null;
        if (line.Options.TryGetValue("input", out var inputText))
        {
            if (!JsonPolicy.TryParse(inputText, out input, out var rejection))
            {
                await error.WriteLineAsync(rejection!.Path == "$" ? $"--input is refused: {rejection.Message}" : $"--input is refused at {rejection.Path}: {rejection.Message}");
                return 2;
            }

            if (input is not JsonObject)
            {
                await error.WriteLineAsync("--input must be a JSON object.");
                return 2;
            }
        }

        var scratch = line.Options.TryGetValue("data", out var data) ? null : Directory.CreateTempSubdirectory("flowforge-run-");
        try
        {
            return await ExecuteAsync(path, json, input, data ?? scratch!.FullName, line, output, error, cancellationToken);
        }
        finally
        {
            TryDelete(scratch);
        }
    }

    private static async Task<int> ExecuteAsync(string path, string json, JsonNode? input, string dataDirectory, CommandLine line, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [.. FlowForgeCli.ToConfigurationArgs(line, new Dictionary<string, string>())] });
        builder.Logging.ClearProviders();
        builder.Services.AddFlowForgeCore(builder.Configuration, dataDirectory);
        using var host = builder.Build();
        await host.Services.GetRequiredService<ISqlStorage>().MigrateAsync(cancellationToken);

        var check = host.Services.GetRequiredService<FlowChecker>().Check(json);
        if (!check.IsValid)
        {
            await ValidateCommand.WriteProblemsAsync(path, check.Problems, output);
            return 1;
        }

        var flow = await host.Services.GetRequiredService<IFlowStore>().CreateAsync(LocalOwner, check.Document!.Name, json, cancellationToken);
        var plan = host.Services.GetRequiredService<FlowChecker>().Compile(check.Document, flow.Id, flow.Version);
        await host.StartAsync(cancellationToken);

        var runId = Guid.CreateVersion7();
        var changes = Channel.CreateUnbounded<RunEvent>();
        using var subscription = host.Services.GetRequiredService<IRunEvents>().Subscribe(runId, e => changes.Writer.TryWrite(e));
        var display = new ProgressDisplay(output, plan, interactive: ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected);
        await output.WriteLineAsync($"Running '{check.Document.Name}' ({plan.Nodes.Count} nodes)");

        var clock = Stopwatch.StartNew();
        await host.Services.GetRequiredService<RunCoordinator>().StartAsync(new StartRun(runId, LocalOwner, flow.Id, input, null), cancellationToken);
        RunStatusChanged? final = null;
        await foreach (var change in changes.Reader.ReadAllAsync(cancellationToken))
        {
            await display.ApplyAsync(change, clock.Elapsed);
            if (change is RunStatusChanged { Status: var status } ended && status.IsFinal())
            {
                final = ended;
                break;
            }
        }

        var run = await host.Services.GetRequiredService<IRunQueries>().GetRunAsync(runId, null, cancellationToken);
        await host.StopAsync(CancellationToken.None);
        await display.SummaryAsync(run!, clock.Elapsed);
        if (final!.Status != RunStatus.Succeeded)
        {
            await error.WriteLineAsync($"Run {final.Status.ToString().ToLowerInvariant()}: {final.Error ?? run!.Error}");
            return 1;
        }

        return 0;
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
