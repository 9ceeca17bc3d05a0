using System.Text.Json;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Server.Endpoints;

namespace FlowForge.Server.Tests.Endpoints;

public sealed class RunDetailsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void From_NodeDeferredByARateLimit_ShowsWhyAndUntilWhen()
    {
        var waitReason = "Rate limited until 2026-12-01T10:00:05.0000000+00:00: the node's connection or provider allows no more calls before then.";
        var node = new NodeInstanceView("call", "slack.postMessage", NodeStatus.Running, 1, T0, null, null, null, T0.AddSeconds(5)) { WaitReason = waitReason };
        var run = new RunView(Guid.NewGuid(), Guid.NewGuid(), 1, RunStatus.Running, "{}", null, T0, T0, null, [node]);

        var json = JsonSerializer.SerializeToElement(RunEndpoints.RunDetails.From(run, 1024), JsonSerializerOptions.Web);

        var shown = json.GetProperty("nodes")[0];
        Assert.Equal(waitReason, shown.GetProperty("waitReason").GetString());
        Assert.Equal(T0.AddSeconds(5), shown.GetProperty("waitUntil").GetDateTimeOffset());
    }

    [Fact]
    public void From_NodeNotRateLimited_LeavesWaitReasonOut()
    {
        var node = new NodeInstanceView("wait", "core.wait", NodeStatus.Running, 1, T0, null, null, null, T0.AddSeconds(5));
        var run = new RunView(Guid.NewGuid(), Guid.NewGuid(), 1, RunStatus.Running, "{}", null, T0, T0, null, [node]);

        var json = JsonSerializer.SerializeToElement(RunEndpoints.RunDetails.From(run, 1024), JsonSerializerOptions.Web);

        Assert.False(json.GetProperty("nodes")[0].TryGetProperty("waitReason", out _));
    }
}
