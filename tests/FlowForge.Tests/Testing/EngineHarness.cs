using System.Text.Json.Nodes;
using FlowForge.Engine;
using FlowForge.Engine.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Nodes.Core;
using FlowForge.Storage.Sql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using FlowForge.Nodes.Http;

namespace FlowForge.Tests.Testing;

/// <summary>
/// The real engine on a real SQLite file in a temp folder, with the core nodes and <see cref="ScriptedNode"/>.
/// Dispose deletes the folder unless another harness reuses it (restart tests).
/// </summary>
public sealed class EngineHarness : IAsyncDisposable
{
    public static readonly Guid Owner = Guid.Parse("00000000-0000-0000-0000-0000000000aa");

    private readonly bool _ownsDirectory;

    private EngineHarness(IHost host, string directory, bool ownsDirectory)
    {
        Host = host;
        DataDirectory = directory;
        _ownsDirectory = ownsDirectory;
    }

    public IHost Host { get; }

    public string DataDirectory { get; }

    public IServiceProvider Services => Host.Services;

    public ScriptJournal Journal => Services.GetRequiredService<ScriptJournal>();

    public static async Task<EngineHarness> StartAsync(string? directory = null, Action<EngineOptions>? configure = null, bool start = true, SqlStorageOptions? storage = null, Action<IServiceCollection>? services = null)
    {
        var owns = directory is null;
        directory ??= Directory.CreateTempSubdirectory("flowforge-test-").FullName;
        storage ??= new SqlStorageOptions { DataDirectory = directory };
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<ScriptJournal>();
        builder.Services.AddSqlStorage(storage);
        builder.Services.AddNodeTypes(typeof(ManualTriggerNode).Assembly, typeof(ScriptedNode).Assembly).AddOutboundHttp();
        builder.Services.Configure<EngineOptions>(o =>
        {
            o.WorkerParallelism = 16;
            configure?.Invoke(o);
        });
        builder.Services.AddFlowForgeEngine();
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.Services.GetRequiredService<SqlStorage>().MigrateAsync(CancellationToken.None);
        if (start)
        {
            await host.StartAsync();
            await host.Services.GetRequiredService<RecoveryService>().StartupScanCompleted;
        }

        return new EngineHarness(host, directory, owns);
    }

    public async Task<Guid> CreateFlowAsync(string json)
    {
        var flow = await Services.GetRequiredService<IFlowStore>().CreateAsync(Owner, "test", json, CancellationToken.None);
        return flow.Id;
    }

    public async Task<Guid> StartRunAsync(Guid flowId, JsonObject? input = null, string? idempotencyKey = null, string? trigger = null)
    {
        var start = await Services.GetRequiredService<RunCoordinator>().StartAsync(
            new StartRun(Guid.CreateVersion7(), Owner, flowId, input, idempotencyKey) { TriggerNodeId = trigger }, CancellationToken.None);
        return start.RunId;
    }

    public Task<RunView?> GetRunAsync(Guid runId) => Services.GetRequiredService<IRunQueries>().GetRunAsync(runId, null, CancellationToken.None);

    /// <summary>Waits (bounded) until the run is final and returns it; fails showing the run's last state.</summary>
    public async Task<RunView> WaitForRunAsync(Guid runId, TimeSpan? timeout = null)
    {
        var last = await Eventually.MatchesAsync(
            async () => new RunProgress(await GetRunAsync(runId)),
            progress => progress.Run?.Status.IsFinal() == true,
            $"run {runId} to finish",
            timeout ?? TimeSpan.FromSeconds(20));
        return last.Run!;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Host.StopAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            Host.Dispose();
            if (_ownsDirectory)
            {
                TryDeleteDirectory(DataDirectory);
            }
        }
    }

    public static void TryDeleteDirectory(string directory)
    {
        try
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Temp folders are cleaned by the OS eventually; a locked file must not fail a test.
        }
    }

    /// <summary>A run as a timeout message should show it: its status and every node's.</summary>
    private sealed record RunProgress(RunView? Run)
    {
        public override string ToString() => Run is null
            ? "no such run"
            : $"status {Run.Status}, nodes: {string.Join(", ", Run.Nodes.Select(n => $"{n.NodeId}={n.Status}"))}";
    }
}
