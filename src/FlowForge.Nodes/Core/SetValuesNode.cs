using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;

namespace FlowForge.Nodes.Core;

[NodeType("core.set", "Set Values", Icon = "pencil", Category = NodeCategory.Logic, Pure = true,
    Description = "Outputs an object built from the fields you set. Text values may use {{ }} expressions such as {{ input.name }} or {{ nodes.fetch.output.body }}.")]
public sealed class SetValuesNode : Node<SetValuesNode.Settings>
{
    public sealed record Settings(JsonObject Values);

    protected override Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken) =>
        Task.FromResult(NodeResult.Success(settings.Values));

    /// <summary>
    /// The usual config, <c>{"values": {…}}</c>, is bound by taking its object: binding through the serializer would write
    /// every value out and parse it back into a copy, for each run of the node.
    /// </summary>
    protected override Settings? BindResolved(JsonObject config)
    {
        if (config.Count != 1 || !config.TryGetPropertyValue("values", out var values) || values is not JsonObject fields)
        {
            return null;
        }

        config.Remove("values");
        return new Settings(fields);
    }

    protected override void RefineSchema(JsonObject schema)
    {
        if (schema["properties"]?["values"] is JsonObject values)
        {
            values["description"] = "The output object: field names and their values. A text value that is exactly one {{ expression }} keeps the type of what it reads.";
        }
    }
}
