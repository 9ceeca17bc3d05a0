using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using FlowForge.Engine.Storage;
using FlowForge.Server.Tests.Testing;
using FlowForge.Server.Triggers;
using Xunit.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Server.Tests.Triggers;

/// <summary>
/// What one schedule pass costs with many active schedule flows and nothing due: the figure in docs/benchmarks.md.
/// Run with <c>--filter SchedulePassBenchTests</c>; it prints the pass time.
/// </summary>
public sealed class SchedulePassBenchTests(ITestOutputHelper output)
{
    private const int Flows = 1_000;

    [Fact]
    public async Task FireDue_ThousandActiveScheduleFlowsNothingDue_PassStartsNothingAndIsTimed()
    {
        await using var server = await TestServer.StartAsync("--Schedules:Enabled=false");
        var flows = server.App.Services.GetRequiredService<IFlowStore>();
        var triggers = server.App.Services.GetRequiredService<ITriggerStore>();
        var owner = Guid.NewGuid();
        // Hourly, so no due time falls inside the few seconds the passes below look at.
        var json = new FlowBuilder("hourly")
            .Node("clock", "trigger.schedule", new JsonObject { ["everyMs"] = 3_600_000 })
            .Node("next", "core.noop")
            .Edge("clock", "next").ToJson();
        var activatedAt = new DateTimeOffset(2030, 1, 1, 8, 0, 10, TimeSpan.Zero);
        for (var i = 0; i < Flows; i++)
        {
            var flow = await flows.CreateAsync(owner, $"hourly {i}", json, CancellationToken.None);
            await triggers.SetActiveAsync(flow.Id, owner, true, activatedAt, CancellationToken.None);
        }

        var firer = server.App.Services.GetRequiredService<ScheduleFirer>();
        var first = await firer.FireDueAsync(activatedAt.AddSeconds(1), CancellationToken.None);
        var times = new List<double>();
        var started = 0;
        for (var pass = 0; pass < 5; pass++)
        {
            var clock = Stopwatch.StartNew();
            started += await firer.FireDueAsync(activatedAt.AddSeconds(2 + pass), CancellationToken.None);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        Assert.Equal(0, first);
        Assert.Equal(0, started);
        times.Sort();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"schedule pass, {Flows} active schedule flows, nothing due: median {times[2]:0.0} ms, min {times[0]:0.0} ms, max {times[4]:0.0} ms"));
    }
}
