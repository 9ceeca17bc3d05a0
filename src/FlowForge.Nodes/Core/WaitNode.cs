using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;

namespace FlowForge.Nodes.Core;

[NodeType("core.wait", "Wait", Icon = "pause", Category = NodeCategory.Logic,
    Description = "Pauses this branch for a number of milliseconds (up to 30 days), or until a signal arrives (POST /api/runs/{id}/nodes/{nodeId}/signal, whose body becomes the output), then passes its input on. The wait is durable: it holds no thread and survives restarts.")]
public sealed class WaitNode : Node<WaitNode.Settings>
{
    public const long MaxMs = 30L * 24 * 60 * 60 * 1000;

    public const string UntilTime = "time";
    public const string UntilSignal = "signal";

    public sealed record Settings(long? Ms = null, string Until = UntilTime);

    protected override Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken)
    {
        // The engine runs the node again once the time has come; that second run ends the wait. A signal ends
        // the wait without running the node again.
        if (context.ResumedFromWaitUntil is not null || (settings.Until == UntilTime && settings.Ms is null or 0))
        {
            return Task.FromResult(NodeResult.Success(context.Input?.DeepClone()));
        }

        return Task.FromResult(settings.Until == UntilSignal
            ? NodeResult.WaitForSignal()
            : NodeResult.Wait(context.Time.GetUtcNow().AddMilliseconds(settings.Ms ?? 0)));
    }

    protected override IEnumerable<ConfigProblem> ValidateSettings(Settings settings)
    {
        if (settings.Until is not (UntilTime or UntilSignal))
        {
            yield return new ConfigProblem("$.until", $"until must be \"{UntilTime}\" or \"{UntilSignal}\", but it is \"{settings.Until}\"");
        }

        if (settings.Ms is < 0 or > MaxMs)
        {
            yield return new ConfigProblem("$.ms", $"ms must be between 0 and {MaxMs} (30 days), but it is {settings.Ms}");
        }

        if (settings.Until == UntilSignal && settings.Ms is not null)
        {
            yield return new ConfigProblem("$.ms", "ms is not used when until is \"signal\"; remove it");
        }

        if (settings.Until == UntilTime && settings.Ms is null)
        {
            yield return new ConfigProblem("$.ms", "required setting 'ms' is missing; add it, or set until to \"signal\"");
        }
    }

    protected override void RefineSchema(JsonObject schema)
    {
        if (schema["properties"]?["ms"] is JsonObject ms)
        {
            // Optional only because a signal wait has none; a time wait requires a number, never null.
            ms["type"] = "integer";
            ms["minimum"] = 0;
            ms["maximum"] = MaxMs;
            ms["description"] = "How long to wait, in milliseconds (60000 is one minute).";
        }

        if (schema["properties"]?["until"] is JsonObject until)
        {
            until["enum"] = new JsonArray(UntilTime, UntilSignal);
            until["description"] = "\"time\" waits for ms; \"signal\" waits until the run's node is signalled, and the signal's body becomes the output.";
        }
    }
}
