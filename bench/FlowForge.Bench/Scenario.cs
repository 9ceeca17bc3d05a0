using System.Text.Json.Nodes;

namespace FlowForge.Bench;

/// <summary>A flow the load modes run, with the run input each start sends and how many nodes one run executes.</summary>
public sealed record Scenario(string Name, string Description, int NodesPerFlow, JsonObject Flow, string StartBody)
{
    /// <summary>Trigger → a → {b, c} → d, all <c>core.noop</c>.</summary>
    public static Scenario Diamond { get; } = new(
        "diamond",
        "trigger → a → {b, c} → d, all core.noop",
        5,
        FlowOf("bench diamond", ["a", "b", "c", "d"], [("trigger", "a"), ("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")], _ => null),
        Body(new JsonObject { ["n"] = 1 }));

    /// <summary>A trigger and ten <c>core.set</c> nodes in a chain, each passing on a 1 KB text it reads from its input.</summary>
    public static Scenario Linear10 { get; } = new(
        "linear-10",
        "trigger → ten core.set in a chain, each passing on a 1 KB text",
        11,
        FlowOf(
            "bench linear-10",
            [.. Enumerable.Range(1, 10).Select(i => $"s{i}")],
            [.. Enumerable.Range(1, 10).Select(i => (i == 1 ? "trigger" : $"s{i - 1}", $"s{i}"))],
            _ => new JsonObject { ["values"] = new JsonObject { ["n"] = "{{ input.n }}", ["payload"] = "{{ input.payload }}" } },
            type: "core.set"),
        Body(new JsonObject { ["n"] = 1, ["payload"] = new string('x', 1024) }));

    /// <summary>Trigger → 50 <c>core.noop</c> side by side → one <c>core.set</c> with all 50 as parents.</summary>
    public static Scenario FanOut50 { get; } = new(
        "fanout-50",
        "trigger → 50 core.noop → one core.set join of all 50",
        52,
        FanOut(50),
        Body(new JsonObject { ["n"] = 1 }));

    /// <summary>
    /// A 100 KB run input through two <c>core.noop</c> nodes: the trigger's and both nodes' outputs are over
    /// <c>Engine:InlineOutputBytes</c> (64 KiB by default), so they go through the blob store; a <c>core.set</c> ends the run with one field.
    /// </summary>
    public static Scenario Blob100K { get; } = new(
        "blob-100k",
        "a 100 KB input through trigger → a → b (core.noop, outputs in the blob store) → core.set of one field",
        4,
        FlowOf(
            "bench blob-100k",
            ["a", "b", "end"],
            [("trigger", "a"), ("a", "b"), ("b", "end")],
            id => id == "end" ? new JsonObject { ["values"] = new JsonObject { ["n"] = "{{ input.n }}" } } : null,
            typeOf: id => id == "end" ? "core.set" : "core.noop"),
        Body(new JsonObject { ["n"] = 1, ["payload"] = new string('x', 100 * 1024) }));

    public static IReadOnlyList<Scenario> All { get; } = [Diamond, Linear10, FanOut50, Blob100K];

    public static Scenario Find(string name) =>
        All.FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException($"Unknown scenario '{name}'. Scenarios: {string.Join(", ", All.Select(s => s.Name))}, all.");

    private static string Body(JsonObject input) => new JsonObject { ["input"] = input }.ToJsonString();

    private static JsonObject FanOut(int parents)
    {
        var nodes = new List<string>();
        var edges = new List<(string, string)>();
        for (var i = 0; i < parents; i++)
        {
            nodes.Add($"p{i}");
            edges.Add(("trigger", $"p{i}"));
            edges.Add(($"p{i}", "join"));
        }

        nodes.Add("join");
        return FlowOf(
            $"bench fanout-{parents}",
            nodes,
            edges,
            id => id == "join" ? new JsonObject { ["values"] = new JsonObject { ["n"] = "{{ nodes.p0.output.n }}" } } : null,
            typeOf: id => id == "join" ? "core.set" : "core.noop");
    }

    private static JsonObject FlowOf(
        string name, IReadOnlyList<string> ids, IReadOnlyList<(string Source, string Target)> edges, Func<string, JsonObject?> configOf,
        string type = "core.noop", Func<string, string>? typeOf = null)
    {
        static JsonObject Node(string id, string type, JsonObject? config) => new()
        {
            ["id"] = id,
            ["type"] = type,
            ["position"] = new JsonObject { ["x"] = 0, ["y"] = 0 },
            ["data"] = config is null ? new JsonObject() : new JsonObject { ["config"] = config },
        };

        var nodes = new JsonArray(Node("trigger", "trigger.manual", null));
        foreach (var id in ids)
        {
            nodes.Add(Node(id, typeOf?.Invoke(id) ?? type, configOf(id)));
        }

        var edgeArray = new JsonArray();
        foreach (var (source, target) in edges)
        {
            edgeArray.Add(new JsonObject { ["id"] = $"{source}-{target}", ["source"] = source, ["target"] = target });
        }

        return new JsonObject { ["name"] = name, ["nodes"] = nodes, ["edges"] = edgeArray };
    }
}
