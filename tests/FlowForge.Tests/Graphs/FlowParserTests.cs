using System.Text.Json.Nodes;
using FlowForge.Engine.Graphs;

namespace FlowForge.Tests.Graphs;

public sealed class FlowParserTests
{
    [Fact]
    public void Parse_DiamondFixture_ReadsNodesAndEdgesIgnoringEditorFields()
    {
        var check = FlowParser.Parse(FlowBuilder.FixtureJson("diamond"));

        Assert.Empty(check.Problems);
        var document = Assert.IsType<FlowDocument>(check.Document);
        Assert.Equal("Diamond", document.Name);
        Assert.Equal(["trigger", "a", "b", "c", "d"], document.Nodes.Select(n => n.Id));
        Assert.Equal(["trigger.manual", "core.noop", "core.noop", "core.noop", "core.noop"], document.Nodes.Select(n => n.Type));

        var b = document.Nodes[2];
        Assert.Equal(480, b.X);
        Assert.Equal(60.5, b.Y);
        Assert.Equal("Left", b.Label);
        Assert.Null(b.Config);
        Assert.Equal("Left", b.Data!["label"]!.GetValue<string>());

        Assert.Equal(["trigger-a", "a-b", "a-c", "b-d", "c-d"], document.Edges.Select(e => e.Id));
        Assert.Equal(new FlowEdge("trigger-a", "trigger", "a", null), document.Edges[0]);
        Assert.Equal(new FlowEdge("a-b", "a", "b", "main"), document.Edges[1]);
    }

    [Fact]
    public void Parse_DataWithPolicies_KeepsWholeDataObjectAndConfig()
    {
        var document = FlowParser.Parse(FlowBuilder.FixtureJson("set-and-wait")).Document!;

        var greeting = document.Nodes[1];
        Assert.Equal(3, greeting.Data!["retry"]!["maxAttempts"]!.GetValue<int>());
        Assert.Equal("Hello {{ input.name }}!", greeting.Config!["values"]!["message"]!.GetValue<string>());
        Assert.Equal(5000, document.Nodes[2].Data!["timeoutMs"]!.GetValue<int>());
    }

    [Fact]
    public void Parse_MalformedJson_ReportsInvalidJsonWithLineAndPosition()
    {
        const string json = "{\n  \"name\": \"broken\",\n  \"nodes\": [ { \"id\": \"a\" , } ],\n  \"edges\": []\n}";

        var check = FlowParser.Parse(json);

        Assert.Null(check.Document);
        var problem = Assert.Single(check.Problems);
        Assert.Equal(GraphProblemCodes.InvalidJson, problem.Code);
        Assert.Contains("line 3", problem.Message, StringComparison.Ordinal);
        Assert.Contains("position", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TruncatedJson_ReportsInvalidJson()
    {
        var check = FlowParser.Parse("{ \"name\": \"cut\", \"nodes\": [");

        Assert.Equal(GraphProblemCodes.InvalidJson, Assert.Single(check.Problems).Code);
    }

    [Fact]
    public void Parse_RepeatedProperty_ReportsInvalidJson()
    {
        var check = FlowParser.Parse("""{ "name": "a", "name": "b", "nodes": [], "edges": [] }""");

        Assert.Equal(GraphProblemCodes.InvalidJson, Assert.Single(check.Problems).Code);
    }

    [Fact]
    public void Parse_ManyMissingFields_ReportsEveryOneAtOnce()
    {
        const string json = """
            {
              "nodes": [
                { "id": "trigger", "type": "trigger.manual", "position": { "x": 0, "y": 0 }, "data": {} },
                { "id": "a", "position": { "x": 0 }, "data": {} },
                { "type": "core.noop", "position": { "x": 0, "y": 0 } }
              ],
              "edges": [
                { "id": "e1", "source": "trigger" }
              ]
            }
            """;

        var check = FlowParser.Parse(json);

        Assert.Null(check.Document);
        Assert.All(check.Problems, p => Assert.Equal(GraphProblemCodes.MissingField, p.Code));
        Assert.Equal(
            ["name", "nodes[1].type", "nodes[1].position.y", "nodes[2].id", "nodes[2].data", "edges[0].target"],
            check.Problems.Select(p => p.Field));
        Assert.Equal("a", check.Problems.Single(p => p.Field == "nodes[1].type").NodeId);
        Assert.Equal("a", check.Problems.Single(p => p.Field == "nodes[1].position.y").NodeId);
        Assert.Null(check.Problems.Single(p => p.Field == "nodes[2].id").NodeId);
        Assert.Equal("e1", check.Problems.Single(p => p.Field == "edges[0].target").EdgeId);
    }

    [Theory]
    [InlineData("""{ "name": "f", "nodes": [ { "id": 7, "type": "core.noop", "position": { "x": 0, "y": 0 }, "data": {} } ], "edges": [] }""", "nodes[0].id")]
    [InlineData("""{ "name": "f", "nodes": {}, "edges": [] }""", "nodes")]
    [InlineData("""{ "name": "f", "nodes": [], "edges": "none" }""", "edges")]
    [InlineData("""{ "name": 12, "nodes": [], "edges": [] }""", "name")]
    [InlineData("""{ "name": "   ", "nodes": [], "edges": [] }""", "name")]
    [InlineData("""{ "name": "f", "nodes": [ { "id": "a", "type": "core.noop", "position": { "x": "10", "y": 0 }, "data": {} } ], "edges": [] }""", "nodes[0].position.x")]
    [InlineData("""{ "name": "f", "nodes": [ { "id": "a", "type": "core.noop", "position": [0, 0], "data": {} } ], "edges": [] }""", "nodes[0].position")]
    [InlineData("""{ "name": "f", "nodes": [ { "id": "a", "type": "core.noop", "position": { "x": 0, "y": 0 }, "data": "config" } ], "edges": [] }""", "nodes[0].data")]
    [InlineData("""{ "name": "f", "nodes": [ { "id": "a", "type": "core.noop", "position": { "x": 0, "y": 0 }, "data": { "label": 5 } } ], "edges": [] }""", "nodes[0].data.label")]
    [InlineData("""{ "name": "f", "nodes": [ 42 ], "edges": [] }""", "nodes[0]")]
    [InlineData("""{ "name": "f", "nodes": [], "edges": [ { "id": "e", "source": "a", "target": "b", "sourceHandle": 1 } ] }""", "edges[0].sourceHandle")]
    [InlineData("""{ "name": "f", "nodes": [], "edges": [ { "id": "e", "source": true, "target": "b" } ] }""", "edges[0].source")]
    public void Parse_WrongJsonType_ReportsInvalidFieldAtPath(string json, string field)
    {
        var check = FlowParser.Parse(json);

        Assert.Null(check.Document);
        var problem = Assert.Single(check.Problems);
        Assert.Equal(GraphProblemCodes.InvalidField, problem.Code);
        Assert.Equal(field, problem.Field);
    }

    [Fact]
    public void Parse_WrongTypeOnIdentifiedNode_NamesTheNode()
    {
        const string json = """{ "name": "f", "nodes": [ { "id": "wait", "type": ["core.wait"], "position": { "x": 0, "y": 0 }, "data": {} } ], "edges": [] }""";

        var problem = Assert.Single(FlowParser.Parse(json).Problems);

        Assert.Equal("wait", problem.NodeId);
        Assert.Equal("nodes[0].type", problem.Field);
        Assert.Contains("must be a string", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RootNotAnObject_ReportsInvalidField()
    {
        var problem = Assert.Single(FlowParser.Parse("[1, 2]").Problems);

        Assert.Equal(GraphProblemCodes.InvalidField, problem.Code);
    }

    [Fact]
    public void Parse_NullSourceHandleAndMissingConfig_AreAccepted()
    {
        const string json = """
            {
              "name": "f",
              "nodes": [ { "id": "a", "type": "core.noop", "position": { "x": 1.5, "y": -2 }, "data": { "label": null } } ],
              "edges": [ { "id": "e", "source": "a", "target": "a", "sourceHandle": null, "targetHandle": "in" } ]
            }
            """;

        var check = FlowParser.Parse(json);

        Assert.True(check.Document is not null, string.Join("; ", check.Problems.Select(p => p.Message)));
        Assert.Null(check.Document.Edges[0].SourceHandle);
        Assert.Null(check.Document.Nodes[0].Label);
        Assert.Null(check.Document.Nodes[0].Config);
        Assert.Equal(-2, check.Document.Nodes[0].Y);
    }

    [Fact]
    public void Parse_ParsedJsonNode_ReadsTheSameDocument()
    {
        var fromText = FlowParser.Parse(FlowBuilder.FixtureJson("diamond")).Document!;

        var fromNode = FlowParser.Parse(JsonNode.Parse(FlowBuilder.FixtureJson("diamond"))).Document!;

        Assert.Equal(fromText.Nodes.Select(n => (n.Id, n.Type, n.X, n.Y, n.Label)), fromNode.Nodes.Select(n => (n.Id, n.Type, n.X, n.Y, n.Label)));
        Assert.Equal(fromText.Edges, fromNode.Edges);
    }

    [Theory]
    [InlineData("""{ "name": "a", "nodes": [ { "id": "x", "type": "core.noop", "position": { "x": 0, "y": 0 }, "data": { "config": { "k": 1, "k": 2 } } } ], "edges": [] }""", "nodes[0].data.config.k")]
    [InlineData("""{ "name": "\ud800", "nodes": [], "edges": [] }""", "name")]
    [InlineData("""{ "name": "a\u0000", "nodes": [], "edges": [] }""", "name")]
    [InlineData("""{ "name": "a", "nodes": [], "edges": [], "viewport": { "zoom": 1e999999 } }""", "viewport.zoom")]
    public void Parse_TextThePolicyRefuses_ReportsInvalidJsonNamingTheField(string json, string field)
    {
        var check = FlowParser.Parse(json);

        Assert.Null(check.Document);
        var problem = Assert.Single(check.Problems);
        Assert.Equal(GraphProblemCodes.InvalidJson, problem.Code);
        Assert.Equal(field, problem.Field);
    }

    [Fact]
    public void Parse_ViewportDeeperThanTheStoredDepth_IsRefused()
    {
        var deep = new string('[', 70) + new string(']', 70);

        var check = FlowParser.Parse($$"""{ "name": "a", "nodes": [], "edges": [], "viewport": {{deep}} }""");

        Assert.Equal(GraphProblemCodes.InvalidJson, Assert.Single(check.Problems).Code);
    }
}
