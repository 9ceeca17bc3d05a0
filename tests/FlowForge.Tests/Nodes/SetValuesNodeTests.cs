using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Nodes.Core;

namespace FlowForge.Tests.Nodes;

public sealed class SetValuesNodeTests
{
    private readonly INodeType _node = new SetValuesNode();

    [Fact]
    public async Task ExecuteAsync_PlainValues_OutputsThem()
    {
        var config = JsonNode.Parse("""{ "values": { "status": "open", "priority": 2, "tags": ["a"], "meta": { "x": null } } }""");

        var result = await _node.ExecuteAsync(NodeContexts.For(config), CancellationToken.None);

        Assert.Equal(NodeResultKind.Succeeded, result.Kind);
        Assert.Equal("""{"status":"open","priority":2,"tags":["a"],"meta":{"x":null}}""", result.Output!.ToJsonString());
    }

    [Fact]
    public async Task ExecuteAsync_Expressions_AreResolvedFromRunInputAndUpstreamOutputs()
    {
        var config = JsonNode.Parse("""
            {
              "values": {
                "greeting": "Hello {{ input.customer.name }}, order {{ nodes.fetch.output.id }}",
                "customer": "{{ input.customer }}",
                "total": "{{ nodes.fetch.output.total }}",
                "firstItem": "{{ nodes.fetch.output.items[0] }}",
                "missing": "{{ input.nothing.here }}",
                "literal": 7
              }
            }
            """);
        var runInput = JsonNode.Parse("""{ "customer": { "name": "Ada", "vip": true } }""");
        var upstream = new Dictionary<string, JsonNode?> { ["fetch"] = JsonNode.Parse("""{ "id": "A-17", "total": 99.5, "items": ["pen"] }""") };

        var result = await _node.ExecuteAsync(NodeContexts.For(config, runInput: runInput, upstream: upstream), CancellationToken.None);

        Assert.Equal(
            """{"greeting":"Hello Ada, order A-17","customer":{"name":"Ada","vip":true},"total":99.5,"firstItem":"pen","missing":null,"literal":7}""",
            result.Output!.ToJsonString());
        Assert.Contains("{{", config!["values"]!["greeting"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_ExpressionReadingNodeNotUpstream_FailsNamingIt()
    {
        var config = JsonNode.Parse("""{ "values": { "x": "{{ nodes.later.output }}" } }""");

        var result = await _node.ExecuteAsync(NodeContexts.For(config), CancellationToken.None);

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.Contains("'later'", result.Error, StringComparison.Ordinal);
        Assert.Contains("config.values.x", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateConfig_WithoutValues_ReportsTheMissingSetting()
    {
        var problem = Assert.Single(_node.ValidateConfig(new JsonObject()));

        Assert.Equal("$", problem.Path);
        Assert.Contains("values", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateConfig_ValuesNotAnObject_ReportsThePath()
    {
        var problem = Assert.Single(_node.ValidateConfig(JsonNode.Parse("""{ "values": [1, 2] }""")));

        Assert.Equal("$.values", problem.Path);
    }

    [Fact]
    public void Descriptor_SchemaDescribesValues()
    {
        var schema = _node.Descriptor.ConfigSchema;

        Assert.Equal("core.set", _node.Descriptor.Id);
        Assert.NotNull(schema["properties"]?["values"]?["description"]);
    }

    [Fact]
    public void ExecuteAsync_OneKilobyteReadFromTheInput_BindsWithoutWritingItOutAndReadingItBack()
    {
        // The linear-10 bench's node. Binding the resolved config through the serializer wrote its 1 KB out and parsed it
        // into a new document on every run, its templates were searched and their paths written each time, and the value
        // read was a copy of its bytes: 6,288 bytes a run here. With the templates read once per config, the object taken
        // as it is and the value the stored input's own element: 1,848.
        var config = JsonNode.Parse("""{ "values": { "n": "{{ input.n }}", "payload": "{{ input.payload }}", "kind": "bench" } }""");
        var payload = new string('x', 1024);
        var runInput = StoredJson.Parse($$"""{"n":1,"payload":"{{payload}}"}""");
        long Run()
        {
            var context = NodeContexts.For(config, runInput: NodeInputs.View(runInput));
            var before = GC.GetAllocatedBytesForCurrentThread();
            var result = _node.ExecuteAsync(context, CancellationToken.None).GetAwaiter().GetResult();
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(NodeResultKind.Succeeded, result.Kind);
            Assert.Equal($$"""{"n":1,"payload":"{{payload}}","kind":"bench"}""", result.Output!.ToJsonString());
            return allocated;
        }

        Run();
        var allocated = Run();

        Assert.True(allocated < 3_000, $"a run of the node allocated {allocated:N0} bytes");
    }
}
