using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;

namespace FlowForge.Tests.Testing;

/// <summary>
/// A node type for engine tests: sleeps (cancellably), meets other nodes executing at the same time, fails its
/// first N attempts, fires a chosen port, and records every execution in the <see cref="ScriptJournal"/>.
/// </summary>
[NodeType("test.script", "Scripted test node", Category = NodeCategory.Action, Outputs = ["main", "yes", "no"])]
public sealed class ScriptedNode(ScriptJournal journal) : Node<ScriptedNode.Settings>
{
    public sealed record Settings(
        int SleepMs = 0, bool SleepFirstAttemptOnly = false, int FailTimes = 0, bool FailAlways = false, string Port = NodePorts.Main, bool Retryable = false,
        string? MeetAt = null, int MeetCount = 2);

    protected override async Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken)
    {
        var started = context.Time.GetUtcNow();
        var outcome = "succeeded";
        try
        {
            if (settings.SleepMs > 0 && (!settings.SleepFirstAttemptOnly || context.Attempt == 1))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(settings.SleepMs), context.Time, cancellationToken);
            }

            if (settings.MeetAt is { } meeting && !await journal.MeetAsync(context.RunId, meeting, settings.MeetCount, TimeSpan.FromSeconds(20), cancellationToken))
            {
                outcome = "failed";
                return NodeResult.Fail($"the other nodes of meeting '{meeting}' were not executing at the same time");
            }

            if (settings.FailAlways || context.Attempt <= settings.FailTimes)
            {
                outcome = "failed";
                return NodeResult.Fail($"scripted failure on attempt {context.Attempt}", settings.Retryable);
            }

            return NodeResult.To(settings.Port, new JsonObject { ["node"] = context.NodeId, ["input"] = context.Input?.DeepClone() });
        }
        catch (OperationCanceledException)
        {
            outcome = "cancelled";
            throw;
        }
        finally
        {
            journal.Record(new ScriptExecution(context.RunId, context.NodeId, context.Attempt, started, context.Time.GetUtcNow(), outcome));
        }
    }
}
