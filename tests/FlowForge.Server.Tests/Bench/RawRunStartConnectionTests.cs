using FlowForge.Bench;
using FlowForge.Bench.Http;

namespace FlowForge.Server.Tests.Bench;

/// <summary>The bench's raw client against a scripted server: the request it sends, keep-alive reuse, and each unexpected answer counted with the connection opened again.</summary>
public sealed class RawRunStartConnectionTests
{
    private const string Accepted = "HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n{}";
    private const string AcceptedThenClose = "HTTP/1.1 202 Accepted\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}";
    private const string Succeeded = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n16\r\n{\"status\":\"Succeeded\"}\r\n0\r\n\r\n";
    private const string Failed = "HTTP/1.1 200 OK\r\nContent-Length: 32\r\n\r\n{\"status\":\"Failed\",\"error\":\"x1\"}";
    private static readonly Guid FlowId = Guid.Parse("0193a4f2-0000-7000-8000-0000000000aa");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Start_Accepted_ReusesTheConnectionUntilTheServerClosesIt_SendingTheBuiltRequest(bool blocking)
    {
        string[][] script = [[Accepted, Accepted, AcceptedThenClose], [Accepted]];
        using var server = Server((c, r) => script[c][r]);
        var errors = new PhaseErrors();
        using var connection = new RawRunStartConnection(Request(server.Url, wait: false), errors, blocking);

        var results = new List<bool>();
        for (var i = 0; i < 4; i++)
        {
            results.Add(await connection.StartAsync());
        }

        Assert.Equal([true, true, true, true], results);
        Assert.Equal(0, errors.Count);
        Assert.Equal(2, connection.Opened);
        Assert.Equal(2, server.Connections);
        var request = server.Requests.First();
        Assert.Equal(
            $"POST /api/flows/{FlowId}/runs HTTP/1.1\r\nHost: {server.Url.Authority}\r\nAuthorization: Bearer t0ken\r\n"
            + "Content-Type: application/json; charset=utf-8\r\nContent-Length: 7\r\n\r\n{\"n\":1}",
            request);
        Assert.All(server.Requests, r => Assert.Equal(request, r));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Start_UnexpectedAnswers_CountsEachWithTheAnswerAndReopens(bool blocking)
    {
        string[][] script =
        [
            [Accepted, "HTTP/1.1 2x2 Odd\r\n\r\n"],
            ["HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\nboom"],
            [ScriptedHttpServer.Close],
            [Accepted],
        ];
        using var server = Server((c, r) => script[c][r]);
        var errors = new PhaseErrors();
        using var connection = new RawRunStartConnection(Request(server.Url, wait: false), errors, blocking);

        var results = new List<bool>();
        for (var i = 0; i < 5; i++)
        {
            results.Add(await connection.StartAsync());
        }

        Assert.Equal([true, false, false, false, true], results);
        Assert.Equal(3, errors.Count);
        Assert.Contains("malformed status line", errors.First, StringComparison.Ordinal);
        Assert.Contains("HTTP/1.1 2x2 Odd", errors.First, StringComparison.Ordinal);
        Assert.Equal(4, connection.Opened);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Start_Wait_SucceededRunIsExpected_FailedRunOrAcceptedIsAnError(bool blocking)
    {
        string[][] script = [[Succeeded, Failed], [Accepted], [Succeeded]];
        using var server = Server((c, r) => script[c][r]);
        var errors = new PhaseErrors();
        using var connection = new RawRunStartConnection(Request(server.Url, wait: true), errors, blocking);

        var results = new List<bool>();
        for (var i = 0; i < 4; i++)
        {
            results.Add(await connection.StartAsync());
        }

        Assert.Equal([true, false, false, true], results);
        Assert.Equal(2, errors.Count);
        Assert.Contains("status Failed", errors.First, StringComparison.Ordinal);
        Assert.Contains("x1", errors.First, StringComparison.Ordinal);
        Assert.Contains("Prefer: wait=60\r\n", server.Requests.First(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Start_NoAnswer_CountsATimeoutInsteadOfWaitingOn(bool blocking)
    {
        using var server = Server((c, r) => c == 0 ? ScriptedHttpServer.Silent : Accepted);
        var errors = new PhaseErrors();
        // Long enough that the second connection's answer arrives within it on a loaded machine; the first never does.
        using var connection = new RawRunStartConnection(Request(server.Url, wait: false, TimeSpan.FromSeconds(2)), errors, blocking);

        Assert.False(await connection.StartAsync());
        Assert.True(await connection.StartAsync());

        Assert.Equal(1, errors.Count);
        Assert.Contains("no answer within", errors.First, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_Blocking_CompletesOnTheCallingThread()
    {
        using var server = Server((_, _) => Accepted);
        var errors = new PhaseErrors();
        using var connection = new RawRunStartConnection(Request(server.Url, wait: false), errors, blocking: true);

        var first = connection.StartAsync();
        Assert.True(first.IsCompletedSuccessfully);
        Assert.True(await first);
        var second = connection.StartAsync();
        Assert.True(second.IsCompletedSuccessfully);
        Assert.True(await second);
        Assert.True(connection.Blocking);
    }

    [Fact]
    public async Task Pool_ManyStartsAtOnce_NeverOpensMoreConnectionsThanItsBound()
    {
        using var server = Server((_, _) => Accepted);
        var errors = new PhaseErrors();
        using var pool = new RawRunStartPool(Request(server.Url, wait: false), errors, bound: 3);

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => pool.StartAsync().AsTask()));

        Assert.All(results, Assert.True);
        Assert.Equal(0, errors.Count);
        Assert.InRange(pool.Connections, 1, 3);
        Assert.Equal(pool.Connections, server.Connections);
        Assert.Equal(40, server.Requests.Count);
    }

    private static RunStartRequest Request(Uri url, bool wait, TimeSpan? timeout = null) =>
        new(url, "Bearer t0ken", FlowId, "{\"n\":1}", wait, 60, timeout ?? TimeSpan.FromSeconds(30));

    private static ScriptedHttpServer Server(Func<int, int, string> script) => new("{\"n\":1}".Length, script);
}
