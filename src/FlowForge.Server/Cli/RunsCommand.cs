using System.CommandLine;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Server.Hosting;
using FlowForge.Storage.Sql;
using FlowForge.Storage.Sql.Sqlite;

namespace FlowForge.Server.Cli;

/// <summary>
/// <c>flowforge runs retry RUN_ID --data DIR</c>: reopens a Failed or Cancelled run kept in a folder's SQLite store (by
/// <c>flowforge run FILE --data DIR</c>) and runs it on in this process from its failed nodes, with live progress.
/// </summary>
internal static class RunsCommand
{
    public static Command Create(IReadOnlyList<string> settings)
    {
        var runId = new Argument<Guid>("RUN_ID") { Description = "The run to retry, as printed when it failed" };
        var data = new Option<string>("--data") { Description = "The folder of the SQLite store that holds the run [default: ./data]", HelpName = "DIR" };
        var retry = new Command("retry", "Run a Failed or Cancelled run again from its failed nodes (succeeded nodes keep their outputs); exit 1 if it fails again")
        {
            runId,
            data,
        };
        retry.SetAction((parse, cancellationToken) => RetryAsync(
            parse.GetValue(runId), parse.GetValue(data) ?? "data", settings,
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return new Command("runs", "Work with the runs kept in a store") { retry };
    }

    private static async Task<int> RetryAsync(
        Guid runId, string dataDirectory, IReadOnlyList<string> settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(dataDirectory))
        {
            await error.WriteLineAsync($"--data: the folder '{dataDirectory}' does not exist.");
            return FlowForgeCli.UsageError;
        }

        if (await CliHost.TryBuildAsync(CliHost.ForLocalFolder(settings, dataDirectory), dataDirectory, "flowforge runs retry", error) is not { } host)
        {
            return FlowForgeCli.UsageError;
        }

        using var _ = host;
        if (!await CliHost.TryLockDataFolderAsync(host, error))
        {
            return 1;
        }

        await host.Services.GetRequiredService<ISqlStorage>().MigrateAsync(cancellationToken);
        var run = await host.Services.GetRequiredService<IRunQueries>().GetRunAsync(runId, null, cancellationToken);
        if (run is null)
        {
            await error.WriteLineAsync($"Run {runId} is not in the store in '{dataDirectory}'.");
            return 1;
        }

        ExecutionPlan plan;
        try
        {
            plan = await host.Services.GetRequiredService<IPlanProvider>().GetPlanAsync(run.FlowId, run.FlowVersion, null, cancellationToken);
        }
        catch (FlowInvalidException ex)
        {
            await error.WriteLineAsync($"Run {runId} cannot be retried: version {run.FlowVersion} of its flow no longer compiles. {ex.Message}");
            return 1;
        }

        await host.StartAsync(cancellationToken);
        await output.WriteLineAsync($"Retrying run {runId} ({plan.Nodes.Count} nodes)");
        return await RunCommand.FollowAsync(host, runId, plan, dataDirectory, output, error, async () =>
        {
            var retry = await host.Services.GetRequiredService<RunCoordinator>().RetryAsync(runId, null, cancellationToken);
            if (retry is { Reopened: true })
            {
                return true;
            }

            await error.WriteLineAsync(retry?.Reason ?? $"Run {runId} is not in the store in '{dataDirectory}'.");
            return false;
        }, cancellationToken);
    }
}
