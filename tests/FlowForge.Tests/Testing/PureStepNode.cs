using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;

namespace FlowForge.Tests.Testing;

/// <summary>
/// A pure node type for engine tests: outputs its tag with its input, records every execution in <see cref="Executions"/>,
/// can fail, can take a given time, and can hold its first execution in a run (until the host stops) to stand for a crash
/// mid-chain.
/// </summary>
[NodeType("test.pureStep", "Pure test step", Category = NodeCategory.Logic, Pure = true)]
public sealed class PureStepNode : Node<PureStepNode.Settings>
{
    public sealed record Settings(string Tag = "", bool HoldFirst = false, bool Fail = false, int DelayMilliseconds = 0);

    /// <summary>Every execution in this process: the run, the node, when it started.</summary>
    public static ConcurrentQueue<(Guid RunId, string NodeId, DateTimeOffset Started)> Executions { get; } = new();

    public static IReadOnlyList<DateTimeOffset> StartsOf(Guid runId, string nodeId) =>
        [.. Executions.Where(e => e.RunId == runId && e.NodeId == nodeId).Select(e => e.Started)];

    protected override async Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken)
    {
        var first = StartsOf(context.RunId, context.NodeId).Count == 0;
        Executions.Enqueue((context.RunId, context.NodeId, context.Time.GetUtcNow()));
        if (settings.DelayMilliseconds > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(settings.DelayMilliseconds), cancellationToken);
        }

        if (settings.HoldFirst && first)
        {
            await Task.Delay(TimeSpan.FromMinutes(1), context.Time, cancellationToken);
        }

        return settings.Fail
            ? NodeResult.Fail($"step {settings.Tag} fails")
            : NodeResult.Success(new JsonObject { ["tag"] = settings.Tag, ["input"] = context.Input?.DeepClone() });
    }
}
