using System.Diagnostics;
using System.Text.Json.Nodes;
using FlowForge.Bench;

namespace FlowForge.Server.Tests.Processes;

/// <summary>The load generator in <c>bench/</c>, run once in its short mode against the built server, so it keeps working.</summary>
public sealed class BenchShortModeTests
{
    [Fact]
    public async Task Bench_ShortJson_EveryScenarioInEveryModeHasFlowsAndNoErrors()
    {
        var (exit, output, error) = await RunBenchAsync(["--short", "--json", "--flowforge", Path.Combine(AppContext.BaseDirectory, "flowforge.dll")]);

        Assert.True(exit == 0, $"bench exited with {exit}: {error}");
        var report = JsonNode.Parse(output)!.AsObject();
        // The raw client is the default: every phase below was sent through it.
        Assert.Equal("raw", report["client"]!.GetValue<string>());
        // The machine's speed in the hour, read before the servers started.
        Assert.True(report["referenceWorkMs"]?.GetValue<double>() > 0, $"no reference work in {output[..Math.Min(output.Length, 400)]}");
        var phases = report["phases"]!.AsArray().Select(p => p!.AsObject()).ToList();
        foreach (var scenario in Scenario.All)
        {
            foreach (var mode in LoadModes.All)
            {
                var phase = phases.SingleOrDefault(p => p["scenario"]!.GetValue<string>() == scenario.Name && p["mode"]!.GetValue<string>() == LoadModes.Name(mode));
                Assert.True(phase is not null, $"no {scenario.Name} / {LoadModes.Name(mode)} phase in {output}");
                Assert.True(phase["flows"]!.GetValue<long>() > 0, $"{scenario.Name} / {LoadModes.Name(mode)} ran no flows");
                Assert.Equal(0, phase["errors"]!.GetValue<long>());
                Assert.True(phase["latencyMs"]!["p50"]!.GetValue<double>() > 0, $"{scenario.Name} / {LoadModes.Name(mode)} has no latency");
                var serve = phase["processes"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "serve")!;
                Assert.True(serve["cpuSeconds"]!.GetValue<double>() > 0, $"{scenario.Name} / {LoadModes.Name(mode)}: no CPU time for serve");
                Assert.True(serve["peakRssMb"]!.GetValue<double>() > 0, $"{scenario.Name} / {LoadModes.Name(mode)}: no peak RSS for serve");
                // The runtime's counters come from the server's own /metrics under the names the bench looks for: every
                // flow hands work to the thread pool.
                var runtime = serve["countersPerFlow"]?[ResourceSnapshot.ThreadPoolItemsCounter]?.GetValue<double>() ?? 0;
                Assert.True(runtime > 0, $"{scenario.Name} / {LoadModes.Name(mode)}: no thread-pool work items per flow for serve in {serve.ToJsonString()}");
                // The queue's own counter: none when the start claims the trigger's child and the rest chains, and (chained
                // children skip the queue) never more than one per node, re-deliveries aside.
                var perFlow = phase["queueMessagesPerFlow"]!.GetValue<double>();
                Assert.True(perFlow >= 0 && perFlow <= scenario.NodesPerFlow + 1, $"{scenario.Name} / {LoadModes.Name(mode)}: {perFlow} queue messages per flow");
            }
        }
    }

    [Fact]
    public async Task Bench_ShortJsonHttpClient_DiamondInEveryModeHasFlowsAndNoErrors()
    {
        var (exit, output, error) = await RunBenchAsync(["--short", "--json", "--client", "httpclient", "--scenario", "diamond", "--flowforge", Path.Combine(AppContext.BaseDirectory, "flowforge.dll")]);

        Assert.True(exit == 0, $"bench exited with {exit}: {error}");
        var report = JsonNode.Parse(output)!.AsObject();
        Assert.Equal("httpclient", report["client"]!.GetValue<string>());
        var phases = report["phases"]!.AsArray().Select(p => p!.AsObject()).ToList();
        Assert.Equal(LoadModes.All.Select(LoadModes.Name), phases.Select(p => p["mode"]!.GetValue<string>()));
        Assert.All(phases, p => Assert.True(p["flows"]!.GetValue<long>() > 0 && p["errors"]!.GetValue<long>() == 0, p.ToJsonString()));
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Username=flowforge;Password=s3cret;Database=ffb", "Host=127.0.0.1;Username=flowforge;Password=***;Database=ffb")]
    [InlineData("Server=127.0.0.1;User ID=flowforge;pwd=s3cret", "Server=127.0.0.1;User ID=flowforge;pwd=***")]
    [InlineData("amqp://guest:s3cret@127.0.0.1:5672/", "amqp://guest:***@127.0.0.1:5672/")]
    public void Redact_ConnectionWithPassword_HidesThePassword(string text, string expected)
    {
        Assert.Equal(expected, SecretRedaction.Redact(text));
    }

    private static async Task<(int Exit, string Output, string Error)> RunBenchAsync(IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "FlowForge.Bench.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        // Generous for a loaded two-core build machine; on a quiet one the short mode takes well under a minute.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(240));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the bench did not end within 240 s: {await error}");
        }

        return (process.ExitCode, await output, await error);
    }
}
