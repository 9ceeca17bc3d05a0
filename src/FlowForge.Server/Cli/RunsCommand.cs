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
        retry.SetAction((parse, cancellationToken) =>
        {
            var dataDirectory = parse.GetValue(data) ?? "data";
            var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            return WithRunAsync(parse.GetValue(runId), dataDirectory, settings, "flowforge runs retry", error,
                (host, run) => RetryAsync(host, run, dataDirectory, output, error, cancellationToken), cancellationToken);
        });
        var showId = new Argument<Guid>("RUN_ID") { Description = "The run to show" };
        var showData = new Option<string>("--data") { Description = "The folder of the SQLite store that holds the run [default: ./data]", HelpName = "DIR" };
        var show = new Command("show", "Print a run's status, its nodes, the run that started it and the child runs it started") { showId, showData };
        show.SetAction((parse, cancellationToken) =>
        {
            var dataDirectory = parse.GetValue(showData) ?? "data";
            var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            return WithRunAsync(parse.GetValue(showId), dataDirectory, settings, "flowforge runs show", error,
                (host, run) => ShowAsync(host, run, output, cancellationToken), cancellationToken);
        });
        return new Command("runs", "Work with the runs kept in a store") { retry, show };
    }

    /// <summary>The most child runs <c>runs show</c> lists (the default Flows:MaxForEachItems); it says when there are more.</summary>
    private const int MaxChildrenShown = 10_000;

    /// <summary>
    /// Opens the SQLite store in <paramref name="dataDirectory"/> (locked and migrated), reads the run and hands both to
    /// <paramref name="action"/>; when the store or the run cannot be had it says why on <paramref name="error"/>.
    /// </summary>
    private static async Task<int> WithRunAsync(
        Guid runId, string dataDirectory, IReadOnlyList<string> settings, string processName, TextWriter error,
        Func<IHost, RunView, Task<int>> action, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(dataDirectory))
        {
            await error.WriteLineAsync($"--data: the folder '{dataDirectory}' does not exist.");
            return FlowForgeCli.UsageError;
        }

        if (await CliHost.TryBuildAsync(CliHost.ForLocalFolder(settings, dataDirectory), dataDirectory, processName, error) is not { } host)
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

        return await action(host, run);
    }

    private static async Task<int> ShowAsync(IHost host, RunView run, TextWriter output, CancellationToken cancellationToken)
    {
        var runId = run.Id;

        await output.WriteLineAsync($"Run {run.Id}: {run.Status} (flow {run.FlowId} version {run.FlowVersion}, attempt {run.Attempt})");
        if (run.Error is { } runError)
        {
            await output.WriteLineAsync($"Error: {runError}");
        }

        if (run.ParentRunId is { } parent)
        {
            await output.WriteLineAsync($"Parent: run {parent}, node '{run.ParentNodeId}', item {run.ItemIndex}");
        }

        await output.WriteLineAsync("Nodes:");
        var width = run.Nodes.Count == 0 ? 0 : run.Nodes.Max(n => n.NodeId.Length);
        foreach (var node in run.Nodes)
        {
            await output.WriteLineAsync($"  {node.NodeId.PadRight(width)}  {node.Status}{(node.Error is { } e ? "  " + e : "")}");
        }

        var children = new List<RunSummary>();
        string? cursor = null;
        var store = host.Services.GetRequiredService<IChildRunStore>();
        do
        {
            var page = await store.ListChildrenPageAsync(runId, null, new PageRequest(PageRequest.MaxLimit, cursor), cancellationToken);
            if (page is null)
            {
                break;
            }

            children.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null && children.Count < MaxChildrenShown);

        if (children.Count == 0)
        {
            return 0;
        }

        await output.WriteLineAsync(cursor is null ? $"Children ({children.Count}):" : $"Children (the first {children.Count}):");
        foreach (var child in children.OrderBy(c => c.ParentNodeId, StringComparer.Ordinal).ThenBy(c => c.ItemIndex))
        {
            await output.WriteLineAsync($"  {child.ParentNodeId}[{child.ItemIndex}]  run {child.Id}  {child.Status}{(child.Error is { } e ? "  " + e : "")}");
        }

        return 0;
    }

    private static async Task<int> RetryAsync(
        IHost host, RunView run, string dataDirectory, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var runId = run.Id;

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
