using FlowForge.Engine.Graphs;
using FlowForge.Nodes.Triggers;

namespace FlowForge.Server.Triggers;

/// <summary>What trigger configs say about the rest of the flow, which a node's own validation cannot see.</summary>
internal static class TriggerRules
{
    public static IReadOnlyList<GraphProblem> Check(FlowDocument document)
    {
        var problems = new List<GraphProblem>();
        var ids = document.Nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < document.Nodes.Count; i++)
        {
            var node = document.Nodes[i];
            if (node.Type != TriggerNodes.WebhookType)
            {
                continue;
            }

            if (node.Config?["responseNode"] is System.Text.Json.Nodes.JsonValue value
                && value.TryGetValue<string>(out var responseNode) && !ids.Contains(responseNode))
            {
                problems.Add(new GraphProblem(GraphProblemCodes.InvalidConfig,
                    $"Node '{node.Id}': responseNode '{responseNode}' is not a node of this flow; name the node whose output answers the call.",
                    node.Id, Field: string.Create(System.Globalization.CultureInfo.InvariantCulture, $"nodes[{i}].data.config.responseNode")));
            }
        }

        return problems;
    }

    /// <summary>True when the flow has a trigger that activation turns on.</summary>
    public static bool HasActivatableTrigger(FlowDocument document) =>
        TriggerNodes.Webhooks(document).Any() || TriggerNodes.Schedules(document).Any();

    /// <summary>The URL callers use for a webhook key.</summary>
    public static string WebhookUrl(HttpRequest request, WebhookOptions options, string key)
    {
        var root = string.IsNullOrEmpty(options.PublicBaseUrl)
            ? $"{request.Scheme}://{request.Host}{request.PathBase}"
            : options.PublicBaseUrl.TrimEnd('/');
        return $"{root}/hooks/{key}";
    }
}
