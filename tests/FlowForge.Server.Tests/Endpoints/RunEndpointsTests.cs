using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Endpoints;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Endpoints;

public sealed class RunEndpointsTests(SharedServerFixture shared) : IClassFixture<SharedServerFixture>
{
    private static async Task<Guid> CreateFlowAsync(HttpClient client, JsonObject flow)
    {
        var response = await client.PostAsJsonAsync("/api/flows", flow);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    private static Task<JsonObject> WaitForFinalAsync(HttpClient client, Uri location) =>
        Eventually.MatchesAsync(
            async () => (await client.GetFromJsonAsync<JsonObject>(location))!,
            run => run["status"]!.GetValue<string>() is "Succeeded" or "Failed" or "Cancelled",
            $"{location} to finish",
            TimeSpan.FromSeconds(10));

    [Fact]
    public async Task Start_Returns202WithLocation_RunSucceedsWithNodeDetails()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var flowId = await CreateFlowAsync(client, Flows.Diamond());

        var response = await client.PostAsJsonAsync($"/api/flows/{flowId}/runs", new { input = new { customer = "c-1" } });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var runId = (await response.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<Guid>();
        Assert.Equal($"/api/runs/{runId}", response.Headers.Location!.OriginalString);
        var run = await WaitForFinalAsync(client, response.Headers.Location);
        Assert.Equal("Succeeded", run["status"]!.GetValue<string>());
        var nodes = run["nodes"]!.AsArray();
        Assert.Equal(["trigger", "a", "b", "c", "d"], nodes.Select(n => n!["nodeId"]!.GetValue<string>()));
        Assert.All(nodes, n =>
        {
            Assert.Equal("Succeeded", n!["status"]!.GetValue<string>());
            Assert.Equal(1, n["attempt"]!.GetValue<int>());
            Assert.NotNull(n["startedAt"]);
            Assert.NotNull(n["finishedAt"]);
        });
        Assert.Equal("c-1", nodes[1]!["output"]!["customer"]!.GetValue<string>());
    }

    [Fact]
    public async Task Start_PreferWait_Returns200WithFinishedRun()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var flowId = await CreateFlowAsync(client, Flows.Chain("set", ("greet", "core.set", new JsonObject { ["values"] = new JsonObject { ["text"] = "hi {{ input.name }}" } })));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flowId}/runs") { Content = JsonContent.Create(new { input = new { name = "Ada" } }) };
        request.Headers.Add("Prefer", "wait=10");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("wait=10", response.Headers.GetValues("Preference-Applied").Single());
        var run = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Succeeded", run["status"]!.GetValue<string>());
        Assert.Equal("hi Ada", run["nodes"]![1]!["output"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Start_PreferWaitShorterThanRun_Returns202()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var flowId = await CreateFlowAsync(client, Flows.Chain("slow", ("pause", "core.wait", new JsonObject { ["ms"] = 3000 })));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flowId}/runs") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("Prefer", "wait=1");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Start_SameIdempotencyKey_ReturnsSameRun()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var flowId = await CreateFlowAsync(client, Flows.Diamond());

        async Task<Guid> StartAsync(string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flowId}/runs") { Content = JsonContent.Create(new { input = new { } }) };
            request.Headers.Add("Idempotency-Key", key);
            var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<Guid>();
        }

        var first = await StartAsync("invoice-1");
        var again = await Task.WhenAll(StartAsync("invoice-1"), StartAsync("invoice-1"));
        var other = await StartAsync("invoice-2");

        Assert.All(again, id => Assert.Equal(first, id));
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task List_NewRunsArriveWhilePaging_NoDuplicatesOrGaps()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var flowId = await CreateFlowAsync(client, Flows.Diamond());
        var initial = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            var r = await client.PostAsJsonAsync($"/api/flows/{flowId}/runs", new { });
            initial.Add((await r.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<Guid>());
        }

        var seen = new List<Guid>();
        string? cursor = null;
        for (var page = 0; page < 20; page++)
        {
            var body = (await client.GetFromJsonAsync<JsonObject>($"/api/flows/{flowId}/runs?limit=3{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}"))!;
            seen.AddRange(body["items"]!.AsArray().Select(i => i!["id"]!.GetValue<Guid>()));
            (await client.PostAsJsonAsync($"/api/flows/{flowId}/runs", new { })).EnsureSuccessStatusCode();
            cursor = body["nextCursor"]?.GetValue<string>();
            if (cursor is null)
            {
                break;
            }
        }

        initial.Reverse();
        Assert.Equal(initial, seen);
    }

    [Fact]
    public async Task Cancel_WaitingRun_ReturnsCancelledThen409()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var flowId = await CreateFlowAsync(client, Flows.Chain("long", ("pause", "core.wait", new JsonObject { ["ms"] = 60_000 }), ("after", "core.noop", null)));
        var location = (await client.PostAsJsonAsync($"/api/flows/{flowId}/runs", new { })).Headers.Location!;

        var cancel = await client.PostAsync($"{location}/cancel", null);

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var run = await WaitForFinalAsync(client, location);
        Assert.Equal("Cancelled", run["status"]!.GetValue<string>());
        Assert.Equal("Cancelled", run["nodes"]![2]!["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"{location}/cancel", null)).StatusCode);
    }

    [Fact]
    public async Task Start_FailingNode_RunFailedNamingTheNode()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var flowId = await CreateFlowAsync(client, Flows.Chain("fails", ("boom", "core.error", new JsonObject { ["message"] = "no stock" })));

        var location = (await client.PostAsJsonAsync($"/api/flows/{flowId}/runs", new { })).Headers.Location!;
        var run = await WaitForFinalAsync(client, location);

        Assert.Equal("Failed", run["status"]!.GetValue<string>());
        Assert.Contains("boom", run["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("no stock", run["nodes"]![1]!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_UnknownRun_Returns404Problem()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();

        var response = await client.GetAsync($"/api/runs/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Start_OverTheUsersRate_Returns429WithRetryAfter()
    {
        await using var server = await TestServer.StartAsync("--RateLimits:RunStartBurst=3", "--RateLimits:RunStartsPerSecond=0.5");
        using var client = await server.CreateUserClientAsync();
        using var other = await server.CreateUserClientAsync();
        var flowId = await CreateFlowAsync(client, Flows.Diamond());
        var otherFlow = await CreateFlowAsync(other, Flows.Diamond());

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 4; i++)
        {
            var response = await client.PostAsJsonAsync($"/api/flows/{flowId}/runs", new { });
            statuses.Add(response.StatusCode);
            refused = response;
        }

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal("application/problem+json", refused!.Content.Headers.ContentType!.MediaType);
        var retryAfter = refused.Headers.RetryAfter!.Delta!.Value;
        Assert.InRange(retryAfter.TotalSeconds, 1, 2);
        Assert.Equal(HttpStatusCode.Accepted, (await other.PostAsJsonAsync($"/api/flows/{otherFlow}/runs", new { })).StatusCode);
    }

    private static async Task<JsonObject> RunAndWaitAsync(HttpClient client, Guid flowId, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flowId}/runs") { Content = JsonContent.Create(body) };
        request.Headers.Add("Prefer", "wait=30");
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    [Fact]
    public async Task Get_OutputOverMaxInlineOutputBytes_IsReplacedByLinkThatServesItWhole()
    {
        await using var server = await TestServer.StartAsync("--Api:MaxInlineOutputBytes=1000");
        using var client = await server.CreateUserClientAsync();
        var flowId = await CreateFlowAsync(client, Flows.Chain("outputs",
            ("small", "core.set", new JsonObject { ["values"] = new JsonObject { ["n"] = 1 } }),
            ("big", "core.set", new JsonObject { ["values"] = new JsonObject { ["s"] = string.Concat(Enumerable.Repeat("{{ input.s }}", 10)) } })));

        var finished = await RunAndWaitAsync(client, flowId, new { input = new { s = new string('x', 500) } });
        var run = (await client.GetFromJsonAsync<JsonObject>($"/api/runs/{finished["id"]}"))!;

        Assert.Equal("Succeeded", run["status"]!.GetValue<string>());
        var nodes = run["nodes"]!.AsArray().ToDictionary(n => n!["nodeId"]!.GetValue<string>(), n => n!);
        Assert.Equal("""{"n":1}""", nodes["small"]["output"]!.ToJsonString());
        Assert.Null(nodes["small"]["outputLink"]);
        var big = nodes["big"];
        Assert.Null(big["output"]);
        Assert.Equal(5_008, big["outputLink"]!["bytes"]!.GetValue<long>());
        var href = big["outputLink"]!["href"]!.GetValue<string>();
        Assert.Equal($"/api/runs/{finished["id"]}/nodes/big/output", href);
        Assert.Null(finished["nodes"]!.AsArray().Single(n => n!["nodeId"]!.GetValue<string>() == "big")!["output"]);

        var whole = await client.GetAsync(href);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("application/json", whole.Content.Headers.ContentType?.MediaType);
        var output = (await whole.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(new string('x', 5_000), output["s"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetOutput_OtherUsersRunOrUnknownNode_Returns404()
    {
        var server = shared.Server;
        using var alice = await server.CreateUserClientAsync();
        using var bob = await server.CreateUserClientAsync();
        var flowId = await CreateFlowAsync(alice, Flows.Diamond());
        var run = await RunAndWaitAsync(alice, flowId, new { input = new { secret = "alice's" } });
        var href = $"/api/runs/{run["id"]}/nodes/a/output";

        var own = await alice.GetAsync(href);
        var other = await bob.GetAsync(href);
        var unknown = await alice.GetAsync($"/api/runs/{run["id"]}/nodes/nope/output");

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal("alice's", (await own.Content.ReadFromJsonAsync<JsonObject>())!["secret"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("alice's", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("nope", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NodeOutputOverMaxOutputBytes_RunFailsNamingSizeAndLimit()
    {
        await using var server = await TestServer.StartAsync("--Engine:MaxOutputBytes=1000");
        using var client = await server.CreateUserClientAsync();
        var flowId = await CreateFlowAsync(client, Flows.Chain("too big",
            ("big", "core.set", new JsonObject { ["values"] = new JsonObject { ["s"] = string.Concat(Enumerable.Repeat("{{ input.s }}", 10)) } })));

        var run = await RunAndWaitAsync(client, flowId, new { input = new { s = new string('x', 500) } });

        Assert.Equal("Failed", run["status"]!.GetValue<string>());
        var error = run["error"]!.GetValue<string>();
        Assert.Contains("Node 'big' failed", error, StringComparison.Ordinal);
        Assert.Contains("5,008 bytes", error, StringComparison.Ordinal);
        Assert.Contains("Engine:MaxOutputBytes", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_FlowSavedUnderLooserLimits_Returns400NamingTheNode()
    {
        var data = Directory.CreateTempSubdirectory("flowforge-limits-").FullName;
        try
        {
            var longId = new string('n', 150);
            Guid flowId;
            await using (var loose = await TestServer.StartAsync($"--Storage:DataDirectory={data}"))
            {
                using var client = await loose.CreateUserClientAsync("limits@example.com");
                flowId = await CreateFlowAsync(client, Flows.Chain("long ids", (longId, "core.noop", null)));
            }

            await using var strict = await TestServer.StartAsync($"--Storage:DataDirectory={data}", "--Flows:MaxIdLength=100");
            using var anonymous = strict.CreateClient();
            var token = await anonymous.PostAsJsonAsync("/api/auth/token", new { email = "limits@example.com", password = "correct horse battery" });
            using var signedIn = strict.CreateClient((await token.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>());

            var response = await signedIn.PostAsJsonAsync($"/api/flows/{flowId}/runs", new { });

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            var error = problem["errors"]![0]!;
            Assert.Equal("too_long", error["code"]!.GetValue<string>());
            Assert.Equal("nodes[1].id", error["field"]!.GetValue<string>());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Start_InputOverTheRunInputLimit_Returns400NamingInput()
    {
        await using var server = await TestServer.StartAsync("--Flows:MaxRunInputBytes=100");
        using var client = await server.CreateUserClientAsync();
        var flowId = await CreateFlowAsync(client, Flows.Diamond());

        var small = await client.PostAsJsonAsync($"/api/flows/{flowId}/runs", new { input = new { text = new string('x', 50) } });
        var large = await client.PostAsJsonAsync($"/api/flows/{flowId}/runs", new { input = new { text = new string('x', 100) } });

        Assert.Equal(HttpStatusCode.Accepted, small.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, large.StatusCode);
        var problem = (await large.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("input", problem["field"]!.GetValue<string>());
        Assert.Contains("Flows:MaxRunInputBytes", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\u007f")]
    [InlineData("\u2028")]
    [InlineData("\ud83d\ude00")]
    [InlineData("\"\\")]
    [InlineData("<&'>")]
    public void SurelyWithin_BodiesOfCharactersThatGrowWhenWritten_HoldNoInputOverTheBound(string characters)
    {
        // The start skips measuring an input whose body is at most a sixth of the limit: no body writes longer than six times itself.
        var raw = string.Concat(characters.Select(c => c is '"' or '\\' ? $"\\{c}" : c.ToString()));
        var body = System.Text.Encoding.UTF8.GetBytes("{\"input\":{\"" + string.Concat(Enumerable.Repeat(raw, 50)) + "\":\"" + string.Concat(Enumerable.Repeat(raw, 200)) + "\"}}");
        Assert.True(FlowForge.Engine.Json.JsonPolicy.TryParse(body, out var node, out var rejection), rejection?.Message);
        var written = FlowForge.Engine.Json.JsonPolicy.Utf8Length(node!["input"]!);

        Assert.True(RunEndpoints.SurelyWithin(body.Length, body.Length * 6L));
        Assert.False(RunEndpoints.SurelyWithin(body.Length, (body.Length * 6L) - 1));
        Assert.False(RunEndpoints.SurelyWithin(null, long.MaxValue));
        Assert.True(written <= body.Length * 6L, $"{written} bytes written from a body of {body.Length}");
    }

    [Fact]
    public async Task Start_InputInABodyOfUnknownLength_IsMeasuredAgainstTheLimit()
    {
        await using var server = await TestServer.StartAsync("--Flows:MaxRunInputBytes=100");
        using var client = await server.CreateUserClientAsync();
        var flowId = await CreateFlowAsync(client, Flows.Diamond());

        var large = await client.PostAsync($"/api/flows/{flowId}/runs", Chunked("{\"input\":{\"text\":\"" + new string('x', 100) + "\"}}"));
        var small = await client.PostAsync($"/api/flows/{flowId}/runs", Chunked("{\"input\":{\"text\":\"x\"}}"));

        Assert.Equal(HttpStatusCode.BadRequest, large.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, small.StatusCode);
        var run = await WaitForFinalAsync(client, small.Headers.Location!);
        Assert.Equal("x", run["input"]!["text"]!.GetValue<string>());
    }

    /// <summary>A JSON body sent without a Content-Length.</summary>
    private static StreamContent Chunked(string json)
    {
        var content = new StreamContent(new NonSeekableStream(System.Text.Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    [Theory]
    [InlineData("wait=5", true, 5)]
    [InlineData("respond-async, wait=10", true, 10)]
    [InlineData(" WAIT = 7 ", true, 7)]
    [InlineData("wait=\"12\"", true, 12)]
    [InlineData("wait=300", true, 300)]
    [InlineData("handling=lenient", true, null)]
    [InlineData(",, ,", true, null)]
    [InlineData("wait=2, wait=3", true, 3)]
    [InlineData("wait=301", false, null)]
    [InlineData("wait", false, null)]
    [InlineData("wait=", false, null)]
    [InlineData("wait=-1", false, null)]
    [InlineData("wait=1.5", false, null)]
    [InlineData("wait=5;x=1", false, null)]
    [InlineData("=5, waiting=5", true, null)]
    public void TryReadPreferWait_Header_ReadsTheWaitOrRefusesIt(string header, bool valid, int? expected)
    {
        Assert.Equal(valid, RunEndpoints.TryReadPreferWait(new Microsoft.Extensions.Primitives.StringValues(header), out var seconds));
        if (valid)
        {
            Assert.Equal(expected, seconds);
        }
    }

    [Fact]
    public void TryReadPreferWait_SeveralHeaders_TheLastWaitWins()
    {
        Assert.True(RunEndpoints.TryReadPreferWait(new Microsoft.Extensions.Primitives.StringValues(["wait=4", "respond-async", "wait=9"]), out var seconds));

        Assert.Equal(9, seconds);
    }

    [Fact]
    public void TryReadPreferWait_HeaderOfSeveralPreferences_CopiesNothing()
    {
        // Split into arrays and strings per preference on every Prefer: wait request before.
        var header = new Microsoft.Extensions.Primitives.StringValues("respond-async, wait=10, handling=lenient");
        RunEndpoints.TryReadPreferWait(header, out _);

        var waits = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            if (RunEndpoints.TryReadPreferWait(header, out var seconds) && seconds == 10)
            {
                waits++;
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(100, waits);
        Assert.Equal(0, allocated);
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
