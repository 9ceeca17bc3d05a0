using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;

namespace FlowForge.Nodes.Core;

[NodeType("core.wait", "Wait", Category = NodeCategory.Logic,
    Description = "Pauses this branch for a number of milliseconds (up to 30 days), then passes its input on. The wait is durable: it holds no thread and survives restarts.")]
public sealed class WaitNode : Node<WaitNode.Settings>
{
    public const long MaxMs = 30L * 24 * 60 * 60 * 1000;

    public sealed record Settings(long Ms);

    protected override Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken)
    {
        // The engine runs the node again once the time has come; that second run ends the wait.
        if (context.ResumedFromWaitUntil is not null || settings.Ms == 0)
        {
            return Task.FromResult(NodeResult.Success(context.Input?.DeepClone()));
        }

        return Task.FromResult(NodeResult.Wait(context.Time.GetUtcNow().AddMilliseconds(settings.Ms)));
    }

    protected override IEnumerable<ConfigProblem> ValidateSettings(Settings settings)
    {
        if (settings.Ms is < 0 or > MaxMs)
        {
            yield return new ConfigProblem("$.ms", $"ms must be between 0 and {MaxMs} (30 days), but it is {settings.Ms}");
        }
    }

    protected override void RefineSchema(JsonObject schema)
    {
        if (schema["properties"]?["ms"] is JsonObject ms)
        {
            ms["minimum"] = 0;
            ms["maximum"] = MaxMs;
            ms["description"] = "How long to wait, in milliseconds (60000 is one minute).";
        }
    }
}
