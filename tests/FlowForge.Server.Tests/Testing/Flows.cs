using System.Text.Json.Nodes;

namespace FlowForge.Server.Tests.Testing;

/// <summary>React Flow documents for API tests.</summary>
public static class Flows
{
    public static JsonObject Node(string id, string type, JsonObject? config = null) => new()
    {
        ["id"] = id,
        ["type"] = type,
        ["position"] = new JsonObject { ["x"] = 0, ["y"] = 0 },
        ["data"] = config is null ? new JsonObject { ["label"] = id } : new JsonObject { ["label"] = id, ["config"] = config },
        ["width"] = 150,
        ["height"] = 40,
        ["measured"] = new JsonObject { ["width"] = 150, ["height"] = 40 },
        ["selected"] = false,
    };

    public static JsonObject Edge(string source, string target) => new() { ["id"] = $"{source}-{target}", ["source"] = source, ["target"] = target };

    public static JsonObject Diamond(string name = "diamond") => new()
    {
        ["name"] = name,
        ["nodes"] = new JsonArray(Node("trigger", "trigger.manual"), Node("a", "core.noop"), Node("b", "core.noop"), Node("c", "core.noop"), Node("d", "core.noop")),
        ["edges"] = new JsonArray(Edge("trigger", "a"), Edge("a", "b"), Edge("a", "c"), Edge("b", "d"), Edge("c", "d")),
        ["viewport"] = new JsonObject { ["x"] = 0, ["y"] = 0, ["zoom"] = 1 },
    };

    public static JsonObject Chain(string name, params (string Id, string Type, JsonObject? Config)[] steps)
    {
        var nodes = new JsonArray(Node("trigger", "trigger.manual"));
        var edges = new JsonArray();
        var previous = "trigger";
        foreach (var (id, type, config) in steps)
        {
            nodes.Add(Node(id, type, config));
            edges.Add(Edge(previous, id));
            previous = id;
        }

        return new JsonObject { ["name"] = name, ["nodes"] = nodes, ["edges"] = edges };
    }
}
