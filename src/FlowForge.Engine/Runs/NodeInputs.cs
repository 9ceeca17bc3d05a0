using System.Text.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Storage;

namespace FlowForge.Engine.Runs;

/// <summary>
/// What a node execution reads, built from its claim. Every view (the run input, each upstream output,
/// the input keyed by parent for a join) is a fresh node over the one parsed document of that value:
/// nothing is copied, so a join of many large outputs holds each of them once.
/// </summary>
internal sealed record NodeInputs(JsonNode? RunInput, JsonNode? Input, IReadOnlyDictionary<string, JsonNode?> Upstream, IReadOnlyList<string> FinishedParents)
{
    public static NodeInputs From(PlanNode node, ClaimedNode claim)
    {
        var runInput = claim.RunInput;
        var upstream = new Dictionary<string, JsonNode?>(claim.DependencyOutputs.Count, StringComparer.Ordinal);
        foreach (var (id, output) in claim.DependencyOutputs)
        {
            upstream[id] = View(output);
        }

        JsonNode? input;
        if (node.IsTrigger)
        {
            input = View(runInput);
        }
        else if (node.Parents.Count == 1)
        {
            input = View(claim.DependencyOutputs.GetValueOrDefault(node.Parents[0]));
        }
        else
        {
            var keyed = new JsonObject();
            foreach (var parent in node.Parents)
            {
                keyed[parent] = View(claim.DependencyOutputs.GetValueOrDefault(parent));
            }

            input = keyed;
        }

        return new NodeInputs(View(runInput), input, upstream, FinishOrder(node, claim));
    }

    /// <summary>The parents that ended, earliest first; a stable sort keeps the plan's parent order for equal times.</summary>
    private static IReadOnlyList<string> FinishOrder(PlanNode node, ClaimedNode claim)
    {
        if (node.Parents.Count == 0)
        {
            return [];
        }

        var finished = new List<(string Id, DateTimeOffset At)>(node.Parents.Count);
        foreach (var parent in node.Parents)
        {
            if (claim.DependencyFinishedAt.TryGetValue(parent, out var at))
            {
                finished.Add((parent, at));
            }
        }

        return [.. finished.OrderBy(f => f.At).Select(f => f.Id)];
    }

    /// <summary>A new node over <paramref name="value"/>'s document; it reads the shared bytes until someone changes it.</summary>
    internal static JsonNode? View(JsonElement? value) => value switch
    {
        null => null,
        { ValueKind: JsonValueKind.Object } e => JsonObject.Create(e),
        { ValueKind: JsonValueKind.Array } e => JsonArray.Create(e),
        { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
        { } e => JsonValue.Create(e),
    };
}
