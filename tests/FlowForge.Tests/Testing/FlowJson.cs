using System.Text.Json.Nodes;

namespace FlowForge.Tests.Testing;

/// <summary>Builds React Flow documents for tests: <c>FlowJson.Create("name").Node("a", "core.noop").Edge("t", "a").ToJson()</c>.</summary>
public sealed class FlowJson
{
    private readonly JsonArray _nodes = [];
    private readonly JsonArray _edges = [];
    private readonly string _name;

    private FlowJson(string name) => _name = name;

    public static FlowJson Create(string name = "test flow") => new(name);

    /// <summary>trigger → a → {b, c} → d, every node as given (default core.noop).</summary>
    public static FlowJson Diamond(JsonObject? b = null, JsonObject? c = null, string bType = "core.noop", string cType = "core.noop") =>
        Create("diamond")
            .Node("trigger", "trigger.manual")
            .Node("a", "core.noop")
            .Node("b", bType, b)
            .Node("c", cType, c)
            .Node("d", "core.noop")
            .Edge("trigger", "a").Edge("a", "b").Edge("a", "c").Edge("b", "d").Edge("c", "d");

    public FlowJson Node(string id, string type, JsonObject? config = null)
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
            ["position"] = new JsonObject { ["x"] = _nodes.Count * 150, ["y"] = 0 },
            ["data"] = data,
        });
        return this;
    }

    /// <summary>Sets a key of a node's <c>data</c> next to its config (retry, timeoutMs, onError).</summary>
    public FlowJson Data(string nodeId, string key, JsonNode? value)
    {
        var node = _nodes.OfType<JsonObject>().Single(n => (string?)n["id"] == nodeId);
        node["data"]![key] = value;
        return this;
    }

    public FlowJson Edge(string source, string target, string? sourceHandle = null)
    {
        var edge = new JsonObject { ["id"] = $"{source}->{target}{(sourceHandle is null ? "" : ":" + sourceHandle)}", ["source"] = source, ["target"] = target };
        if (sourceHandle is not null)
        {
            edge["sourceHandle"] = sourceHandle;
        }

        _edges.Add(edge);
        return this;
    }

    public string ToJson() => new JsonObject
    {
        ["name"] = _name,
        ["nodes"] = _nodes.DeepClone(),
        ["edges"] = _edges.DeepClone(),
        ["viewport"] = new JsonObject { ["x"] = 0, ["y"] = 0, ["zoom"] = 1 },
    }.ToJsonString();
}
