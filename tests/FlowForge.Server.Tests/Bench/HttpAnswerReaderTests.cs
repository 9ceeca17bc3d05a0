using System.Text;
using FlowForge.Bench.Http;

namespace FlowForge.Server.Tests.Bench;

/// <summary>The bench's raw client's answer parser: whole answers however the bytes arrive, and an error — never a hang — for anything else.</summary>
public sealed class HttpAnswerReaderTests
{
    private const string Accepted = "HTTP/1.1 202 Accepted\r\nContent-Length: 51\r\nContent-Type: application/json; charset=utf-8\r\nDate: Wed, 02 Dec 2026 12:00:00 GMT\r\nServer: Kestrel\r\n\r\n{\"id\":\"0193a4f2-0000-7000-8000-000000000001\",\"a\":1}";

    private const string Finished = "HTTP/1.1 200 OK\r\ncontent-length: 22\r\n\r\n{\"status\":\"Succeeded\"}";

    private const string Chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1a;name=value\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nTrailer-Field: x\r\n\r\n";

    [Fact]
    public async Task Read_ContentLengthAnswersSplitAtEveryPosition_ReadsEachWholeThenTheEnd()
    {
        var bytes = Encoding.ASCII.GetBytes(Accepted + Finished);
        for (var at = 0; at <= bytes.Length; at++)
        {
            var reader = new HttpAnswerReader(ScriptedStream.SplitAt(bytes, at));

            var first = await reader.ReadAsync();
            Assert.Equal((202, false), (first.Status, first.Close));
            Assert.Equal("{\"id\":\"0193a4f2-0000-7000-8000-000000000001\",\"a\":1}", Encoding.ASCII.GetString(first.Body.Span));
            var second = await reader.ReadAsync();
            Assert.Equal((200, false), (second.Status, second.Close));
            Assert.Equal("{\"status\":\"Succeeded\"}", Encoding.ASCII.GetString(second.Body.Span));
            var end = await Assert.ThrowsAsync<HttpAnswerException>(async () => await reader.ReadAsync());
            Assert.Contains("closed before an answer", end.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Read_ChunkedThenContentLength_SplitAtEveryPositionAndOneByteAtATime_ReadsBothWhole()
    {
        var bytes = Encoding.ASCII.GetBytes(Chunked + Accepted);
        var streams = Enumerable.Range(0, bytes.Length + 1).Select(at => ScriptedStream.SplitAt(bytes, at)).Append(ScriptedStream.OneByteAtATime(bytes));
        foreach (var stream in streams)
        {
            var reader = new HttpAnswerReader(stream);

            var chunked = await reader.ReadAsync();
            Assert.Equal((200, false), (chunked.Status, chunked.Close));
            Assert.Equal("helloabcdefghijklmnopqrstuvwxyz", Encoding.ASCII.GetString(chunked.Body.Span));
            var accepted = await reader.ReadAsync();
            Assert.Equal(202, accepted.Status);
            Assert.Equal(51, accepted.Body.Length);
        }
    }

    [Fact]
    public async Task Read_ChunkSizeSplitAcrossReads_ReadsTheBody()
    {
        // A chunk size of two hex digits whose digits arrive in separate reads, as does its CRLF.
        var body = new string('x', 0x1a);
        var reader = new HttpAnswerReader(new ScriptedStream(
            [.. new[] { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1", "a", "\r", "\n" + body + "\r\n0\r\n\r\n" }.Select(Encoding.ASCII.GetBytes)]));

        var answer = await reader.ReadAsync();

        Assert.Equal(body, Encoding.ASCII.GetString(answer.Body.Span));
    }

    [Theory]
    [InlineData("HTTP/1.1 202 Accepted\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}", 202, "{}")]
    [InlineData("HTTP/1.1 202 Accepted\r\nConnection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n", 202, "")]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}", 200, "{}")]
    [InlineData("HTTP/1.1 200 OK\r\n\r\n{\"until\":\"the end\"}", 200, "{\"until\":\"the end\"}")]
    public async Task Read_AnswerThatEndsTheConnection_SaysCloseAndReadsTheBody(string text, int status, string body)
    {
        var reader = new HttpAnswerReader(ScriptedStream.OneByteAtATime(Encoding.ASCII.GetBytes(text)));

        var answer = await reader.ReadAsync();

        Assert.Equal((status, true, body), (answer.Status, answer.Close, Encoding.ASCII.GetString(answer.Body.Span)));
    }

    [Fact]
    public async Task Read_NoContent_HasAnEmptyBodyAndKeepsTheConnection()
    {
        var reader = new HttpAnswerReader(ScriptedStream.SplitAt(Encoding.ASCII.GetBytes("HTTP/1.1 204 No Content\r\n\r\n" + Accepted), 10));

        var empty = await reader.ReadAsync();
        var next = await reader.ReadAsync();

        Assert.Equal((204, false, 0), (empty.Status, empty.Close, empty.Body.Length));
        Assert.Equal(202, next.Status);
    }

    [Theory]
    [InlineData("", "closed before an answer")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Le", "closed in the headers")]
    [InlineData("HTTP/1.1 2x2 OK\r\n\r\n", "malformed status line")]
    [InlineData("HTTP/2 200\r\n\r\n", "malformed status line")]
    [InlineData("HTTP/1.1 2000 OK\r\n\r\n", "malformed status line")]
    [InlineData("HTTP/1.1 100 Continue\r\n\r\n", "interim answer")]
    [InlineData("HTTP/1.1 200 OK\nContent-Length: 0\n\n", "line feed without a carriage return")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 0\n\r\n", "line feed without a carriage return")]
    [InlineData("HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n", "malformed header line")]
    [InlineData("HTTP/1.1 200 OK\r\nContent Length: 2\r\n\r\n{}", "malformed header line")]
    [InlineData("HTTP/1.1 200 OK\r\n Folded: value\r\n\r\n", "malformed header line")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n", "malformed Content-Length")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "malformed Content-Length")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", "malformed Content-Length")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{\"a\":", "5 bytes before the body's end")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 9999999\r\n\r\n", "over the bound")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "other than chunked")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n", "both Content-Length")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "malformed chunk size")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", "malformed chunk size")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n", "longer than its size")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", "closed 2 bytes before the body's end")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", "closed in a chunked body")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8000000\r\n", "over the bound")]
    public async Task Read_MalformedOrTruncatedAnswer_ThrowsNamingTheProblemWithTheFirstBytes(string text, string problem)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        foreach (var stream in new[] { new ScriptedStream([bytes]), ScriptedStream.OneByteAtATime(bytes) })
        {
            var reader = new HttpAnswerReader(stream);

            var error = await Assert.ThrowsAsync<HttpAnswerException>(async () => await reader.ReadAsync());

            Assert.Contains(problem, error.Message, StringComparison.Ordinal);
            var shown = HttpAnswerReader.Printable(bytes.AsSpan(0, Math.Min(bytes.Length, 12)));
            Assert.Contains($"the answer began: \"{shown}", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Read_HeadersThatNeverEnd_ThrowsAtTheBoundInsteadOfReadingOn()
    {
        var endless = Enumerable.Repeat(Encoding.ASCII.GetBytes("X-Filler: 0123456789abcdef\r\n"), 10_000).Prepend(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\n"));
        var stream = new ScriptedStream(endless);
        var reader = new HttpAnswerReader(stream);

        var error = await Assert.ThrowsAsync<HttpAnswerException>(async () => await reader.ReadAsync());

        Assert.Contains($"over {HttpAnswerReader.MaxHeaderBytes} bytes", error.Message, StringComparison.Ordinal);
        Assert.True(stream.Reads < 1_000, $"{stream.Reads} reads");
    }

    [Fact]
    public void Printable_ControlAndNonAsciiBytes_AreEscaped()
    {
        Assert.Equal("A\\r\\n\\x00\\xff", HttpAnswerReader.Printable([(byte)'A', 13, 10, 0, 255]));
    }
}
