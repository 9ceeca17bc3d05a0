using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;

namespace FlowForge.Nodes.Core;

[NodeType("core.error", "Raise Error", Icon = "alert-triangle", Category = NodeCategory.Logic,
    Description = "Fails the run here with your message, without retrying. Use it on a branch that should never be taken.")]
public sealed class ErrorRaiseNode : Node<ErrorRaiseNode.Settings>
{
    public sealed record Settings(string Message);

    protected override Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken) =>
        Task.FromResult(NodeResult.Fail(settings.Message, retryable: false));

    protected override IEnumerable<ConfigProblem> ValidateSettings(Settings settings)
    {
        if (string.IsNullOrWhiteSpace(settings.Message))
        {
            yield return new ConfigProblem("$.message", "message must not be empty: say why the flow stops here");
        }
    }

    protected override void RefineSchema(JsonObject schema)
    {
        if (schema["properties"]?["message"] is JsonObject message)
        {
            message["minLength"] = 1;
            message["description"] = "The error the run fails with; may use {{ }} expressions.";
        }
    }
}
