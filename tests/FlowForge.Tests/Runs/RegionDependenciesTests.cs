using System.Text.Json;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;

namespace FlowForge.Tests.Runs;

/// <summary>A node run in a pure region reads its dependencies from the region by the plan's node index, through one view.</summary>
public sealed class RegionDependenciesTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.UnixEpoch;

    private static ExecutionPlan Diamond() => new(Guid.NewGuid(), 1,
    [
        new PlanNode("t", "trigger.manual", null, true, [], [new("e0", "main", "a")], []),
        new PlanNode("a", "core.noop", null, false, ["t"], [new("e1", "main", "b"), new("e2", "main", "c")], ["t"]),
        new PlanNode("b", "core.noop", null, false, ["a"], [new("e3", "main", "d")], ["a"]),
        new PlanNode("c", "core.noop", null, false, ["a"], [new("e4", "main", "d")], ["a"]),
        new PlanNode("d", "core.noop", null, false, ["b", "c"], [], ["b", "c", "t"]),
    ]);

    [Fact]
    public void View_Join_ReadsEachDependencyAsTheFourMapsDid()
    {
        var plan = Diamond();
        var region = new PureRegion(plan, 4);
        var fromT = StoredJson.Parse("""{"t":1}""");
        region.Know(plan.IndexOf("t"), fromT, At, ["main"], """{"t":1}""");
        region.RanNode(plan.IndexOf("b"), StoredJson.Parse("""{"b":1}"""), At.AddSeconds(2), ["main"], """{"b":1}""");
        region.RanNode(plan.IndexOf("c"), StoredJson.Parse("""{"c":1}"""), At.AddSeconds(1), ["main"], null);
        var d = plan["d"];
        var view = new RegionDependencies(region, d, plan.DependencyIndexes(plan.IndexOf("d")));
        IReadOnlyDictionary<string, JsonElement?> outputs = view;
        IReadOnlyDictionary<string, DateTimeOffset> finished = view;
        IReadOnlyDictionary<string, IReadOnlyList<string>> ports = view;
        IReadOnlyDictionary<string, string?> texts = view;

        Assert.Equal(["b", "c", "t"], outputs.Keys);
        Assert.Equal(3, outputs.Count);
        Assert.Equal("""{"b":1}""", outputs["b"]!.Value.GetRawText());
        Assert.Equal(At.AddSeconds(1), finished["c"]);
        Assert.Equal(["main"], ports["t"]);
        Assert.Equal("""{"b":1}""", texts["b"]);
        Assert.True(texts.TryGetValue("c", out var none) && none is null);
        Assert.False(outputs.TryGetValue("a", out _));
        Assert.False(outputs.ContainsKey("x"));
        Assert.Throws<KeyNotFoundException>(() => finished["a"]);
        Assert.Equal(["b", "c", "t"], outputs.Select(p => p.Key));
    }

    [Fact]
    public void View_ManyDependencies_FindsThemByThePlansIndex()
    {
        const int Parents = 40;
        var parents = Enumerable.Range(0, Parents).Select(i => $"p{i}").ToList();
        var nodes = new List<PlanNode> { new("t", "trigger.manual", null, true, [], [.. parents.Select(p => new PlanEdge($"e{p}", "main", p))], []) };
        nodes.AddRange(parents.Select(p => new PlanNode(p, "core.noop", null, false, ["t"], [new PlanEdge($"j{p}", "main", "join")], ["t"])));
        nodes.Add(new PlanNode("join", "core.noop", null, false, parents, [], parents));
        var plan = new ExecutionPlan(Guid.NewGuid(), 1, nodes);
        var region = new PureRegion(plan, 4);
        foreach (var p in parents)
        {
            region.RanNode(plan.IndexOf(p), StoredJson.Parse($$"""{"{{p}}":1}"""), At, ["main"], null);
        }

        IReadOnlyDictionary<string, JsonElement?> view = new RegionDependencies(region, plan["join"], plan.DependencyIndexes(plan.IndexOf("join")));

        Assert.Equal(Parents, view.Count);
        Assert.Equal("""{"p37":1}""", view["p37"]!.Value.GetRawText());
        Assert.False(view.ContainsKey("t"));
    }

    [Fact]
    public void Region_QueuedNodeThatRan_StaysQueuedAndRan()
    {
        var plan = Diamond();
        var region = new PureRegion(plan, 4);
        var b = plan.IndexOf("b");
        var claim = new ClaimedNode(Guid.NewGuid(), "b", 0, 1, null, new Dictionary<string, JsonElement?>(), null, false);

        region.Enqueue(b, claim);
        Assert.True(region.IsQueued(b));
        Assert.False(region.HasRun(b));
        Assert.False(region.HasOutputAndPorts(b));
        Assert.Same(claim, region.Dequeue());
        Assert.Null(region.Dequeue());
        region.RanNode(b, null, At, ["main"], "null");

        Assert.True(region.IsQueued(b));
        Assert.True(region.HasRun(b));
        Assert.True(region.HasOutputAndPorts(b));
        Assert.False(region.HasRun(plan.IndexOf("c")));
    }
}
