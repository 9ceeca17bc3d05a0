using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;
using FlowForge.Engine.Runs;

namespace FlowForge.Nodes.Flows;

[NodeType(TypeId, "Call Flow", Icon = "workflow", Category = NodeCategory.Action,
    Description = "Runs another flow of yours once, as a child run, and outputs that run's output (the output of its last node that succeeded). Fails with the child run's error when it fails.")]
public sealed class FlowCallNode : Node<FlowCallNode.Settings>
{
    public const string TypeId = "flow.call";

    /// <param name="FlowId">The flow to run: a flow of the same owner.</param>
    /// <param name="Input">The child run's input; by default this node's input.</param>
    /// <param name="Version">The flow's version; by default its newest when the node first runs, kept for a retry.</param>
    public sealed record Settings(Guid FlowId, JsonNode? Input = null, int? Version = null);

    protected override async Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken)
    {
        if (context.Children is not { } children)
        {
            return NodeResult.Fail("Sub-flows cannot run here: the engine offers no child runs to this node.");
        }

        try
        {
            var started = await children.ListAsync(cancellationToken).ConfigureAwait(false);
            var child = started.Count > 0 ? started[0] : null;
            if (child is null)
            {
                var version = await children.ResolveVersionAsync(settings.FlowId, settings.Version, cancellationToken).ConfigureAwait(false);
                var input = settings.Input?.DeepClone() ?? context.Input?.DeepClone();
                await children.StartAsync(0, settings.FlowId, version, input, cancellationToken).ConfigureAwait(false);
                return NodeResult.WaitForChildren(1);
            }

            switch (child.Status)
            {
                case RunStatus.Succeeded:
                    var outputs = await children.ReadOutputsAsync(cancellationToken).ConfigureAwait(false);
                    return NodeResult.Success(outputs.Count > 0 ? outputs[0] : null);
                case RunStatus.Failed or RunStatus.Cancelled when child.StartedByAttempt < children.Attempt:
                    // Failed in an earlier attempt of this node: this attempt runs it again from its failed nodes.
                    await children.RestartAsync(child, cancellationToken).ConfigureAwait(false);
                    return NodeResult.WaitForChildren(1);
                case RunStatus.Failed or RunStatus.Cancelled:
                    return NodeResult.Fail($"Flow {settings.FlowId} failed in child run {child.RunId} ({child.Status}): {child.Error ?? "no error recorded"}", retryable: true);
                default:
                    return NodeResult.WaitForChildren(1);
            }
        }
        catch (ChildRunException ex)
        {
            return NodeResult.Fail(ex.Message);
        }
    }

    protected override IEnumerable<ConfigProblem> ValidateSettings(Settings settings)
    {
        if (settings.FlowId == Guid.Empty)
        {
            yield return new ConfigProblem("$.flowId", "flowId must name one of your flows, not the all-zero id");
        }

        if (settings.Version is < 1)
        {
            yield return new ConfigProblem("$.version", $"version must be 1 or more, but it is {settings.Version}");
        }
    }

    protected override void RefineSchema(JsonObject schema)
    {
        if (schema["properties"] is not JsonObject properties)
        {
            return;
        }

        if (properties["flowId"] is JsonObject flowId)
        {
            flowId["type"] = "string";
            flowId["format"] = "uuid";
            flowId["description"] = "The flow to run: one of your flows. Its run's output (the output of its last node that succeeded) becomes this node's output.";
        }

        properties["input"] = new JsonObject
        {
            ["title"] = "Input",
            ["description"] = "The called flow's run input, usually an object; text values may use {{ }} expressions. Leave it out to pass this node's input.",
            [ConfigSchemaAnnotations.ExpressionKeyword] = true,
        };
        if (properties["version"] is JsonObject version)
        {
            version["minimum"] = 1;
            version["description"] = "The version to run; by default the flow's newest when this node first runs, kept for a retry.";
        }
    }
}
