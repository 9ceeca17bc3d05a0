using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;

namespace FlowForge.Tests.Testing;

/// <summary>A node type for engine tests: its first N attempts fail as a throttled call would, asking to be retried after a while.</summary>
[NodeType("test.throttled", "Throttled test node", Category = NodeCategory.Action)]
public sealed class ThrottledNode(ScriptJournal journal) : Node<ThrottledNode.Settings>
{
    public sealed record Settings(int FailTimes, long RetryAfterMs);

    protected override Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken)
    {
        var now = context.Time.GetUtcNow();
        var fails = context.Attempt <= settings.FailTimes;
        journal.Record(new ScriptExecution(context.RunId, context.NodeId, context.Attempt, now, now, fails ? "failed" : "succeeded"));
        return Task.FromResult(fails
            ? NodeResult.Fail($"throttled on attempt {context.Attempt}", TimeSpan.FromMilliseconds(settings.RetryAfterMs))
            : NodeResult.Success(new JsonObject { ["attempt"] = context.Attempt }));
    }
}
