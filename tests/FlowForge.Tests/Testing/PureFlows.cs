using System.Text.Json.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;

namespace FlowForge.Tests.Testing;

/// <summary>Flows of pure nodes that the tests of pure regions and of the pure start run, and what they give.</summary>
public static class PureFlows
{
    /// <summary>The diamond's nodes after its trigger.</summary>
    public static readonly string[] Diamond = ["a", "b", "c", "d"];

    /// <summary>
    /// trigger → a → {b, c} → d, each a <c>test.pureStep</c> tagged with its id; <paramref name="holdAt"/> holds its first
    /// start, <paramref name="failAt"/> fails, <paramref name="slowAt"/> takes 20 ms.
    /// </summary>
    public static FlowBuilder DiamondFlow(string? holdAt = null, string? failAt = null, string? slowAt = null)
    {
        var flow = new FlowBuilder("pure diamond").Node("trigger", "trigger.manual");
        foreach (var id in Diamond)
        {
            flow.Node(id, "test.pureStep", new JsonObject { ["tag"] = id, ["holdFirst"] = id == holdAt, ["fail"] = id == failAt, ["delayMilliseconds"] = id == slowAt ? 20 : 0 });
        }

        return flow.Edge("trigger", "a").Edge("a", "b").Edge("a", "c").Edge("b", "d").Edge("c", "d");
    }

    /// <summary>
    /// trigger → a → check; check true → yes → fork → {left, right} → both → join; check false → no → afterNo → join.
    /// </summary>
    public static FlowBuilder BranchFlow() =>
        new FlowBuilder("pure branches").Node("trigger", "trigger.manual").Node("a", "core.noop")
            .Node("check", "core.if", new JsonObject { ["condition"] = "{{ input.go }}" })
            .Node("yes", "core.set", new JsonObject { ["values"] = new JsonObject { ["branch"] = "yes" } })
            .Node("fork", "core.noop").Node("left", "core.noop").Node("right", "core.noop")
            .Node("both", "core.merge", new JsonObject { ["mode"] = "object" })
            .Node("no", "core.set", new JsonObject { ["values"] = new JsonObject { ["branch"] = "no" } }).Node("afterNo", "core.noop")
            .Node("join", "core.merge", new JsonObject { ["mode"] = "object" })
            .Chain("trigger", "a", "check").Edge("check", "yes", "true").Edge("check", "no", "false")
            .Edge("yes", "fork").Edge("fork", "left").Edge("fork", "right").Edge("left", "both").Edge("right", "both").Edge("both", "join")
            .Edge("no", "afterNo").Edge("afterNo", "join");

    /// <summary>
    /// The diamond that fails at c, as it ends: a and b succeeded once, c failed on its one attempt after running twice
    /// (in the region whose write it ended, then on its own claim), d never ran.
    /// </summary>
    public static void AssertFailedAtC(RunView run)
    {
        Assert.All(["a", "b"], id => Assert.Equal((NodeStatus.Succeeded, 1), run.Nodes.Single(n => n.NodeId == id) is var n ? (n.Status, n.Attempt) : default));
        var c = run.Nodes.Single(n => n.NodeId == "c");
        Assert.Equal((NodeStatus.Failed, 1), (c.Status, c.Attempt));
        Assert.Single(c.Attempts);
        Assert.Equal(2, PureStepNode.StartsOf(run.Id, "c").Count);
        Assert.Empty(PureStepNode.StartsOf(run.Id, "d"));
    }

    /// <summary>The branch flow run with <c>{ "go": true }</c> by a process that chains nothing: what every other way must end as.</summary>
    public static async Task<RunView> PlainBranchRunAsync(string json)
    {
        await using var harness = await EngineHarness.StartAsync(configure: o => o.LocalChainSteps = 0);
        return await harness.WaitForRunAsync(await harness.StartRunAsync(await harness.CreateFlowAsync(json), new JsonObject { ["go"] = true }));
    }

    /// <summary>
    /// The branch flow ended as <paramref name="plain"/> did: the same statuses, the false branch skipped, the join
    /// succeeded with the same output.
    /// </summary>
    public static void AssertEndedAsPlain(RunView plain, RunView run)
    {
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(Statuses(plain), Statuses(run));
        Assert.Equal(NodeStatus.Skipped, run.Nodes.Single(n => n.NodeId == "no").Status);
        Assert.Equal(NodeStatus.Skipped, run.Nodes.Single(n => n.NodeId == "afterNo").Status);
        Assert.Equal(NodeStatus.Succeeded, run.Nodes.Single(n => n.NodeId == "join").Status);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse(plain.Nodes.Single(n => n.NodeId == "join").OutputJson!),
            JsonNode.Parse(run.Nodes.Single(n => n.NodeId == "join").OutputJson!)));
    }

    public static Dictionary<string, NodeStatus> Statuses(RunView run) => run.Nodes.ToDictionary(n => n.NodeId, n => n.Status);

    /// <summary>The output of the diamond's d for the input <c>{ "seed": 7 }</c>.</summary>
    public static JsonNode ExpectedD()
    {
        static JsonNode Branch(string tag) =>
            new JsonObject { ["tag"] = tag, ["input"] = new JsonObject { ["tag"] = "a", ["input"] = new JsonObject { ["seed"] = 7 } } };

        return new JsonObject { ["tag"] = "d", ["input"] = new JsonObject { ["b"] = Branch("b"), ["c"] = Branch("c") } };
    }
}
