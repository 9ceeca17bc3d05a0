using System.Text.Json.Nodes;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Nodes;
using FlowForge.Tests.Nodes;

namespace FlowForge.Tests.Graphs;

public sealed class PlanCompilerTests
{
    private static readonly Guid FlowId = Guid.Parse("5d1c0f6e-3f0c-4a57-9a56-7d3c2c1b0a01");

    [Fact]
    public void Compile_Diamond_OrdersNodesTopologicallyWithJoinCounts()
    {
        var plan = PlanCompiler.Compile(FlowBuilder.FromFixture("diamond").ToDocument(), FlowId, 3);

        Assert.Equal(FlowId, plan.FlowId);
        Assert.Equal(3, plan.Version);
        Assert.Equal(["trigger", "a", "b", "c", "d"], plan.Nodes.Select(n => n.Id));
        Assert.Equal("trigger", plan.Trigger.Id);
        Assert.Equal([true, false, false, false, false], plan.Nodes.Select(n => n.IsTrigger));
        Assert.Equal([0, 1, 1, 1, 2], plan.Nodes.Select(n => n.JoinCount));
        Assert.Equal(["b", "c"], plan["d"].Parents);
        Assert.Equal(["b", "c"], plan["d"].Dependencies);
        Assert.Equal([new PlanEdge("a-b", NodePorts.Main, "b"), new PlanEdge("a-c", NodePorts.Main, "c")], plan["a"].Children);
        Assert.Equal([new PlanEdge("trigger-a", NodePorts.Main, "a")], plan["trigger"].Children);
        Assert.Empty(plan["d"].Children);
    }

    [Fact]
    public void Compile_NodesListedOutOfOrder_StillPutsParentsFirst()
    {
        var document = new FlowBuilder()
            .Node("last", "core.noop").Node("middle", "core.noop").Node("t", "trigger.manual")
            .Chain("t", "middle", "last")
            .ToDocument();

        var plan = PlanCompiler.Compile(document, FlowId, 1);

        Assert.Equal(["t", "middle", "last"], plan.Nodes.Select(n => n.Id));
    }

    [Fact]
    public void Compile_ExpressionsNamingAncestors_AddThemToDependencies()
    {
        var plan = PlanCompiler.Compile(FlowBuilder.FromFixture("set-and-wait").ToDocument(), FlowId, 1);

        var summary = plan["summary"];
        Assert.Equal(["pause"], summary.Parents);
        Assert.Equal(["pause", "greeting"], summary.Dependencies);
        Assert.Equal(["trigger"], plan["greeting"].Dependencies);
        Assert.Equal("core.wait", plan["pause"].Type);
        Assert.Equal(60000, plan["pause"].Config!["ms"]!.GetValue<int>());
    }

    [Fact]
    public void Compile_TwoEdgesBetweenTheSameNodes_CountsBothButListsTheParentOnce()
    {
        var document = new FlowBuilder()
            .Node("t", "trigger.manual").Node("if", "test.branch").Node("after", "core.noop")
            .Edge("t", "if")
            .Edge("if", "after", port: "true", id: "yes")
            .Edge("if", "after", port: "false", id: "no")
            .ToDocument();

        var plan = PlanCompiler.Compile(document, FlowId, 1);

        Assert.Equal(2, plan["after"].JoinCount);
        Assert.Equal(["if"], plan["after"].Parents);
        Assert.Equal([new PlanEdge("yes", "true", "after"), new PlanEdge("no", "false", "after")], plan["if"].Children);
    }

    [Fact]
    public void Compile_Config_IsCopiedSoThePlanOwnsIt()
    {
        var document = FlowBuilder.FromFixture("set-and-wait").ToDocument();

        var plan = PlanCompiler.Compile(document, FlowId, 1);
        document.Nodes[2].Config!["ms"] = 1;

        Assert.Equal(60000, plan["pause"].Config!["ms"]!.GetValue<int>());
    }

    [Fact]
    public async Task Compile_SetAndWaitFixture_PlanRunsNodeByNodeToTheExpectedOutput()
    {
        var plan = PlanCompiler.Compile(FlowBuilder.FromFixture("set-and-wait").ToDocument(), FlowId, 1);
        var runInput = JsonNode.Parse("""{ "name": "Ada" }""");
        var outputs = new Dictionary<string, JsonNode?>();
        DateTimeOffset? waitedUntil = null;

        // Runs the plan the way the engine does: parents before children, Input from the parents,
        // Upstream from the dependencies, and a second execution once a wait is over.
        foreach (var node in plan.Nodes)
        {
            Assert.True(TestNodeTypes.Registry.TryGet(node.Type, out var type));
            var input = node.IsTrigger ? runInput
                : node.Parents.Count == 1 ? outputs[node.Parents[0]]
                : new JsonObject(node.Parents.Select(p => KeyValuePair.Create(p, outputs[p]?.DeepClone())));
            var upstream = node.Dependencies.ToDictionary(d => d, d => outputs[d]);

            var result = await type.ExecuteAsync(NodeContexts.For(node.Config, input, runInput, upstream), CancellationToken.None);
            if (result.Kind == NodeResultKind.Waiting)
            {
                waitedUntil = result.WaitUntil;
                result = await type.ExecuteAsync(NodeContexts.For(node.Config, input, runInput, upstream, result.WaitUntil), CancellationToken.None);
            }

            Assert.Equal(NodeResultKind.Succeeded, result.Kind);
            outputs[node.Id] = result.Output;
        }

        Assert.Equal(NodeContexts.Now.AddMinutes(1), waitedUntil);
        Assert.Equal("""{"message":"Hello Ada!","customer":{"name":"Ada"},"count":3}""", outputs["greeting"]!.ToJsonString());
        Assert.Equal("""{"text":"Hello Ada!","waitedFor":"Ada"}""", outputs["summary"]!.ToJsonString());
    }

    [Fact]
    public void Compile_Cycle_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => PlanCompiler.Compile(FlowBuilder.FromFixture("cycle").ToDocument(), FlowId, 1));
    }

    [Fact]
    public void Compile_SeveralTriggers_ListsEveryNodeWithoutParentsAsTrigger()
    {
        var plan = PlanCompiler.Compile(FlowBuilder.FromFixture("several-triggers").ToDocument(), FlowId, 1);

        Assert.Equal(["manual", "webhook", "nightly"], plan.Triggers.Select(t => t.Id));
        Assert.Equal("manual", plan.Trigger.Id);
        Assert.All(plan.Triggers, t => Assert.True(t.IsTrigger));
        Assert.Equal(2, plan["shared"].JoinCount);
    }

    [Fact]
    public void Compile_LongChain_KeepsEveryNode()
    {
        var ids = Enumerable.Range(0, 1_000).Select(i => $"n{i}").ToArray();
        var flow = new FlowBuilder().Node(ids[0], "trigger.manual");
        foreach (var id in ids[1..])
        {
            flow.Node(id, "core.set", new JsonObject { ["values"] = new JsonObject { ["first"] = "{{ nodes.n0.output }}" } });
        }

        var plan = PlanCompiler.Compile(flow.Chain(ids).ToDocument(), FlowId, 1);

        Assert.Equal(ids, plan.Nodes.Select(n => n.Id));
        Assert.Equal(["n998", "n0"], plan["n999"].Dependencies);
    }
}
