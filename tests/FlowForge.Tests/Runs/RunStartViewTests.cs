using System.Text.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql;
using FlowForge.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;
using static FlowForge.Tests.Testing.PureFlows;

namespace FlowForge.Tests.Runs;

/// <summary>A run its creation finished comes back from the start as a read of it returns it, built from the write.</summary>
public sealed class RunStartViewTests
{
    public static TheoryData<string, string> FlowsOnEveryStore
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var store in new[] { "sqlite", "postgres", "mysql" })
            {
                foreach (var flow in new[] { "diamond", "branches", "second trigger", "trigger alone" })
                {
                    data.Add(flow, store);
                }
            }

            return data;
        }
    }

    [Fact]
    public async Task StartAsync_ReturnsFinishedRun_JoinAfterASkippedNode_NoFinishedRunAndTheRunEndsAsBefore()
    {
        await using var harness = await EngineHarness.StartAsync();
        var flowId = await harness.CreateFlowAsync(BranchFlow().ToJson());
        var runId = Guid.CreateVersion7();

        var start = await harness.Services.GetRequiredService<RunCoordinator>().StartAsync(
            new StartRun(runId, EngineHarness.Owner, flowId, new JsonObject { ["go"] = true }, null) { ReturnsFinishedRun = true }, CancellationToken.None);

        Assert.Null(start.Finished);
        var run = await harness.WaitForRunAsync(runId);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(NodeStatus.Skipped, Statuses(run)["afterNo"]);
    }

    [Theory]
    [MemberData(nameof(FlowsOnEveryStore))]
    public async Task StartAsync_ReturnsFinishedRun_RunFinishedByTheWrite_EqualsTheRunRead(string flow, string store)
    {
        await using var database = store == "sqlite" ? null : await TestDatabase.CreateAsync(store);
        // The region's time untimed: on a loaded machine the first run's nodes (compiled as they run) can take longer
        // than the default 50 ms, and then the rest of the region runs after the write, with no finished run to return.
        await using var harness = await EngineHarness.StartAsync(
            configure: o => o.PureStartTime = TimeSpan.FromSeconds(10),
            storage: database is null ? null : new SqlStorageOptions { Provider = store, ConnectionString = database.ConnectionString });
        var (json, trigger) = flow switch
        {
            "diamond" => (DiamondFlow().ToJson(), (string?)null),
            // A node skipped in the region and what only it reaches, skipped with it (a join after them would wait
            // for the store to tell the skip, so it would run after the write).
            "branches" => (new FlowBuilder("branches").Node("trigger", "trigger.manual").Node("a", "core.noop")
                .Node("check", "core.if", new JsonObject { ["condition"] = "{{ input.go }}" })
                .Node("yes", "core.set", new JsonObject { ["values"] = new JsonObject { ["branch"] = "yes" } })
                .Node("no", "core.set", new JsonObject { ["values"] = new JsonObject { ["branch"] = "no" } })
                .Node("afterNo", "core.noop").Node("afterYes", "test.pureStep", new JsonObject { ["tag"] = "afterYes" })
                .Chain("trigger", "a", "check").Edge("check", "yes", "true").Edge("check", "no", "false")
                .Edge("no", "afterNo").Edge("yes", "afterYes").ToJson(), (string?)null),
            "second trigger" => (new FlowBuilder("two ways in").Node("first", "trigger.manual").Node("second", "trigger.manual")
                .Node("onlyFirst", "core.noop").Node("afterOnlyFirst", "core.noop").Node("onlySecond", "core.noop")
                .Chain("first", "onlyFirst", "afterOnlyFirst").Chain("second", "onlySecond").ToJson(), "second"),
            _ => (new FlowBuilder("alone").Node("trigger", "trigger.manual").ToJson(), null),
        };
        var flowId = await harness.CreateFlowAsync(json);
        var runId = Guid.CreateVersion7();

        var start = await harness.Services.GetRequiredService<RunCoordinator>().StartAsync(
            new StartRun(runId, EngineHarness.Owner, flowId, new JsonObject { ["seed"] = 7, ["go"] = true, ["text"] = "é \u2028" }, null)
            {
                TriggerNodeId = trigger,
                ReturnsFinishedRun = true,
            },
            CancellationToken.None);
        var read = (await harness.GetRunAsync(runId))!;

        Assert.NotNull(start.Finished);
        Assert.Equal(RunStatus.Succeeded, read.Status);
        Assert.Equal(JsonSerializer.Serialize(read), JsonSerializer.Serialize(start.Finished));
    }

    [Fact]
    public async Task StartAsync_NotAsked_NoFinishedRun()
    {
        await using var harness = await EngineHarness.StartAsync();
        var flowId = await harness.CreateFlowAsync(DiamondFlow().ToJson());

        var start = await harness.Services.GetRequiredService<RunCoordinator>().StartAsync(
            new StartRun(Guid.CreateVersion7(), EngineHarness.Owner, flowId, new JsonObject { ["seed"] = 7 }, null), CancellationToken.None);

        Assert.Null(start.Finished);
    }

    [Fact]
    public async Task StartAsync_ReturnsFinishedRun_NodeFailsInTheRegion_NoFinishedRunAndTheRunEndsAsBefore()
    {
        await using var harness = await EngineHarness.StartAsync();
        var flowId = await harness.CreateFlowAsync(DiamondFlow(failAt: "c").ToJson());
        var runId = Guid.CreateVersion7();

        var start = await harness.Services.GetRequiredService<RunCoordinator>().StartAsync(
            new StartRun(runId, EngineHarness.Owner, flowId, new JsonObject { ["seed"] = 7 }, null) { ReturnsFinishedRun = true }, CancellationToken.None);
        var run = await harness.WaitForRunAsync(runId);

        Assert.Null(start.Finished);
        Assert.Equal(RunStatus.Failed, run.Status);
        AssertFailedAtC(run);
    }

    [Fact]
    public async Task StartAsync_ReturnsFinishedRun_PureStartOff_NoFinishedRun()
    {
        await using var harness = await EngineHarness.StartAsync(configure: o => o.PureStartNodes = 0);
        var flowId = await harness.CreateFlowAsync(DiamondFlow().ToJson());
        var runId = Guid.CreateVersion7();

        var start = await harness.Services.GetRequiredService<RunCoordinator>().StartAsync(
            new StartRun(runId, EngineHarness.Owner, flowId, new JsonObject { ["seed"] = 7 }, null) { ReturnsFinishedRun = true }, CancellationToken.None);

        Assert.Null(start.Finished);
        Assert.Equal(RunStatus.Succeeded, (await harness.WaitForRunAsync(runId)).Status);
    }
}
