using System.Text.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Expressions;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;

namespace FlowForge.Tests.Runs;

public sealed class NodeInputsTests
{
    [Fact]
    public void From_JoinOfFiveHundredOneMegabyteParents_SharesOutputsInsteadOfCopying()
    {
        const int Parents = 500;
        var megabyte = StoredJson.Parse(JsonSerializer.Serialize(new { s = new string('x', 1024 * 1024) }));
        var parents = Enumerable.Range(0, Parents).Select(i => $"p{i}").ToList();
        var outputs = parents.ToDictionary(p => p, _ => megabyte, StringComparer.Ordinal);
        var join = new PlanNode("join", "core.set", null, false, parents, [], parents);
        var claim = new ClaimedNode(Guid.NewGuid(), "join", 1, 1, StoredJson.Parse("{}"), outputs, null, false);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var inputs = NodeInputs.From(join, claim);
        var keyed = inputs.Input!.AsObject();
        var seen = keyed.Count(p => p.Value is JsonObject);
        var read = ExpressionResolver.ResolveTemplates(JsonValue.Create("{{ nodes.p499.output.s }}"), new ExpressionScope(inputs.RunInput, inputs.Upstream), "config.s");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(Parents, seen);
        Assert.Equal(1024 * 1024, read!.GetValue<string>().Length);
        // 500 copies would be over 500 MB; reading one value out as text costs a few MB.
        Assert.True(allocated < 32L * 1024 * 1024, $"building the join's input allocated {allocated:N0} bytes");
    }

    [Fact]
    public void From_JoinInput_ChangingItLeavesUpstreamUntouched()
    {
        var output = StoredJson.Parse("""{"n":1}""");
        var join = new PlanNode("join", "core.noop", null, false, ["a", "b"], [], ["a", "b"]);
        var claim = new ClaimedNode(Guid.NewGuid(), "join", 1, 1, StoredJson.Parse("{}"), new Dictionary<string, JsonElement?> { ["a"] = output, ["b"] = output }, null, false);

        var inputs = NodeInputs.From(join, claim);
        inputs.Input!["a"]!["n"] = 2;

        Assert.Equal("""{"a":{"n":2},"b":{"n":1}}""", inputs.Input.ToJsonString());
        Assert.Equal("""{"n":1}""", inputs.Upstream["a"]!.ToJsonString());
    }

    [Fact]
    public void From_NullOutput_IsNullInInputAndUpstream()
    {
        var node = new PlanNode("next", "core.noop", null, false, ["a"], [], ["a"]);
        var claim = new ClaimedNode(Guid.NewGuid(), "next", 1, 1, StoredJson.Parse("""{"x":1}"""), new Dictionary<string, JsonElement?> { ["a"] = null }, null, false);

        var inputs = NodeInputs.From(node, claim);

        Assert.Null(inputs.Input);
        Assert.Null(inputs.Upstream["a"]);
        Assert.Equal("""{"x":1}""", inputs.RunInput!.ToJsonString());
    }
}
