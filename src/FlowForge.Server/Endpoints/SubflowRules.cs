using System.Globalization;
using System.Text.Json.Nodes;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Storage;
using FlowForge.Nodes.Flows;

namespace FlowForge.Server.Endpoints;

/// <summary>
/// What a save can tell about the flows a flow calls (<c>core.forEach</c>, <c>flow.call</c>): each <c>flowId</c> must be
/// a flow of the same owner (or the flow being saved). A flow deleted later is still caught when the node runs.
/// </summary>
internal static class SubflowRules
{
    public static async Task<IReadOnlyList<GraphProblem>> CheckAsync(
        FlowDocument document, Guid ownerId, Guid? savingFlowId, IFlowStore flows, CancellationToken cancellationToken)
    {
        var problems = new List<GraphProblem>();
        var known = new Dictionary<(Guid, int?), bool>();
        for (var i = 0; i < document.Nodes.Count; i++)
        {
            var node = document.Nodes[i];
            if (node.Type is not (ForEachNode.TypeId or FlowCallNode.TypeId)
                || node.Config?["flowId"] is not JsonValue value
                || !value.TryGetValue<string>(out var text)
                || !Guid.TryParse(text, out var flowId)
                || flowId == savingFlowId)
            {
                continue;
            }

            int? version = node.Config["version"] is JsonValue v && v.TryGetValue<int>(out var number) ? number : null;
            if (!known.TryGetValue((flowId, version), out var exists))
            {
                exists = await flows.GetAsync(flowId, ownerId, version, cancellationToken) is not null;
                known[(flowId, version)] = exists;
            }

            if (!exists)
            {
                var what = version is null ? $"flow {flowId}" : $"version {version} of flow {flowId}";
                problems.Add(new GraphProblem(GraphProblemCodes.InvalidConfig,
                    $"Node '{node.Id}': {what} not found; flowId must name one of your flows.",
                    node.Id, Field: string.Create(CultureInfo.InvariantCulture, $"nodes[{i}].data.config.flowId")));
            }
        }

        return problems;
    }
}
