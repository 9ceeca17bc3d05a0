using System.Text;
using System.Text.Json;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Server.Endpoints;
using FlowForge.Server.Tests.Testing;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Tests.Endpoints;

/// <summary>The waited start's answer is written by hand: byte for byte what the serializer writes for the run's details.</summary>
public sealed class RunDetailsAnswerTests(SharedServerFixture shared) : IClassFixture<SharedServerFixture>
{
    private static readonly DateTimeOffset At = new DateTimeOffset(2026, 12, 3, 4, 5, 6, TimeSpan.Zero).AddTicks(1_234_560);

    public static TheoryData<string, bool> Cases => new()
    {
        { "finished by its creation", true },
        { "finished by its creation", false },
        { "every field", false },
        { "every field", true },
        { "escapes and other scripts", true },
        { "escapes and other scripts", false },
        { "large and blob outputs", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Write_Run_SameBytesAsTheSerializerWritesItsDetails(string run, bool asWritten)
    {
        var server = shared.Server;
        var options = server.App.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var view = Run(run);
        const long MaxInline = 64;

        var expected = JsonSerializer.Serialize(RunEndpoints.RunDetails.From(view, MaxInline, asWritten), options);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, RunDetailsAnswer.WriterOptions(options)))
        {
            RunDetailsAnswer.Write(writer, view, MaxInline, asWritten);
        }

        Assert.Equal(expected, Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public void Write_RunAsWrittenAgain_AllocatesNothing()
    {
        var view = Run("finished by its creation");
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(8192);
        using var writer = new Utf8JsonWriter(buffer);
        RunDetailsAnswer.Write(writer, view, 1024, asWritten: true);
        writer.Flush();

        // The answer kept per thread is written again for each waited start: its writing makes no object of its own
        // (no details records, no boxed enumerators or statuses).
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        var before = GC.GetAllocatedBytesForCurrentThread();
        RunDetailsAnswer.Write(writer, view, 1024, asWritten: true);
        writer.Flush();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(buffer.WrittenCount > 0);
        Assert.Equal(0, allocated);
    }

    private static RunView Run(string name) => name switch
    {
        "finished by its creation" => new RunView(Guid.NewGuid(), Guid.NewGuid(), 3, RunStatus.Succeeded, """{"customer":"c-1"}""", null, At, At, At.AddMilliseconds(1),
        [
            new NodeInstanceView("t", "trigger.manual", NodeStatus.Succeeded, 1, At, At, """{"customer":"c-1"}""", null, null)
            {
                Attempts = [new NodeAttemptView(1, NodeStatus.Succeeded, At, At, null, """{"customer":"c-1"}""", null)],
            },
            new NodeInstanceView("a", "core.noop", NodeStatus.Succeeded, 1, At, At, """{"customer":"c-1"}""", null, null)
            {
                Attempts = [new NodeAttemptView(1, NodeStatus.Succeeded, null, At, null, """{"customer":"c-1"}""", null)],
            },
            new NodeInstanceView("skipped", "core.noop", NodeStatus.Skipped, 0, null, At, null, null, null),
        ]),
        "every field" => new RunView(Guid.NewGuid(), Guid.NewGuid(), 1, RunStatus.Failed, """{ "spaced" : [1, 2.50, true, null] }""", "node 'b' failed", At, At, At, [
            new NodeInstanceView("w", "core.wait", NodeStatus.Pending, 2, At, null, null, null, At.AddSeconds(5))
            {
                WaitReason = "Rate limited until 05:00:00",
                Attempts =
                [
                    new NodeAttemptView(1, NodeStatus.Failed, At, At, "timed out", """{"n":1}""", At.AddSeconds(1), "log line\nsecond"),
                ],
            },
            new NodeInstanceView("s", "core.wait", NodeStatus.Running, 1, At, null, null, null, null) { WaitingForSignal = true },
            new NodeInstanceView("b", "core.error", NodeStatus.Failed, 1, null, At, null, "no stock", null),
        ])
        {
            Attempt = 2,
            ParentRunId = Guid.NewGuid(),
            ParentNodeId = "loop",
            ItemIndex = 7,
        },
        "escapes and other scripts" => new RunView(Guid.NewGuid(), Guid.NewGuid(), 1, RunStatus.Succeeded, """{"text":"a \"quote\" and \u00e9 and <b>&amp;'"}""", null, At, null, null, [
            new NodeInstanceView("n\u00f8de <1>", "core.set", NodeStatus.Succeeded, 1, At, At, """{"s":"\u2028 é ü 日本 \ud83d\ude00"}""", "é <tag> & 'q' \"d\"", null)
            {
                Attempts = [new NodeAttemptView(1, NodeStatus.Succeeded, At, At, "ü\t\u0001", """{"x":"<script>"}""", null, "é <log>")],
            },
        ]),
        "large and blob outputs" => new RunView(Guid.NewGuid(), Guid.NewGuid(), 1, RunStatus.Succeeded, "{}", null, At, At, At, [
            new NodeInstanceView("big one", "core.set", NodeStatus.Succeeded, 1, At, At, $$"""{"text":"{{new string('x', 100)}}"}""", null, null),
            new NodeInstanceView("wide", "core.set", NodeStatus.Succeeded, 1, At, At, """{"t":"ééééééééééééééééééééééééééééééééé"}""", null, null),
            new NodeInstanceView("blob/node", "core.noop", NodeStatus.Succeeded, 1, At, At, null, null, null) { OutputBlob = new BlobReference(Guid.NewGuid(), Guid.NewGuid(), 123_456) },
        ]),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };
}
