using System.Globalization;
using System.Text.Json.Nodes;
using FlowForge.Engine.Graphs;

namespace FlowForge.Tests.Graphs;

/// <summary>Builds flows in the React Flow shape the canvas saves, so tests read as the graph they describe.</summary>
public sealed class TestFlow(string name = "Test flow")
{
    private readonly JsonArray _nodes = [];
    private readonly JsonArray _edges = [];

    public static FlowDocument Fixture(string fileName) =>
        FlowParser.Parse(FixtureJson(fileName)).Document ?? throw new InvalidOperationException($"{fileName} does not parse.");

    public static string FixtureJson(string fileName) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", fileName));

    public TestFlow Node(string id, string type, JsonNode? config = null)
    {
        var data = new JsonObject { ["label"] = id };
        if (config is not null)
        {
            data["config"] = config;
        }

        _nodes.Add(new JsonObject
        {
            ["id"] = id,
            ["type"] = type,
            ["position"] = new JsonObject { ["x"] = _nodes.Count * 200, ["y"] = 0 },
            ["data"] = data,
        });
        return this;
    }

    /// <summary>Sets a key of a node's <c>data</c> next to its config (retry, timeoutMs, onError).</summary>
    public TestFlow Data(string nodeId, string key, JsonNode? value)
    {
        var node = _nodes.OfType<JsonObject>().Single(n => (string?)n["id"] == nodeId);
        node["data"]![key] = value;
        return this;
    }

    public TestFlow Edge(string source, string target, string? port = null, string? id = null)
    {
        _edges.Add(new JsonObject
        {
            ["id"] = id ?? string.Create(CultureInfo.InvariantCulture, $"{source}-{target}-{_edges.Count}"),
            ["source"] = source,
            ["target"] = target,
            ["sourceHandle"] = port,
        });
        return this;
    }

    /// <summary>Chains the given nodes with edges, in order.</summary>
    public TestFlow Chain(params string[] ids)
    {
        for (var i = 1; i < ids.Length; i++)
        {
            Edge(ids[i - 1], ids[i]);
        }

        return this;
    }

    public string ToJson() => new JsonObject
    {
        ["name"] = name,
        ["nodes"] = _nodes.DeepClone(),
        ["edges"] = _edges.DeepClone(),
    }.ToJsonString();

    public FlowDocument ToDocument()
    {
        var check = FlowParser.Parse(ToJson());
        return check.Document ?? throw new InvalidOperationException(string.Join("; ", check.Problems.Select(p => p.Message)));
    }
}
