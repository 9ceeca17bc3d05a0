using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Nodes.Http;
using FlowForge.Tests.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FlowForge.Tests.Nodes;

/// <summary><c>http.request</c> against a local Kestrel server, with the guard opened for 127.0.0.1 only.</summary>
public sealed class HttpRequestNodeTests
{
    private static HttpNodeHarness OpenHarness(Action<HttpOptions>? configure = null, IReadOnlyDictionary<string, IPAddress[]>? names = null) =>
        HttpNodeHarness.Create(o =>
        {
            o.AllowedHosts = ["127.0.0.1"];
            configure?.Invoke(o);
        }, names);

    private static JsonObject Config(string method, Uri url, Action<JsonObject>? more = null)
    {
        var config = new JsonObject { ["method"] = method, ["url"] = url.ToString() };
        more?.Invoke(config);
        return config;
    }

    private static Task<NodeResult> RunAsync(HttpNodeHarness harness, JsonObject config, NodeContext? context = null, CancellationToken cancellationToken = default) =>
        harness.Node.ExecuteAsync(context ?? NodeContexts.For(config), cancellationToken);

    [Fact]
    public async Task ExecuteAsync_GetWithQueryAndHeaders_OutputsStatusHeadersAndParsedJson()
    {
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/items", (HttpContext c) =>
        {
            c.Response.Headers["X-Total"] = "2";
            return Results.Json(new JsonObject { ["items"] = new JsonArray(1, 2), ["q"] = c.Request.Query["q"].ToString() });
        }));
        await using var harness = OpenHarness();

        var result = await RunAsync(harness, Config("get", server.Url("items"), c =>
        {
            c["query"] = new JsonObject { ["q"] = "a b&c", ["page"] = 2, ["tag"] = new JsonArray("x", "y") };
            c["headers"] = new JsonObject { ["X-Api-Key"] = "secret-key", ["Accept"] = "application/json" };
        }));

        Assert.Equal(NodeResultKind.Succeeded, result.Kind);
        var output = result.Output!.AsObject();
        Assert.Equal(200, (int)output["status"]!);
        Assert.Equal("2", (string?)output["headers"]!["x-total"]);
        Assert.StartsWith("application/json", (string?)output["headers"]!["content-type"], StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"items":[1,2],"q":"a b&c"}"""), output["body"]));
        var received = Assert.Single(server.Requests);
        Assert.Equal("GET", received.Method);
        Assert.Equal("/items?q=a%20b%26c&page=2&tag=x&tag=y", received.PathAndQuery);
        Assert.Equal("secret-key", received.Headers["x-api-key"]);
    }

    [Fact]
    public async Task ExecuteAsync_PostJsonBody_ServerReceivesJson()
    {
        await using var server = await LocalHttpServer.StartAsync(app => app.MapPost("/orders", () => Results.Created("/orders/7", new { id = 7 })));
        await using var harness = OpenHarness();

        var result = await RunAsync(harness, Config("POST", server.Url("orders"), c => c["body"] = new JsonObject { ["sku"] = "A-1", ["qty"] = 3 }));

        Assert.Equal(201, (int)result.Output!["status"]!);
        Assert.Equal(7, (int)result.Output!["body"]!["id"]!);
        var received = Assert.Single(server.Requests);
        Assert.Equal("""{"sku":"A-1","qty":3}""", received.Body);
        Assert.StartsWith("application/json", received.Headers["content-type"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_FormBody_SentUrlEncoded()
    {
        await using var server = await LocalHttpServer.StartAsync(app => app.MapPost("/form", () => Results.Text("ok")));
        await using var harness = OpenHarness();

        var result = await RunAsync(harness, Config("POST", server.Url("form"), c =>
        {
            c["bodyType"] = "form";
            c["body"] = new JsonObject { ["name"] = "Ada Lovelace", ["age"] = 36, ["admin"] = true };
        }));

        Assert.Equal("ok", (string?)result.Output!["body"]);
        var received = Assert.Single(server.Requests);
        Assert.Equal("name=Ada+Lovelace&age=36&admin=true", received.Body);
        Assert.Equal("application/x-www-form-urlencoded", received.Headers["content-type"]);
    }

    [Fact]
    public async Task ExecuteAsync_RawBodyWithContentTypeHeader_SentAsWritten()
    {
        await using var server = await LocalHttpServer.StartAsync(app => app.MapPut("/doc", () => Results.NoContent()));
        await using var harness = OpenHarness();

        var result = await RunAsync(harness, Config("PUT", server.Url("doc"), c =>
        {
            c["bodyType"] = "raw";
            c["body"] = "<doc>1</doc>";
            c["headers"] = new JsonObject { ["Content-Type"] = "application/xml" };
        }));

        Assert.Equal(204, (int)result.Output!["status"]!);
        Assert.Null(result.Output!["body"]);
        var received = Assert.Single(server.Requests);
        Assert.Equal("<doc>1</doc>", received.Body);
        Assert.Equal("application/xml", received.Headers["content-type"]);
    }

    [Fact]
    public async Task ExecuteAsync_ServiceUnavailableWithRetryAfterSeconds_RetryableWithThatWait()
    {
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/busy", (HttpContext c) =>
        {
            c.Response.Headers.RetryAfter = "120";
            return Results.Text("try later", statusCode: 503);
        }));
        await using var harness = OpenHarness();

        var result = await RunAsync(harness, Config("GET", server.Url("busy")));

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.True(result.Retryable);
        Assert.Equal(TimeSpan.FromSeconds(120), result.RetryAfter);
        Assert.Contains("503", result.Error, StringComparison.Ordinal);
        Assert.Contains("try later", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunThroughEngine_ServiceUnavailableWithRetryAfter_NextAttemptWaitsForTheServer()
    {
        var calls = 0;
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/flaky", (HttpContext c) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                c.Response.Headers.RetryAfter = "30";
                return Results.StatusCode(503);
            }

            return Results.Json(new JsonObject { ["ok"] = true });
        }));
        var clock = new FakeTimeProvider(NodeContexts.Now);
        await using var engine = await EngineHarness.StartAsync(services: s => s.AddSingleton<TimeProvider>(clock).Configure<HttpOptions>(o => o.AllowedHosts = ["127.0.0.1"]));
        var flowId = await engine.CreateFlowAsync(new FlowBuilder("retry after").Node("trigger", "trigger.manual")
            .Node("fetch", "http.request", Config("GET", server.Url("flaky"))).Edge("trigger", "fetch")
            .Data("fetch", "retry", new JsonObject { ["maxAttempts"] = 2, ["delayMs"] = 1_000 }).ToJson());
        var runId = await engine.StartRunAsync(flowId);

        var first = await Eventually.MatchesAsync(
            async () => (await engine.GetRunAsync(runId))?.Nodes.Single(n => n.NodeId == "fetch").Attempts ?? [],
            attempts => attempts.Count >= 1,
            "the first attempt of fetch recorded");
        Assert.Equal(TimeSpan.FromSeconds(30), first[0].RetryAt - first[0].FinishedAt);
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Single(server.Requests);

        // Past the 30 s. The retry's timer may be set on the fake clock only after these advances (the attempt is read
        // from the store before the engine has armed it), so the clock goes on, a second at a time, until the second
        // request has come (not after: its own timeout runs on the same clock).
        clock.Advance(TimeSpan.FromMilliseconds(1_020));
        var run = await Eventually.MatchesAsync(
            async () =>
            {
                var current = await engine.GetRunAsync(runId);
                if (current?.Status.IsFinal() != true && server.Requests.Count < 2)
                {
                    clock.Advance(TimeSpan.FromSeconds(1));
                }

                return current;
            },
            current => current?.Status.IsFinal() == true,
            $"run {runId} to finish",
            TimeSpan.FromSeconds(20));
        Assert.Equal(RunStatus.Succeeded, run!.Status);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task ExecuteAsync_TooManyRequestsWithRetryAfterDate_WaitMeasuredOnTheNodeClock()
    {
        var retryAt = NodeContexts.Now.AddSeconds(90);
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/limited", (HttpContext c) =>
        {
            c.Response.Headers.RetryAfter = retryAt.ToString("R");
            return Results.StatusCode(429);
        }));
        await using var harness = OpenHarness();

        var result = await RunAsync(harness, Config("GET", server.Url("limited")));

        Assert.True(result.Retryable);
        Assert.Equal(TimeSpan.FromSeconds(90), result.RetryAfter);
    }

    [Fact]
    public async Task ExecuteAsync_ServerErrorWithoutRetryAfter_RetryableWithPolicyDelay()
    {
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/boom", () => Results.StatusCode(500)));
        await using var harness = OpenHarness();

        var result = await RunAsync(harness, Config("GET", server.Url("boom")));

        Assert.True(result.Retryable);
        Assert.Null(result.RetryAfter);
    }

    [Fact]
    public async Task ExecuteAsync_RetryAfterBeyondMaxRetryAfter_NotRetriedAndSettingNamed()
    {
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/later", (HttpContext c) =>
        {
            c.Response.Headers.RetryAfter = "86400";
            return Results.StatusCode(503);
        }));
        await using var harness = OpenHarness(o => o.MaxRetryAfter = TimeSpan.FromMinutes(5));

        var result = await RunAsync(harness, Config("GET", server.Url("later")));

        Assert.False(result.Retryable);
        Assert.Contains("Http:MaxRetryAfter", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_NotFound_NonRetryableFailureNamingStatusWithoutQuery()
    {
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/known", () => "here"));
        await using var harness = OpenHarness();

        var result = await RunAsync(harness, Config("GET", server.Url("missing?token=s3cret")));

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.False(result.Retryable);
        Assert.Contains("404", result.Error, StringComparison.Ordinal);
        Assert.Contains("/missing", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_FailOnStatusFalse_SucceedsWithTheStatus()
    {
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/gone", () => Results.Json(new { error = "gone" }, statusCode: 410)));
        await using var harness = OpenHarness();

        var result = await RunAsync(harness, Config("GET", server.Url("gone"), c => c["failOnStatus"] = false));

        Assert.Equal(NodeResultKind.Succeeded, result.Kind);
        Assert.Equal(410, (int)result.Output!["status"]!);
        Assert.Equal("gone", (string?)result.Output!["body"]!["error"]);
    }

    [Fact]
    public async Task ExecuteAsync_StreamedResponseOverTheCap_FailsAtTheCapWithoutWaitingForTheEnd()
    {
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/endless", async (HttpContext c) =>
        {
            // No Content-Length, and the body never ends: only a cap applied while it streams lets the node finish.
            c.Response.ContentType = "text/plain";
            var chunk = Encoding.ASCII.GetBytes(new string('x', 64 * 1024));
            await c.Response.Body.WriteAsync(chunk, c.RequestAborted);
            await c.Response.Body.WriteAsync(chunk, c.RequestAborted);
            await c.Response.Body.FlushAsync(c.RequestAborted);
            await Task.Delay(Timeout.Infinite, c.RequestAborted);
        }));
        await using var harness = OpenHarness(o => o.MaxResponseBytes = 64 * 1024);

        var result = await Eventually.WithinAsync(RunAsync(harness, Config("GET", server.Url("endless"))), "the node to stop reading at the cap");

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.False(result.Retryable);
        Assert.Contains("Http:MaxResponseBytes (65,536 bytes)", result.Error, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => server.Aborted.Contains("/endless"), "the server to see the oversized response abandoned");
    }

    [Fact]
    public async Task ExecuteAsync_DeclaredLengthOverTheCap_FailsWithoutReadingTheBody()
    {
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/declared", () => Results.Bytes(new byte[10_000], "application/octet-stream")));
        await using var harness = OpenHarness(o => o.MaxResponseBytes = 1_000);

        var result = await RunAsync(harness, Config("GET", server.Url("declared")));

        Assert.Contains("Http:MaxResponseBytes (1,000 bytes)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_TimeoutElapses_RequestAbortedAndRetryableFailure()
    {
        var arrived = new TaskCompletionSource();
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/slow", async (HttpContext c) =>
        {
            arrived.TrySetResult();
            await Task.Delay(Timeout.Infinite, c.RequestAborted);
        }));
        await using var harness = OpenHarness();
        var config = Config("GET", server.Url("slow"), c => c["timeoutMs"] = 2_000);
        var context = NodeContexts.For(config);

        var running = RunAsync(harness, config, context);
        await Eventually.WithinAsync(arrived.Task, "the request to reach the server");
        ((FakeTimeProvider)context.Time).Advance(TimeSpan.FromMilliseconds(2_000));
        var result = await Eventually.WithinAsync(running, "the node to give up at its timeout");

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.True(result.Retryable);
        Assert.Contains("timed out after 2000 ms", result.Error, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => server.Aborted.Contains("/slow"), "the server to see the request aborted");
    }

    [Fact]
    public async Task ExecuteAsync_NodeTokenCancelled_RequestAborted()
    {
        var arrived = new TaskCompletionSource();
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/slow", async (HttpContext c) =>
        {
            arrived.TrySetResult();
            await Task.Delay(Timeout.Infinite, c.RequestAborted);
        }));
        await using var harness = OpenHarness();
        using var cancellation = new CancellationTokenSource();

        var running = RunAsync(harness, Config("GET", server.Url("slow")), cancellationToken: cancellation.Token);
        await Eventually.WithinAsync(arrived.Task, "the request to reach the server");
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Eventually.WithinAsync(running, "the node to stop when cancelled"));
        await Eventually.TrueAsync(() => server.Aborted.Contains("/slow"), "the server to see the request aborted");
    }

    [Fact]
    public async Task ExecuteAsync_ResponseTypes_BodyAsTextBinaryOrJson()
    {
        await using var server = await LocalHttpServer.StartAsync(app =>
        {
            app.MapGet("/png", () => Results.Bytes([0x89, 0x50, 0x4E, 0x47, 0x00, 0xFF], "image/png"));
            app.MapGet("/text", () => Results.Text("héllo", "text/plain", Encoding.UTF8));
            app.MapGet("/latin1", () => Results.Bytes(Encoding.Latin1.GetBytes("café"), "text/plain; charset=iso-8859-1"));
            app.MapGet("/json-as-text", () => Results.Json(new { a = 1 }));
        });
        await using var harness = OpenHarness();

        var blobs = new MemoryRunBlobWriter();
        var png = (await RunAsync(harness, Config("GET", server.Url("png")), NodeContexts.For(Config("GET", server.Url("png")), blobs: blobs))).Output!["body"]!;
        var text = (await RunAsync(harness, Config("GET", server.Url("text")))).Output!["body"]!;
        var latin1 = (await RunAsync(harness, Config("GET", server.Url("latin1")))).Output!["body"]!;
        var asText = (await RunAsync(harness, Config("GET", server.Url("json-as-text"), c => c["responseType"] = "text"))).Output!["body"]!;
        var forcedConfig = Config("GET", server.Url("text"), c => c["responseType"] = "binary");
        var forcedBinary = (await RunAsync(harness, forcedConfig, NodeContexts.For(forcedConfig, blobs: blobs))).Output!["body"]!;

        byte[] pngBytes = [0x89, 0x50, 0x4E, 0x47, 0x00, 0xFF];
        Assert.Equal(["blobId", "contentType", "size", "sha256"], png.AsObject().Select(p => p.Key));
        Assert.Equal(pngBytes, blobs.Written[Guid.Parse((string)png["blobId"]!)]);
        Assert.Equal("image/png", (string?)png["contentType"]);
        Assert.Equal(6, (int)png["size"]!);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(pngBytes)), (string?)png["sha256"]);
        Assert.Equal("héllo", (string?)text);
        Assert.Equal("café", (string?)latin1);
        Assert.Equal("""{"a":1}""", (string?)asText);
        Assert.Equal(Encoding.UTF8.GetBytes("héllo"), blobs.Written[Guid.Parse((string)forcedBinary["blobId"]!)]);
        Assert.Equal("text/plain", (string?)forcedBinary["contentType"]);
    }

    [Fact]
    public async Task ExecuteAsync_BinaryResponseWithoutBlobStore_FailsSayingSo()
    {
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/png", () => Results.Bytes([0x89, 0x50, 0x4E, 0x47], "image/png")));
        await using var harness = OpenHarness();

        var result = await RunAsync(harness, Config("GET", server.Url("png")));

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.Contains("is binary and this host keeps no blobs", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_JsonExpectedButTextReturned_FailsSayingSo()
    {
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/html", () => Results.Text("<html></html>", "text/html")));
        await using var harness = OpenHarness();

        var result = await RunAsync(harness, Config("GET", server.Url("html"), c => c["responseType"] = "json"));

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.Contains("is not JSON", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_SeeOtherAfterPost_FollowedAsGetWithoutBody()
    {
        await using var server = await LocalHttpServer.StartAsync(app =>
        {
            app.MapPost("/submit", () => Results.Redirect("/result?id=5"));
            app.MapGet("/result", (HttpContext c) => Results.Json(new { id = c.Request.Query["id"].ToString() }));
        });
        await using var harness = OpenHarness();

        var result = await RunAsync(harness, Config("POST", server.Url("submit"), c => c["body"] = new JsonObject { ["x"] = 1 }));

        Assert.Equal("5", (string?)result.Output!["body"]!["id"]);
        Assert.Equal(["POST /submit", "GET /result?id=5"], server.Requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
        Assert.Equal("", server.Requests.Last().Body);
    }

    [Fact]
    public async Task ExecuteAsync_TemporaryRedirect_RepeatsMethodAndBody()
    {
        await using var server = await LocalHttpServer.StartAsync(app =>
        {
            app.MapPut("/old", () => Results.Redirect("/new", permanent: false, preserveMethod: true));
            app.MapPut("/new", () => Results.Ok());
        });
        await using var harness = OpenHarness();

        await RunAsync(harness, Config("PUT", server.Url("old"), c => c["body"] = new JsonObject { ["v"] = 2 }));

        Assert.Equal(["PUT /old {\"v\":2}", "PUT /new {\"v\":2}"], server.Requests.Select(r => $"{r.Method} {r.PathAndQuery} {r.Body}"));
    }

    [Fact]
    public async Task ExecuteAsync_MoreRedirectsThanAllowed_FailsNamingTheLimit()
    {
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/loop/{n:int}", (int n) => Results.Redirect($"/loop/{n + 1}")));
        await using var harness = OpenHarness(o => o.MaxRedirects = 3);

        var result = await RunAsync(harness, Config("GET", server.Url("loop/0")));

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.Contains("more than 3 times", result.Error, StringComparison.Ordinal);
        Assert.Contains("Http:MaxRedirects", result.Error, StringComparison.Ordinal);
        Assert.Equal(4, server.Requests.Count);
    }

    [Fact]
    public async Task ExecuteAsync_FollowRedirectsFalse_ReturnsTheRedirectItself()
    {
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/moved", () => Results.Redirect("/elsewhere")));
        await using var harness = OpenHarness();

        var result = await RunAsync(harness, Config("GET", server.Url("moved"), c =>
        {
            c["followRedirects"] = false;
            c["failOnStatus"] = false;
        }));

        Assert.Equal(302, (int)result.Output!["status"]!);
        Assert.Equal("/elsewhere", (string?)result.Output!["headers"]!["location"]);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task ExecuteAsync_RedirectToAnotherHost_AuthorizationNotSentOn()
    {
        var loopback = new[] { IPAddress.Loopback };
        var names = new Dictionary<string, IPAddress[]> { ["api.test"] = loopback, ["cdn.test"] = loopback };
        await using var server = await LocalHttpServer.StartAsync(app =>
        {
            app.MapGet("/start", (HttpContext c) => Results.Redirect($"http://cdn.test:{c.Connection.LocalPort}/file"));
            app.MapGet("/file", () => "content");
        });
        await using var harness = OpenHarness(o => o.AllowedHosts = ["api.test", "cdn.test"], names);

        var result = await RunAsync(harness, Config("GET", new Uri($"http://api.test:{server.Port}/start"), c =>
            c["headers"] = new JsonObject { ["Authorization"] = "Bearer abc", ["X-Trace"] = "t1" }));

        Assert.Equal("content", (string?)result.Output!["body"]);
        var requests = server.Requests.ToArray();
        Assert.Equal("Bearer abc", requests[0].Headers["authorization"]);
        Assert.False(requests[1].Headers.ContainsKey("authorization"));
        Assert.Equal("t1", requests[1].Headers["x-trace"]);
    }

    [Fact]
    public async Task ExecuteAsync_ConnectionRefused_RetryableFailure()
    {
        int port;
        await using (var closed = await LocalHttpServer.StartAsync(_ => { }))
        {
            port = closed.Port;
        }

        await using var harness = OpenHarness();

        var result = await RunAsync(harness, Config("GET", new Uri($"http://127.0.0.1:{port}/")));

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.True(result.Retryable);
    }

    [Fact]
    public async Task ExecuteAsync_UrlFromExpression_ResolvedBeforeTheRequest()
    {
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/users/{id}", (string id) => Results.Json(new { id })));
        await using var harness = OpenHarness();
        var config = new JsonObject { ["method"] = "GET", ["url"] = server.Address + "users/{{ input.id }}" };

        var result = await harness.Node.ExecuteAsync(NodeContexts.For(config, runInput: new JsonObject { ["id"] = "u-9" }), CancellationToken.None);

        Assert.True(result.Kind == NodeResultKind.Succeeded, result.Error);
        Assert.Equal("u-9", (string?)result.Output!["body"]!["id"]);
    }

    [Theory]
    [InlineData("""{"method":"FETCH","url":"https://api.example.com"}""", "$.method")]
    [InlineData("""{"method":"GET","url":"api.example.com/items"}""", "$.url")]
    [InlineData("""{"method":"GET","url":"ftp://files.example.com/a"}""", "$.url")]
    [InlineData("""{"method":"GET","url":"https://user:pw@api.example.com"}""", "$.url")]
    [InlineData("""{"method":"GET","url":"https://api.example.com","bodyType":"xml"}""", "$.bodyType")]
    [InlineData("""{"method":"GET","url":"https://api.example.com","responseType":"stream"}""", "$.responseType")]
    [InlineData("""{"method":"POST","url":"https://api.example.com","bodyType":"form","body":{"a":{"b":1}}}""", "$.body")]
    [InlineData("""{"method":"POST","url":"https://api.example.com","bodyType":"raw","body":[1]}""", "$.body")]
    [InlineData("""{"method":"GET","url":"https://api.example.com","headers":{"Host":"internal"}}""", "$.headers.Host")]
    [InlineData("""{"method":"GET","url":"https://api.example.com","headers":{"X-A":"a\r\nX-B: b"}}""", "$.headers.X-A")]
    [InlineData("""{"method":"GET","url":"https://api.example.com","headers":{"Bad Name":"a"}}""", "$.headers")]
    [InlineData("""{"method":"GET","url":"https://api.example.com","query":{"q":{"deep":1}}}""", "$.query.q")]
    [InlineData("""{"method":"GET","url":"https://api.example.com","maxRedirects":99}""", "$.maxRedirects")]
    [InlineData("""{"method":"GET","url":"https://api.example.com","timeoutMs":0}""", "$.timeoutMs")]
    [InlineData("""{"url":"https://api.example.com"}""", "$")]
    public async Task ValidateConfig_BadValue_ProblemNamesTheField(string config, string path)
    {
        await using var harness = OpenHarness();

        var problems = harness.Node.ValidateConfig(JsonNode.Parse(config));

        Assert.Contains(problems, p => p.Path == path);
    }

    [Fact]
    public async Task ValidateConfig_TemplatedMethodAndUrl_AcceptedUntilResolved()
    {
        await using var harness = OpenHarness();

        var problems = harness.Node.ValidateConfig(JsonNode.Parse("""{"method":"{{ input.verb }}","url":"{{ input.url }}"}"""));

        Assert.Empty(problems);
    }

    [Fact]
    public async Task Descriptor_Schema_ListsMethodsAndBoundsFromTheSettings()
    {
        await using var harness = OpenHarness(o => o.MaxRedirects = 7);

        var properties = harness.Node.Descriptor.ConfigSchema["properties"]!;

        Assert.Equal("http.request", harness.Node.Descriptor.Id);
        Assert.Contains("PATCH", properties["method"]!["enum"]!.AsArray().Select(m => (string?)m));
        Assert.Equal(7, (int)properties["maxRedirects"]!["maximum"]!);
    }
}
