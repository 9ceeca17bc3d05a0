using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Json;

namespace FlowForge.Engine.Graphs;

/// <summary>
/// Reads a flow in the React Flow shape the canvas saves
/// (<c>{ name, nodes: [{ id, type, position: { x, y }, data: { label?, config? } }], edges: [{ id, source, target, sourceHandle? }] }</c>)
/// into a <see cref="FlowDocument"/>. Fields the editor adds for itself (viewport, measured, selected, style, …)
/// are ignored. Every problem is reported at once; the document is returned only when there are none.
/// </summary>
public static class FlowParser
{
    /// <summary>Reads flow text under <see cref="JsonPolicy"/>: text it refuses is an <c>invalid_json</c> problem naming the field.</summary>
    public static FlowCheck Parse(string json)
    {
        if (!JsonPolicy.TryParse(json, out var root, out var rejection))
        {
            return new FlowCheck(null, [InvalidJson(rejection!)]);
        }

        return Read(root);
    }

    /// <summary>
    /// Reads an already parsed flow. The returned document keeps references to the <c>data</c> objects
    /// of <paramref name="json"/>, so the caller must not change that tree afterwards.
    /// </summary>
    public static FlowCheck Parse(JsonNode? json) => Read(json);

    private static FlowCheck Read(JsonNode? root)
    {
        var problems = new List<GraphProblem>();
        if (root is not JsonObject flow)
        {
            problems.Add(new GraphProblem(GraphProblemCodes.InvalidField, $"A flow must be a JSON object with name, nodes and edges, but this is {Describe(root)}."));
            return new FlowCheck(null, problems);
        }

        var name = RequiredString(flow, "name", "name", problems, nodeId: null, edgeId: null);
        var nodes = ReadArray(flow, "nodes", problems, ReadNode);
        var edges = ReadArray(flow, "edges", problems, ReadEdge);

        if (problems.Count > 0 || name is null || nodes is null || edges is null)
        {
            return new FlowCheck(null, problems);
        }

        return new FlowCheck(new FlowDocument(name, nodes, edges), problems);
    }

    private static List<T>? ReadArray<T>(JsonObject flow, string property, List<GraphProblem> problems, Func<JsonNode?, int, List<GraphProblem>, T?> readItem)
        where T : class
    {
        if (!flow.TryGetPropertyValue(property, out var value) || value is null)
        {
            problems.Add(new GraphProblem(GraphProblemCodes.MissingField, $"The flow has no '{property}' list; add \"{property}\": [] even when it is empty.", Field: property));
            return null;
        }

        if (value is not JsonArray array)
        {
            problems.Add(new GraphProblem(GraphProblemCodes.InvalidField, $"'{property}' must be a JSON array, but it is {Describe(value)}.", Field: property));
            return null;
        }

        var items = new List<T>(array.Count);
        var complete = true;
        for (var i = 0; i < array.Count; i++)
        {
            var item = readItem(array[i], i, problems);
            if (item is null)
            {
                complete = false;
            }
            else
            {
                items.Add(item);
            }
        }

        return complete ? items : null;
    }

    private static FlowNode? ReadNode(JsonNode? value, int index, List<GraphProblem> problems)
    {
        var at = $"nodes[{index.ToString(CultureInfo.InvariantCulture)}]";
        if (value is not JsonObject node)
        {
            problems.Add(new GraphProblem(GraphProblemCodes.InvalidField, $"{at} must be a JSON object with id, type, position and data, but it is {Describe(value)}.", Field: at));
            return null;
        }

        var before = problems.Count;
        var id = RequiredString(node, "id", $"{at}.id", problems, nodeId: null, edgeId: null);
        var type = RequiredString(node, "type", $"{at}.type", problems, id, edgeId: null);

        double x = 0, y = 0;
        if (RequiredObject(node, "position", $"{at}.position", problems, id) is { } position)
        {
            x = RequiredNumber(position, "x", $"{at}.position.x", problems, id);
            y = RequiredNumber(position, "y", $"{at}.position.y", problems, id);
        }

        string? label = null;
        JsonNode? config = null;
        var data = RequiredObject(node, "data", $"{at}.data", problems, id);
        if (data is not null)
        {
            label = OptionalString(data, "label", $"{at}.data.label", problems, id);
            config = data["config"];
        }

        if (problems.Count > before || id is null || type is null || data is null)
        {
            return null;
        }

        return new FlowNode(id, type, x, y, label, config, data);
    }

    private static FlowEdge? ReadEdge(JsonNode? value, int index, List<GraphProblem> problems)
    {
        var at = $"edges[{index.ToString(CultureInfo.InvariantCulture)}]";
        if (value is not JsonObject edge)
        {
            problems.Add(new GraphProblem(GraphProblemCodes.InvalidField, $"{at} must be a JSON object with id, source and target, but it is {Describe(value)}.", Field: at));
            return null;
        }

        var before = problems.Count;
        var id = RequiredString(edge, "id", $"{at}.id", problems, nodeId: null, edgeId: null);
        var source = RequiredString(edge, "source", $"{at}.source", problems, nodeId: null, id);
        var target = RequiredString(edge, "target", $"{at}.target", problems, nodeId: null, id);

        string? sourceHandle = null;
        if (edge.TryGetPropertyValue("sourceHandle", out var handle) && handle is not null)
        {
            if (handle.GetValueKind() == JsonValueKind.String)
            {
                sourceHandle = handle.GetValue<string>();
            }
            else
            {
                problems.Add(new GraphProblem(GraphProblemCodes.InvalidField, $"{at}.sourceHandle must be a port name (string) or null for the default port, but it is {Describe(handle)}.", EdgeId: id, Field: $"{at}.sourceHandle"));
            }
        }

        if (problems.Count > before || id is null || source is null || target is null)
        {
            return null;
        }

        return new FlowEdge(id, source, target, sourceHandle);
    }

    private static string? RequiredString(JsonObject owner, string property, string field, List<GraphProblem> problems, string? nodeId, string? edgeId)
    {
        if (!owner.TryGetPropertyValue(property, out var value) || value is null)
        {
            problems.Add(new GraphProblem(GraphProblemCodes.MissingField, $"{field} is missing; give it a non-empty string.", nodeId, edgeId, field));
            return null;
        }

        if (value.GetValueKind() != JsonValueKind.String)
        {
            problems.Add(new GraphProblem(GraphProblemCodes.InvalidField, $"{field} must be a string, but it is {Describe(value)}.", nodeId, edgeId, field));
            return null;
        }

        var text = value.GetValue<string>();
        if (string.IsNullOrWhiteSpace(text))
        {
            problems.Add(new GraphProblem(GraphProblemCodes.InvalidField, $"{field} is empty; give it a non-empty string.", nodeId, edgeId, field));
            return null;
        }

        return text;
    }

    private static string? OptionalString(JsonObject owner, string property, string field, List<GraphProblem> problems, string? nodeId)
    {
        if (!owner.TryGetPropertyValue(property, out var value) || value is null)
        {
            return null;
        }

        if (value.GetValueKind() != JsonValueKind.String)
        {
            problems.Add(new GraphProblem(GraphProblemCodes.InvalidField, $"{field} must be a string or absent, but it is {Describe(value)}.", nodeId, Field: field));
            return null;
        }

        return value.GetValue<string>();
    }

    private static JsonObject? RequiredObject(JsonObject owner, string property, string field, List<GraphProblem> problems, string? nodeId)
    {
        if (!owner.TryGetPropertyValue(property, out var value) || value is null)
        {
            problems.Add(new GraphProblem(GraphProblemCodes.MissingField, $"{field} is missing; add it as a JSON object.", nodeId, Field: field));
            return null;
        }

        if (value is not JsonObject obj)
        {
            problems.Add(new GraphProblem(GraphProblemCodes.InvalidField, $"{field} must be a JSON object, but it is {Describe(value)}.", nodeId, Field: field));
            return null;
        }

        return obj;
    }

    private static double RequiredNumber(JsonObject owner, string property, string field, List<GraphProblem> problems, string? nodeId)
    {
        if (!owner.TryGetPropertyValue(property, out var value) || value is null)
        {
            problems.Add(new GraphProblem(GraphProblemCodes.MissingField, $"{field} is missing; give it a number.", nodeId, Field: field));
            return 0;
        }

        if (value.GetValueKind() != JsonValueKind.Number || !value.AsValue().TryGetValue<double>(out var number) || !double.IsFinite(number))
        {
            problems.Add(new GraphProblem(GraphProblemCodes.InvalidField, $"{field} must be a finite number, but it is {Describe(value)}.", nodeId, Field: field));
            return 0;
        }

        return number;
    }

    private static GraphProblem InvalidJson(JsonRejection rejection) => new(
        GraphProblemCodes.InvalidJson,
        rejection.Path == "$" ? $"The flow cannot be read: {rejection.Message} Fix it and send it again." : $"The flow cannot be read at {rejection.Path}: {rejection.Message}",
        Field: rejection.Path);

    private static string Describe(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "an array",
        _ => value.GetValueKind() switch
        {
            JsonValueKind.String => $"the string {Shorten(value.ToJsonString())}",
            JsonValueKind.Number => $"the number {value.ToJsonString()}",
            JsonValueKind.True or JsonValueKind.False => $"the boolean {value.ToJsonString()}",
            _ => value.ToJsonString(),
        },
    };

    private static string Shorten(string text) => text.Length <= 42 ? text : string.Concat(text.AsSpan(0, 40), "…\"");
}
