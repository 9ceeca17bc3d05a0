using System.Text;
using System.Text.Json;
using FlowForge.Bench.Http;

namespace FlowForge.Server.Tests.Bench;

/// <summary>The raw client's reading of a finished run's <c>status</c> (the answer to a start with <c>Prefer: wait</c>).</summary>
public sealed class RunStatusReaderTests
{
    [Fact]
    public void IsSucceeded_Succeeded_AfterNestedStatusFields_True()
    {
        var json = """{"id":"r1","outputs":{"a":{"status":"Failed"},"list":[{"status":"x"}]},"status":"Succeeded","error":null}""";

        Assert.True(RunStatusReader.IsSucceeded(Encoding.UTF8.GetBytes(json), out var status));
        Assert.Equal("Succeeded", status);
    }

    [Fact]
    public void IsSucceeded_Failed_FalseWithTheStatus()
    {
        Assert.False(RunStatusReader.IsSucceeded("""{"status":"Failed","error":"boom"}"""u8, out var status));
        Assert.Equal("Failed", status);
    }

    [Fact]
    public void IsSucceeded_NoTopLevelStatus_FalseWithNone()
    {
        Assert.False(RunStatusReader.IsSucceeded("""{"id":"r1","nested":{"status":"Succeeded"}}"""u8, out var status));
        Assert.Null(status);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("")]
    [InlineData("{\"status\":")]
    public void IsSucceeded_NotARunObject_Throws(string text)
    {
        Assert.ThrowsAny<JsonException>(() => RunStatusReader.IsSucceeded(Encoding.UTF8.GetBytes(text), out _));
    }
}
