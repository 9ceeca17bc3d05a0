using System.Text.Json.Nodes;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Testing;
using FlowForge.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Tests.Subflows;

/// <summary><c>core.forEach</c> and <c>flow.call</c> through the real engine on SQLite: child runs, their links, wake-ups, failure, cancel and restart.</summary>
public sealed class SubflowTests
{
    private static readonly Guid OtherOwner = Guid.Parse("00000000-0000-0000-0000-0000000000bb");

    /// <summary>A body that outputs what it was given: { index, item }.</summary>
    private static string EchoBody() => new FlowBuilder("body")
        .Node("trigger", "trigger.manual")
        .Node("echo", "core.set", new JsonObject { ["values"] = new JsonObject { ["index"] = "{{ input.index }}", ["item"] = "{{ input.item }}" } })
        .Edge("trigger", "echo")
        .ToJson();

    private static string ForEachFlow(Guid body, string items = "{{ input.items }}", int concurrency = 10) => new FlowBuilder("parent")
        .Node("trigger", "trigger.manual")
        .Node("each", "core.forEach", new JsonObject { ["items"] = items, ["flowId"] = body.ToString(), ["concurrency"] = concurrency })
        .Edge("trigger", "each")
        .ToJson();

    [Fact]
    public async Task ForEach_ThousandItemsConcurrencyTen_OutputsInItemOrderWithLinkedChildrenNeverOverConcurrency()
    {
        await using var harness = await EngineHarness.StartAsync();
        var body = await harness.CreateFlowAsync(EchoBody());
        var parent = await harness.CreateFlowAsync(ForEachFlow(body));
        var items = new JsonArray([.. Enumerable.Range(0, 1000).Select(i => (JsonNode)$"item-{i}")]);

        var runId = await harness.StartRunAsync(parent, new JsonObject { ["items"] = items });
        var run = await harness.WaitForRunAsync(runId, TimeSpan.FromSeconds(120));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var output = JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "each").OutputJson!)!.AsArray();
        Assert.Equal(1000, output.Count);
        for (var i = 0; i < output.Count; i++)
        {
            Assert.Equal(i, (int)output[i]!["index"]!);
            Assert.Equal($"item-{i}", (string?)output[i]!["item"]);
        }

        var children = await AllChildrenAsync(harness, runId);
        Assert.Equal(1000, children.Count);
        Assert.All(children, c => Assert.Equal(RunStatus.Succeeded, c.Status));
        Assert.All(children, c => Assert.Equal("each", c.ParentNodeId));
        Assert.Equal(Enumerable.Range(0, 1000), children.Select(c => c.ItemIndex!.Value).Order());
        Assert.InRange(MostOpenAtOnce(children), 1, 10);

        var child = await harness.GetRunAsync(children[0].Id);
        Assert.Equal(runId, child!.ParentRunId);
        Assert.Equal("each", child.ParentNodeId);
        Assert.Equal(1, child.Depth);
        Assert.Equal(EngineHarness.Owner, child.OwnerId);
    }

    [Fact]
    public async Task ForEach_EmptyArray_SucceedsWithEmptyArrayAndNoChildren()
    {
        await using var harness = await EngineHarness.StartAsync();
        var body = await harness.CreateFlowAsync(EchoBody());
        var parent = await harness.CreateFlowAsync(ForEachFlow(body));

        var runId = await harness.StartRunAsync(parent, new JsonObject { ["items"] = new JsonArray() });
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("[]", run.Nodes.Single(n => n.NodeId == "each").OutputJson);
        Assert.Empty(await AllChildrenAsync(harness, runId));
    }

    [Fact]
    public async Task ForEach_ItemsNotAnArray_FailsSayingWhatItIs()
    {
        await using var harness = await EngineHarness.StartAsync();
        var body = await harness.CreateFlowAsync(EchoBody());
        var parent = await harness.CreateFlowAsync(ForEachFlow(body));

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(parent, new JsonObject { ["items"] = "not a list" }));

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("items must resolve to an array, but it is string", run.Nodes.Single(n => n.NodeId == "each").Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForEach_OverMaxItems_FailsNamingTheSetting()
    {
        await using var harness = await EngineHarness.StartAsync(services: s => s.Configure<FlowLimits>(o => o.MaxForEachItems = 3));
        var body = await harness.CreateFlowAsync(EchoBody());
        var parent = await harness.CreateFlowAsync(ForEachFlow(body));

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(parent, new JsonObject { ["items"] = new JsonArray(1, 2, 3, 4) }));

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("Flows:MaxForEachItems", run.Nodes.Single(n => n.NodeId == "each").Error, StringComparison.Ordinal);
        Assert.Empty(await AllChildrenAsync(harness, run.Id));
    }

    [Fact]
    public async Task ForEach_FailingItem_FailsNamingIndexAndRetryRerunsOnlyTheFailedChild()
    {
        await using var harness = await EngineHarness.StartAsync();
        // Item 2 takes the branch whose node fails its first attempt; a second attempt succeeds.
        var body = await harness.CreateFlowAsync(new FlowBuilder("body")
            .Node("trigger", "trigger.manual")
            .Node("check", "core.if", new JsonObject { ["condition"] = "{{ input.item.fail }}" })
            .Node("boom", "test.script", new JsonObject { ["failTimes"] = 1 })
            .Node("fine", "test.script")
            .Edge("trigger", "check").Edge("check", "boom", "true").Edge("check", "fine", "false")
            .ToJson());
        var parent = await harness.CreateFlowAsync(ForEachFlow(body, concurrency: 2));
        var items = new JsonArray([.. Enumerable.Range(0, 5).Select(i => (JsonNode)new JsonObject { ["fail"] = i == 2 })]);

        var runId = await harness.StartRunAsync(parent, new JsonObject { ["items"] = items });
        var failed = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Failed, failed.Status);
        var children = (await AllChildrenAsync(harness, runId)).ToDictionary(c => c.ItemIndex!.Value);
        var error = failed.Nodes.Single(n => n.NodeId == "each").Error;
        Assert.Contains("Item 2 failed", error, StringComparison.Ordinal);
        Assert.Contains(children[2].Id.ToString(), error, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Failed, children[2].Status);
        // No item starts after a failure is seen: with two at a time, item 4 never started.
        Assert.False(children.ContainsKey(4));

        var retry = await harness.Services.GetRequiredService<RunCoordinator>().RetryAsync(runId, null, CancellationToken.None);
        Assert.True(retry!.Reopened, retry.Reason);
        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var after = await AllChildrenAsync(harness, runId);
        Assert.Equal(5, after.Count);
        Assert.All(after, c => Assert.Equal(RunStatus.Succeeded, c.Status));
        Assert.Equal(2, harness.Journal.For(children[2].Id, "boom").Count);
        Assert.Equal(children[2].Id, after.Single(c => c.ItemIndex == 2).Id);
        foreach (var child in after.Where(c => c.ItemIndex != 2))
        {
            harness.Journal.Only(child.Id, "fine");
        }

        var output = JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "each").OutputJson!)!.AsArray();
        Assert.Equal(["fine", "fine", "boom", "fine", "fine"], output.Select(o => (string?)o!["node"]));
    }

    [Fact]
    public async Task ForEach_RetryPolicyAndAFailingItem_NextAttemptRerunsOnlyThatChildAndSucceeds()
    {
        await using var harness = await EngineHarness.StartAsync();
        var body = await harness.CreateFlowAsync(new FlowBuilder("body")
            .Node("trigger", "trigger.manual")
            .Node("check", "core.if", new JsonObject { ["condition"] = "{{ input.item.fail }}" })
            .Node("boom", "test.script", new JsonObject { ["failTimes"] = 1 })
            .Node("fine", "test.script")
            .Edge("trigger", "check").Edge("check", "boom", "true").Edge("check", "fine", "false")
            .ToJson());
        var parent = await harness.CreateFlowAsync(new FlowBuilder("parent")
            .Node("trigger", "trigger.manual")
            .Node("each", "core.forEach", new JsonObject { ["items"] = "{{ input.items }}", ["flowId"] = body.ToString() })
            .Data("each", "retry", new JsonObject { ["maxAttempts"] = 2, ["delayMs"] = 0 })
            .Edge("trigger", "each")
            .ToJson());
        var items = new JsonArray(new JsonObject { ["fail"] = false }, new JsonObject { ["fail"] = true }, new JsonObject { ["fail"] = false });

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(parent, new JsonObject { ["items"] = items }));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var each = run.Nodes.Single(n => n.NodeId == "each");
        Assert.Equal(2, each.Attempt);
        Assert.Contains("Item 1 failed", each.Attempts[0].Error, StringComparison.Ordinal);
        var children = await AllChildrenAsync(harness, run.Id);
        Assert.Equal(3, children.Count);
        Assert.Equal(2, harness.Journal.For(children.Single(c => c.ItemIndex == 1).Id, "boom").Count);
        Assert.All(children.Where(c => c.ItemIndex != 1), c => harness.Journal.Only(c.Id, "fine"));
    }

    [Fact]
    public async Task RetryAsync_ChildRun_RefusedPointingToTheParent()
    {
        await using var harness = await EngineHarness.StartAsync();
        var body = await harness.CreateFlowAsync(new FlowBuilder("body").Node("trigger", "trigger.manual").Node("boom", "test.script", new JsonObject { ["failAlways"] = true }).Edge("trigger", "boom").ToJson());
        var parent = await harness.CreateFlowAsync(ForEachFlow(body));
        var runId = await harness.StartRunAsync(parent, new JsonObject { ["items"] = new JsonArray(1) });
        await harness.WaitForRunAsync(runId);
        var child = Assert.Single(await AllChildrenAsync(harness, runId));

        var retry = await harness.Services.GetRequiredService<RunCoordinator>().RetryAsync(child.Id, null, CancellationToken.None);

        Assert.Equal(ReopenOutcome.ChildRun, retry!.Outcome);
        Assert.Contains(runId.ToString(), retry.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FlowCall_ChildSucceeds_OutputsTheChildRunsOutput()
    {
        await using var harness = await EngineHarness.StartAsync();
        var body = await harness.CreateFlowAsync(EchoBody());
        var parent = await harness.CreateFlowAsync(new FlowBuilder("caller")
            .Node("trigger", "trigger.manual")
            .Node("call", "flow.call", new JsonObject { ["flowId"] = body.ToString(), ["input"] = new JsonObject { ["item"] = "{{ input.name }}", ["index"] = 7 } })
            .Node("after", "core.set", new JsonObject { ["values"] = new JsonObject { ["got"] = "{{ nodes.call.output.item }}" } })
            .Edge("trigger", "call").Edge("call", "after")
            .ToJson());

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(parent, new JsonObject { ["name"] = "Ada" }));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["index"] = 7, ["item"] = "Ada" }, JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "call").OutputJson!)));
        Assert.Equal("{\"got\":\"Ada\"}", run.Nodes.Single(n => n.NodeId == "after").OutputJson);
        var child = Assert.Single(await AllChildrenAsync(harness, run.Id));
        Assert.Equal("call", child.ParentNodeId);
        Assert.Equal(0, child.ItemIndex);
    }

    [Fact]
    public async Task FlowCall_VersionGiven_RunsThatVersionAndWithoutOneTheNewest()
    {
        await using var harness = await EngineHarness.StartAsync();
        var body = await harness.CreateFlowAsync(VersionBody(1));
        await harness.Services.GetRequiredService<IFlowStore>().AddVersionAsync(body, EngineHarness.Owner, "body", VersionBody(2), CancellationToken.None);
        var parent = await harness.CreateFlowAsync(new FlowBuilder("caller")
            .Node("trigger", "trigger.manual")
            .Node("pinned", "flow.call", new JsonObject { ["flowId"] = body.ToString(), ["version"] = 1 })
            .Node("newest", "flow.call", new JsonObject { ["flowId"] = body.ToString() })
            .Edge("trigger", "pinned").Edge("trigger", "newest")
            .ToJson());

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(parent));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("{\"version\":1}", run.Nodes.Single(n => n.NodeId == "pinned").OutputJson);
        Assert.Equal("{\"version\":2}", run.Nodes.Single(n => n.NodeId == "newest").OutputJson);
        var children = await AllChildrenAsync(harness, run.Id);
        Assert.Equal([("newest", 2), ("pinned", 1)], children.Select(c => (c.ParentNodeId!, c.FlowVersion)).Order());
    }

    [Fact]
    public async Task ForEach_BodySavedAgainWhileItemsRun_LaterItemsKeepTheVersionTheFirstRan()
    {
        await using var harness = await EngineHarness.StartAsync();
        var body = await harness.CreateFlowAsync(SignalBody());
        var parent = await harness.CreateFlowAsync(ForEachFlow(body, concurrency: 1));
        var signals = harness.Services.GetRequiredService<RunSignals>();
        var runId = await harness.StartRunAsync(parent, new JsonObject { ["items"] = new JsonArray("a", "b") });
        var first = Assert.Single(await WaitForChildrenWaitingAsync(harness, runId, 1));

        // The newest body would answer at once; the second item must still run the version the first one ran, and wait.
        await harness.Services.GetRequiredService<IFlowStore>().AddVersionAsync(body, EngineHarness.Owner, "body", VersionBody(2), CancellationToken.None);
        Assert.Equal(SignalOutcome.Applied, (await signals.SignalAsync(first, null, "pause", "{\"done\":true}", CancellationToken.None)).Outcome);
        var second = Assert.Single(await WaitForChildrenWaitingAsync(harness, runId, 1));
        Assert.Equal(SignalOutcome.Applied, (await signals.SignalAsync(second, null, "pause", "{\"done\":true}", CancellationToken.None)).Outcome);
        var run = await harness.WaitForRunAsync(runId);

        Assert.NotEqual(first, second);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("[{\"done\":true},{\"done\":true}]", run.Nodes.Single(n => n.NodeId == "each").OutputJson);
        Assert.All(await AllChildrenAsync(harness, runId), c => Assert.Equal(1, c.FlowVersion));
    }

    [Fact]
    public async Task FlowCall_ChildFails_FailsWithTheChildsErrorAndRunId()
    {
        await using var harness = await EngineHarness.StartAsync();
        var body = await harness.CreateFlowAsync(new FlowBuilder("body")
            .Node("trigger", "trigger.manual").Node("stop", "core.error", new JsonObject { ["message"] = "no stock" }).Edge("trigger", "stop").ToJson());
        var parent = await harness.CreateFlowAsync(new FlowBuilder("caller")
            .Node("trigger", "trigger.manual").Node("call", "flow.call", new JsonObject { ["flowId"] = body.ToString() }).Edge("trigger", "call").ToJson());

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(parent));

        Assert.Equal(RunStatus.Failed, run.Status);
        var child = Assert.Single(await AllChildrenAsync(harness, run.Id));
        var error = run.Nodes.Single(n => n.NodeId == "call").Error;
        Assert.Contains(child.Id.ToString(), error, StringComparison.Ordinal);
        Assert.Contains("no stock", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FlowCall_AnotherOwnersFlow_FailsFlowNotFoundWithoutStartingIt()
    {
        await using var harness = await EngineHarness.StartAsync();
        var foreign = await harness.Services.GetRequiredService<IFlowStore>().CreateAsync(OtherOwner, "theirs", EchoBody(), CancellationToken.None);
        var parent = await harness.CreateFlowAsync(new FlowBuilder("caller")
            .Node("trigger", "trigger.manual").Node("call", "flow.call", new JsonObject { ["flowId"] = foreign.Id.ToString() }).Edge("trigger", "call").ToJson());

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(parent));

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains($"Flow {foreign.Id} not found", run.Nodes.Single(n => n.NodeId == "call").Error, StringComparison.Ordinal);
        Assert.Empty(await AllChildrenAsync(harness, run.Id));
    }

    [Fact]
    public async Task FlowCall_FlowCallingItself_StopsAtMaxSubflowDepthNamingIt()
    {
        await using var harness = await EngineHarness.StartAsync(services: s => s.Configure<FlowLimits>(o => o.MaxSubflowDepth = 2));
        var flows = harness.Services.GetRequiredService<IFlowStore>();
        var flowId = await harness.CreateFlowAsync(EchoBody());
        await flows.AddVersionAsync(flowId, EngineHarness.Owner, "recursive", new FlowBuilder("recursive")
            .Node("trigger", "trigger.manual").Node("call", "flow.call", new JsonObject { ["flowId"] = flowId.ToString() }).Edge("trigger", "call").ToJson(), CancellationToken.None);

        var run = await harness.WaitForRunAsync(await harness.StartRunAsync(flowId));

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("depth 3", run.Nodes.Single(n => n.NodeId == "call").Error, StringComparison.Ordinal);
        Assert.Contains("Flows:MaxSubflowDepth", run.Nodes.Single(n => n.NodeId == "call").Error, StringComparison.Ordinal);
        var child = Assert.Single(await AllChildrenAsync(harness, run.Id));
        var grandchild = Assert.Single(await AllChildrenAsync(harness, child.Id));
        Assert.Empty(await AllChildrenAsync(harness, grandchild.Id));
        Assert.Equal(2, (await harness.GetRunAsync(grandchild.Id))!.Depth);
    }

    [Fact]
    public async Task CancelAsync_ParentWaitingForChildren_CancelsTheOpenChildren()
    {
        await using var harness = await EngineHarness.StartAsync();
        var body = await harness.CreateFlowAsync(SignalBody());
        var parent = await harness.CreateFlowAsync(ForEachFlow(body, concurrency: 3));
        var runId = await harness.StartRunAsync(parent, new JsonObject { ["items"] = new JsonArray(1, 2, 3, 4) });
        await WaitForChildrenWaitingAsync(harness, runId, 3);

        await harness.Services.GetRequiredService<RunCoordinator>().CancelAsync(runId, null, CancellationToken.None);

        var run = await harness.WaitForRunAsync(runId);
        Assert.Equal(RunStatus.Cancelled, run.Status);
        var children = await AllChildrenAsync(harness, runId);
        Assert.Equal(3, children.Count);
        Assert.All(children, c => Assert.Equal(RunStatus.Cancelled, c.Status));
        foreach (var child in children)
        {
            Assert.Equal(NodeStatus.Cancelled, (await harness.GetRunAsync(child.Id))!.Nodes.Single(n => n.NodeId == "pause").Status);
        }
    }

    [Fact]
    public async Task DeleteAsync_Parent_DeletesItsChildrenAndRefusesDeletingAChild()
    {
        await using var harness = await EngineHarness.StartAsync();
        var body = await harness.CreateFlowAsync(EchoBody());
        var parent = await harness.CreateFlowAsync(ForEachFlow(body));
        var runId = await harness.StartRunAsync(parent, new JsonObject { ["items"] = new JsonArray(1, 2) });
        await harness.WaitForRunAsync(runId);
        var children = await AllChildrenAsync(harness, runId);
        var coordinator = harness.Services.GetRequiredService<RunCoordinator>();

        Assert.Equal(RunDeletion.ChildRun, await coordinator.DeleteAsync(children[0].Id, null, CancellationToken.None));
        Assert.Equal(RunDeletion.Deleted, await coordinator.DeleteAsync(runId, null, CancellationToken.None));

        Assert.Null(await harness.GetRunAsync(runId));
        Assert.All(children, c => Assert.Null(harness.GetRunAsync(c.Id).GetAwaiter().GetResult()));
    }

    [Fact]
    public async Task Restart_WhileChildrenWait_ParentFinishesAfterTheChildrenEnd()
    {
        var directory = Directory.CreateTempSubdirectory("flowforge-subflows-").FullName;
        try
        {
            Guid runId;
            await using (var first = await EngineHarness.StartAsync(directory))
            {
                var body = await first.CreateFlowAsync(SignalBody());
                var parent = await first.CreateFlowAsync(ForEachFlow(body, concurrency: 2));
                runId = await first.StartRunAsync(parent, new JsonObject { ["items"] = new JsonArray("a", "b", "c") });
                await WaitForChildrenWaitingAsync(first, runId, 2);
            }

            await using var second = await EngineHarness.StartAsync(directory);
            var signals = second.Services.GetRequiredService<RunSignals>();
            // Bounded: three items, each signalled once it waits.
            for (var signalled = 0; signalled < 3; signalled++)
            {
                var waiting = await WaitForChildrenWaitingAsync(second, runId, 1);
                var result = await signals.SignalAsync(waiting[0], null, "pause", "{\"done\":true}", CancellationToken.None);
                Assert.Equal(SignalOutcome.Applied, result.Outcome);
            }

            var run = await second.WaitForRunAsync(runId);
            Assert.Equal(RunStatus.Succeeded, run.Status);
            Assert.Equal("[{\"done\":true},{\"done\":true},{\"done\":true}]", run.Nodes.Single(n => n.NodeId == "each").OutputJson);
        }
        finally
        {
            EngineHarness.TryDeleteDirectory(directory);
        }
    }

    /// <summary>A body that outputs which version of it ran: { version }.</summary>
    private static string VersionBody(int version) => new FlowBuilder("body")
        .Node("trigger", "trigger.manual")
        .Node("mark", "core.set", new JsonObject { ["values"] = new JsonObject { ["version"] = version } })
        .Edge("trigger", "mark")
        .ToJson();

    private static string SignalBody() => new FlowBuilder("body")
        .Node("trigger", "trigger.manual")
        .Node("pause", "core.wait", new JsonObject { ["until"] = "signal" })
        .Edge("trigger", "pause")
        .ToJson();

    /// <summary>Waits until at least <paramref name="count"/> children of the run wait for a signal; returns their ids.</summary>
    private static async Task<IReadOnlyList<Guid>> WaitForChildrenWaitingAsync(EngineHarness harness, Guid runId, int count)
    {
        return await Eventually.MatchesAsync(
            async () =>
            {
                var waiting = new List<Guid>();
                foreach (var child in await AllChildrenAsync(harness, runId))
                {
                    if ((await harness.GetRunAsync(child.Id))?.Nodes.Any(n => n.NodeId == "pause" && n.WaitingForSignal) == true)
                    {
                        waiting.Add(child.Id);
                    }
                }

                return (IReadOnlyList<Guid>)waiting;
            },
            waiting => waiting.Count >= count,
            $"{count} children of run {runId} to wait for a signal",
            TimeSpan.FromSeconds(20));
    }

    private static async Task<List<RunSummary>> AllChildrenAsync(EngineHarness harness, Guid runId)
    {
        var store = harness.Services.GetRequiredService<IChildRunStore>();
        var all = new List<RunSummary>();
        string? cursor = null;
        // Bounded: 1,000 children at most in these tests, 200 a page.
        for (var page = 0; page < 10; page++)
        {
            var result = await store.ListChildrenPageAsync(runId, null, new PageRequest(PageRequest.MaxLimit, cursor), CancellationToken.None);
            if (result is null)
            {
                return all;
            }

            all.AddRange(result.Items);
            cursor = result.NextCursor;
            if (cursor is null)
            {
                return all;
            }
        }

        throw new InvalidOperationException($"Run {runId} has more children than the test reads.");
    }

    /// <summary>The most child runs open at one time, from when each was created to when it finished; a finish at the same instant as a start comes first.</summary>
    private static int MostOpenAtOnce(IEnumerable<RunSummary> children)
    {
        var events = children
            .SelectMany(c => new[] { (At: c.CreatedAt, Change: 1), (At: c.FinishedAt!.Value, Change: -1) })
            .OrderBy(e => e.At).ThenBy(e => e.Change);
        var open = 0;
        var most = 0;
        foreach (var (_, change) in events)
        {
            open += change;
            most = Math.Max(most, open);
        }

        return most;
    }
}
