using FlowForge.Engine.Nodes;

namespace FlowForge.Server.Endpoints;

internal static class NodeTypeEndpoints
{
    public static IEndpointRouteBuilder MapNodeTypeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/node-types", (INodeTypeRegistry registry) => TypedResults.Ok(
                registry.All.Select(t => t.Descriptor).OrderBy(d => d.Category).ThenBy(d => d.Id, StringComparer.Ordinal).Select(NodeTypeInfo.From).ToList()))
            .WithTags("Node types")
            .RequireAuthorization()
            .WithSummary("Every installed node type: id, name, category, icon, description, input ports, config JSON Schema (each property with title and description; x-expression marks values that accept {{ }} expressions) and output ports (with dynamicOutputs, a node's config adds ports: a switch's cases).");
        return app;
    }

    internal sealed record NodeTypeInfo(string Id, string DisplayName, string Category, string Description, string Icon, IReadOnlyList<string> Inputs, System.Text.Json.Nodes.JsonObject ConfigSchema, IReadOnlyList<string> Outputs, bool DynamicOutputs, string? Provider)
    {
        public static NodeTypeInfo From(NodeDescriptor d) => new(d.Id, d.DisplayName, d.Category.ToString(), d.Description, d.Icon, d.Inputs, d.ConfigSchema, d.Outputs, d.DynamicOutputs, d.Provider);
    }
}
