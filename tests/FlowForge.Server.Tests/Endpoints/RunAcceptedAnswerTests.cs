using System.Text;
using System.Text.Json;
using FlowForge.Server.Endpoints;
using Microsoft.AspNetCore.Http;

namespace FlowForge.Server.Tests.Endpoints;

public sealed class RunAcceptedAnswerTests
{
    [Fact]
    public async Task ExecuteAsync_Run_WritesTheBodyTheSerializerWrote()
    {
        var runId = Guid.CreateVersion7();
        var context = new DefaultHttpContext();
        using var body = new MemoryStream();
        context.Response.Body = body;

        await new RunAcceptedAnswer(runId).ExecuteAsync(context);
        await context.Response.CompleteAsync();

        Assert.Equal(StatusCodes.Status202Accepted, context.Response.StatusCode);
        Assert.Equal($"/api/runs/{runId}", context.Response.Headers.Location.ToString());
        Assert.Equal("application/json; charset=utf-8", context.Response.ContentType);
        var written = Encoding.UTF8.GetString(body.ToArray());
        Assert.Equal(JsonSerializer.Serialize(new RunEndpoints.RunAccepted(runId), JsonSerializerOptions.Web), written);
        Assert.Equal(written.Length, context.Response.ContentLength);
    }

    [Fact]
    public void New_Run_FormatsTheIdOnceIntoItsLocation()
    {
        var runId = Guid.CreateVersion7();
        _ = new RunAcceptedAnswer(runId);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var answer = new RunAcceptedAnswer(runId);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal($"/api/runs/{runId}", answer.Location);
        // The answer and its location string; Accepted<RunAccepted> made a record and an interpolated string beside it,
        // and its serializer a writer and an async state per answer.
        Assert.InRange(allocated, 1, 200);
    }
}
