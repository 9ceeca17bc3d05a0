using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;

namespace FlowForge.Nodes.Core;

[NodeType("core.merge", "Merge", Icon = "merge", Category = NodeCategory.Logic, Pure = true,
    Description = "Joins branches: runs once every parent has ended and at least one branch reached it, and combines the outputs of the parents that reached it (ran and fired the port whose edge leads here). 'object' keys them by node id, 'append' joins them into one list, 'first' keeps the output of the parent that finished first. Skipped parents, and parents whose other port fired, are left out.")]
public sealed class MergeNode : Node<MergeNode.Settings>
{
    public const string ObjectMode = "object";
    public const string AppendMode = "append";
    public const string FirstMode = "first";

    public sealed record Settings(string Mode);

    protected override Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken)
    {
        var finished = context.FinishedParents;
        JsonNode? output;
        switch (settings.Mode)
        {
            case FirstMode:
                output = finished.Count > 0 ? OutputOf(context, finished[0]) : null;
                break;
            case AppendMode:
                var list = new JsonArray();
                foreach (var parent in InFlowOrder(context))
                {
                    // A list's items are appended one by one; any other output is one item.
                    if (OutputOf(context, parent) is JsonArray items)
                    {
                        foreach (var item in items)
                        {
                            list.Add(item?.DeepClone());
                        }
                    }
                    else
                    {
                        list.Add(OutputOf(context, parent));
                    }
                }

                output = list;
                break;
            default:
                var keyed = new JsonObject();
                foreach (var parent in InFlowOrder(context))
                {
                    keyed[parent] = OutputOf(context, parent);
                }

                output = keyed;
                break;
        }

        return Task.FromResult(NodeResult.Success(output));
    }

    protected override IEnumerable<ConfigProblem> ValidateSettings(Settings settings)
    {
        if (settings.Mode is not (ObjectMode or AppendMode or FirstMode))
        {
            yield return new ConfigProblem("$.mode", $"mode must be \"{ObjectMode}\", \"{AppendMode}\" or \"{FirstMode}\", but it is \"{settings.Mode}\"");
        }
    }

    protected override void RefineSchema(JsonObject schema)
    {
        if (schema["properties"]?["mode"] is JsonObject mode)
        {
            mode["enum"] = new JsonArray(ObjectMode, AppendMode, FirstMode);
            mode["description"] = "\"object\": { parent id: output } for each parent that ran; \"append\": their outputs in one list (lists joined); \"first\": the output of the parent that finished first.";
        }
    }

    // The parents that reached this node, in the order their edges appear in the flow, so the output does not depend on timing.
    private static IEnumerable<string> InFlowOrder(NodeContext context)
    {
        if (context.Input is JsonObject keyed && context.FinishedParents.Count > 1)
        {
            return keyed.Select(p => p.Key).Where(context.FinishedParents.Contains);
        }

        return context.FinishedParents;
    }

    private static JsonNode? OutputOf(NodeContext context, string parent) =>
        context.Upstream.TryGetValue(parent, out var output) ? output?.DeepClone() : null;
}
