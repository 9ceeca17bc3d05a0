using System.Globalization;
using System.Text.Json.Nodes;
using FlowForge.Engine.Graphs;

namespace FlowForge.Testing;

/// <summary>
/// Builds flows in the React Flow shape the canvas saves, so tests read as the graph they describe:
/// <c>new FlowBuilder("name").Node("trigger", "trigger.manual").Node("a", "core.noop").Edge("trigger", "a").ToJson()</c>.
/// <see cref="FromFixture"/> starts from a golden <c>tests/fixtures/*.flow.json</c> instead.
/// </summary>
public sealed class FlowBuilder
{
    private const string FixtureSuffix = ".flow.json";

    private static readonly Lazy<string> FixturesDirectory = new(FindFixturesDirectory);

    private readonly JsonObject _root;

    public FlowBuilder(string name = "Test flow")
        : this(new JsonObject
        {
            ["name"] = name,
            ["nodes"] = new JsonArray(),
            ["edges"] = new JsonArray(),
            ["viewport"] = new JsonObject { ["x"] = 0, ["y"] = 0, ["zoom"] = 1 },
        })
    {
    }

    private FlowBuilder(JsonObject root) => _root = root;

    /// <summary>The names of every <c>tests/fixtures/*.flow.json</c>, without the suffix, in order.</summary>
    public static IReadOnlyList<string> FixtureNames =>
        [.. Directory.GetFiles(FixturesDirectory.Value, "*" + FixtureSuffix).Select(f => Path.GetFileName(f)[..^FixtureSuffix.Length]).Order(StringComparer.Ordinal)];

    private JsonArray Nodes => _root["nodes"] as JsonArray ?? throw new InvalidOperationException("The flow has no nodes array.");

    private JsonArray Edges => _root["edges"] as JsonArray ?? throw new InvalidOperationException("The flow has no edges array.");

    /// <summary>The flow in <c>tests/fixtures/{name}.flow.json</c> (the suffix may be given or left out), to run as is or to extend.</summary>
    public static FlowBuilder FromFixture(string name) =>
        new(JsonNode.Parse(FixtureJson(name)) as JsonObject ?? throw new InvalidOperationException($"Fixture {name} is not a JSON object."));

    /// <summary>The text of <c>tests/fixtures/{name}.flow.json</c>, byte for byte, for tests of the parser itself.</summary>
    public static string FixtureJson(string name)
    {
        var file = name.EndsWith(FixtureSuffix, StringComparison.Ordinal) ? name : name + FixtureSuffix;
        return File.ReadAllText(Path.Combine(FixturesDirectory.Value, file));
    }

    /// <summary>trigger → a → {b, c} → d; b and c as given (default core.noop), the others core.noop.</summary>
    public static FlowBuilder Diamond(JsonNode? b = null, JsonNode? c = null, string bType = "core.noop", string cType = "core.noop") =>
        new FlowBuilder("diamond")
            .Node("trigger", "trigger.manual")
            .Node("a", "core.noop")
            .Node("b", bType, b)
            .Node("c", cType, c)
            .Node("d", "core.noop")
            .Edge("trigger", "a").Edge("a", "b").Edge("a", "c").Edge("b", "d").Edge("c", "d");

    public FlowBuilder Node(string id, string type, JsonNode? config = null)
    {
        var data = new JsonObject { ["label"] = id };
        if (config is not null)
        {
            data["config"] = config;
        }

        Nodes.Add(new JsonObject
        {
            ["id"] = id,
            ["type"] = type,
            ["position"] = new JsonObject { ["x"] = Nodes.Count * 200, ["y"] = 0 },
            ["data"] = data,
        });
        return this;
    }

    /// <summary>Sets a key of a node's <c>data</c> next to its config (<c>retry</c>, <c>timeoutMs</c>, <c>onError</c>).</summary>
    public FlowBuilder Data(string nodeId, string key, JsonNode? value)
    {
        var node = Nodes.OfType<JsonObject>().Single(n => (string?)n["id"] == nodeId);
        node["data"]![key] = value;
        return this;
    }

    /// <summary>An edge from <paramref name="source"/>'s output <paramref name="port"/> (the node's default when null).</summary>
    public FlowBuilder Edge(string source, string target, string? port = null, string? id = null)
    {
        Edges.Add(new JsonObject
        {
            ["id"] = id ?? string.Create(CultureInfo.InvariantCulture, $"{source}-{target}-{Edges.Count}"),
            ["source"] = source,
            ["target"] = target,
            ["sourceHandle"] = port,
            ["targetHandle"] = null,
        });
        return this;
    }

    /// <summary>Chains the given nodes with edges, in order.</summary>
    public FlowBuilder Chain(params string[] ids)
    {
        for (var i = 1; i < ids.Length; i++)
        {
            Edge(ids[i - 1], ids[i]);
        }

        return this;
    }

    public string ToJson() => _root.ToJsonString();

    public JsonObject ToJsonObject() => (JsonObject)_root.DeepClone();

    /// <summary>The parsed document; throws naming the parse problems when the flow is not even well-formed.</summary>
    public FlowDocument ToDocument()
    {
        var check = FlowParser.Parse(ToJson());
        return check.Document ?? throw new InvalidOperationException(string.Join("; ", check.Problems.Select(p => p.Message)));
    }

    private static string FindFixturesDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var fixtures = Path.Combine(directory.FullName, "tests", "fixtures");
            if (Directory.Exists(fixtures))
            {
                return fixtures;
            }
        }

        throw new DirectoryNotFoundException("tests/fixtures not found above " + AppContext.BaseDirectory);
    }
}
