using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void From_TextsAsWritten_SameBodyWithoutParsingThem(bool escaped)
    {
        // A Prefer: wait answer is built from the texts the start wrote. Each output and input was parsed into a document
        // and cloned, to be written out again; text without escapes is copied as it is, and the body is the same.
        var text = escaped ? "Ada \u00e9" : "Ada e";
        var output = JsonNode.Parse(new JsonObject { ["name"] = text, ["payload"] = new string('x', 1024) }.ToJsonString())!.ToJsonString();
        var nodes = Enumerable.Range(1, 10).Select(i => new NodeInstanceView($"s{i}", "core.set", NodeStatus.Succeeded, 1, T0, T0, output, null, null)
        {
            Attempts = [new NodeAttemptView(1, NodeStatus.Succeeded, T0, T0, null, output, null)],
        }).ToList();
        var run = new RunView(Guid.NewGuid(), Guid.NewGuid(), 1, RunStatus.Succeeded, output, null, T0, T0, T0, nodes);
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var read = JsonSerializer.SerializeToUtf8Bytes(RunEndpoints.RunDetails.From(run, 64 * 1024), options);
        JsonSerializer.SerializeToUtf8Bytes(RunEndpoints.RunDetails.From(run, 64 * 1024, asWritten: true), options);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var answered = JsonSerializer.SerializeToUtf8Bytes(RunEndpoints.RunDetails.From(run, 64 * 1024, asWritten: true), options);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(Encoding.UTF8.GetString(read), Encoding.UTF8.GetString(answered));
        if (!escaped)
        {
            // The body itself is most of it: a parsed and cloned copy of each text doubled that.
            Assert.True(allocated < 2L * answered.Length, $"writing the answer of {answered.Length:N0} bytes allocated {allocated:N0}");
        }
    }
}
