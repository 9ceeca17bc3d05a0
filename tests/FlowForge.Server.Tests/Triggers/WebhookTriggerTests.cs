using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FlowForge.Engine.Storage;
using FlowForge.Server.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Server.Tests.Triggers;

public sealed class WebhookTriggerTests(SharedServerFixture shared) : IClassFixture<SharedServerFixture>
{
    private const string Secret = "It's a Secret to Everybody";

    private static string HookFlow(JsonObject? config = null, string name = "hook") =>
        new FlowBuilder(name).Node("hook", "trigger.webhook", config ?? new JsonObject { ["respond"] = "immediately" }).Node("next", "core.noop").Edge("hook", "next").ToJson();

    private static string SignedFlow(JsonObject signature) =>
        HookFlow(new JsonObject { ["respond"] = "immediately", ["signature"] = signature });

    [Fact]
    public async Task Activate_WebhookFlow_UrlHasUnguessableKeyAndOnlyItAnswers()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        using var anonymous = server.CreateClient();
        var (flowId, url) = await TriggerFlows.CreateActiveWebhookAsync(client, HookFlow());
        var key = url.AbsolutePath["/hooks/".Length..];

        var listed = (await client.GetFromJsonAsync<JsonObject>($"/api/flows/{flowId}"))!;
        var rightKey = await anonymous.PostAsync(url, new StringContent("{}", Encoding.UTF8, "application/json"));
        var wrongKey = await anonymous.PostAsync($"/hooks/{RandomNumberGenerator.GetString("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", key.Length)}", null);
        var malformed = await anonymous.PostAsync("/hooks/short", null);

        Assert.True(key.Length >= 22, $"key '{key}' is shorter than 22 characters");
        Assert.True(key.All(char.IsAsciiLetterOrDigit), $"key '{key}' is not base62");
        Assert.True(listed["active"]!.GetValue<bool>());
        Assert.Equal(url.ToString(), listed["webhooks"]![0]!["url"]!.GetValue<string>());
        Assert.Equal("hook", listed["webhooks"]![0]!["nodeId"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Accepted, rightKey.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, wrongKey.StatusCode);
        Assert.Equal("application/problem+json", wrongKey.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, malformed.StatusCode);
    }

    [Fact]
    public async Task Deactivate_ActiveWebhook_404UntilActivatedAgainWithTheSameKey()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        using var anonymous = server.CreateClient();
        var (flowId, url) = await TriggerFlows.CreateActiveWebhookAsync(client, HookFlow());

        var deactivated = await client.PostAsync($"/api/flows/{flowId}/deactivate", null);
        var whileInactive = await anonymous.PostAsync(url, null);
        var reactivated = await TriggerFlows.ActivateAsync(client, flowId);
        var afterwards = await anonymous.PostAsync(url, null);

        Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
        Assert.False((await deactivated.Content.ReadFromJsonAsync<JsonObject>())!["active"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.NotFound, whileInactive.StatusCode);
        Assert.Equal(url.ToString(), reactivated["webhooks"]![0]!["url"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Accepted, afterwards.StatusCode);
    }

    [Fact]
    public async Task Activate_FlowWithOnlyAManualTrigger_400NamingNodes()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var flowId = await TriggerFlows.CreateAsync(client, new FlowBuilder().Node("trigger", "trigger.manual").ToJson());

        var activated = await client.PostAsync($"/api/flows/{flowId}/activate", null);
        var unknown = await client.PostAsync($"/api/flows/{Guid.NewGuid()}/activate", null);

        Assert.Equal(HttpStatusCode.BadRequest, activated.StatusCode);
        Assert.Equal("nodes", (await activated.Content.ReadFromJsonAsync<JsonObject>())!["field"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Theory]
    [InlineData("application/json", "{\"order\":42,\"items\":[\"a\"]}", "{\"order\":42,\"items\":[\"a\"]}")]
    [InlineData("application/x-www-form-urlencoded", "name=Ada+Lovelace&tag=a&tag=b", "{\"name\":\"Ada Lovelace\",\"tag\":[\"a\",\"b\"]}")]
    [InlineData("text/plain", "plain words", "\"plain words\"")]
    [InlineData("application/octet-stream", "\u0001\u0002binary", "\"AQJiaW5hcnk=\"")]
    public async Task Call_BodyOfEachKind_LandsInRunInput(string contentType, string body, string expectedBody)
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        using var anonymous = server.CreateClient();
        var (_, url) = await TriggerFlows.CreateActiveWebhookAsync(client, HookFlow());
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(url, "?source=test&id=1&id=2"))
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) { Headers = { { "Content-Type", contentType } } },
        };
        request.Headers.Add("X-Request-Tag", "tagged");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "caller-token");

        var called = await anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, called.StatusCode);
        var runId = (await called.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<Guid>();
        var run = await TriggerFlows.FinishedRunAsync(client, runId);
        var input = run["input"]!;
        Assert.Equal("Succeeded", run["status"]!.GetValue<string>());
        Assert.Equal("PUT", input["method"]!.GetValue<string>());
        Assert.Equal("tagged", input["headers"]!["x-request-tag"]!.GetValue<string>());
        Assert.Equal("********", input["headers"]!["authorization"]!.GetValue<string>());
        Assert.Equal("test", input["query"]!["source"]!.GetValue<string>());
        Assert.Equal(["1", "2"], input["query"]!["id"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expectedBody), input["body"]), $"body was {input["body"]?.ToJsonString()}");
        Assert.Equal(contentType == "application/octet-stream" ? "base64" : null, input["bodyEncoding"]?.GetValue<string>());
    }

    [Fact]
    public async Task Call_MalformedJsonOrTooLargeBody_4xxWithoutARun()
    {
        await using var server = await TestServer.StartAsync("--Webhooks:MaxBodyBytes=64");
        using var client = await server.CreateUserClientAsync();
        using var anonymous = server.CreateClient();
        var (flowId, url) = await TriggerFlows.CreateActiveWebhookAsync(client, HookFlow());

        var malformed = await anonymous.PostAsync(url, new StringContent("{ \"a\": ", Encoding.UTF8, "application/json"));
        var tooLarge = await anonymous.PostAsync(url, new StringContent(new string('x', 65), Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("application/problem+json", malformed.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Empty(await TriggerFlows.RunsOfAsync(client, flowId));
    }

    [Fact]
    public async Task Call_WhenFinished_AnswersWithTheResponseNodesShapedOutput()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        using var anonymous = server.CreateClient();
        var (_, url) = await TriggerFlows.CreateActiveWebhookAsync(client, FlowBuilder.FromFixture("webhook-echo").ToJson());

        var answered = await anonymous.PostAsJsonAsync(url, new { name = "Ada" });

        Assert.Equal(HttpStatusCode.Created, answered.StatusCode);
        Assert.Equal("echo", answered.Headers.GetValues("X-Flow").Single());
        Assert.Equal("application/json", answered.Content.Headers.ContentType!.MediaType);
        var body = (await answered.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Hello Ada", body["greeting"]!.GetValue<string>());
    }

    [Fact]
    public async Task Call_WhenFinishedWithoutShape_StatusAndHeadersFromConfigAndLastOutput()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        using var anonymous = server.CreateClient();
        var json = new FlowBuilder("plain")
            .Node("hook", "trigger.webhook", new JsonObject
            {
                ["respond"] = "whenFinished",
                ["responseStatus"] = 200,
                ["responseHeaders"] = new JsonObject { ["Cache-Control"] = "no-store" },
            })
            .Node("reply", "core.set", new JsonObject { ["values"] = new JsonObject { ["ok"] = true } })
            .Edge("hook", "reply").ToJson();
        var (_, url) = await TriggerFlows.CreateActiveWebhookAsync(client, json);

        var answered = await anonymous.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal("no-store", answered.Headers.CacheControl!.ToString());
        Assert.True((await answered.Content.ReadFromJsonAsync<JsonObject>())!["ok"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Call_WhenFinishedResponseNodeOnBranchNotTaken_ConfiguredStatusWithEmptyBody()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        using var anonymous = server.CreateClient();
        var json = new FlowBuilder("branching reply")
            .Node("hook", "trigger.webhook", new JsonObject { ["respond"] = "whenFinished", ["responseNode"] = "reply", ["responseStatus"] = 200 })
            .Node("check", "core.if", new JsonObject { ["condition"] = "{{ input.body.go }}" })
            .Node("reply", "core.set", new JsonObject { ["values"] = new JsonObject { ["went"] = true } })
            .Edge("hook", "check").Edge("check", "reply", "true").ToJson();
        var (_, url) = await TriggerFlows.CreateActiveWebhookAsync(client, json);

        var taken = await anonymous.PostAsJsonAsync(url, new { go = true });
        var notTaken = await anonymous.PostAsJsonAsync(url, new { go = false });

        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
        Assert.True((await taken.Content.ReadFromJsonAsync<JsonObject>())!["went"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, notTaken.StatusCode);
        Assert.Equal("", await notTaken.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Call_WhenFinishedRunFails_502WithoutTheRunsError()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        using var anonymous = server.CreateClient();
        var json = new FlowBuilder("failing")
            .Node("hook", "trigger.webhook", new JsonObject { ["respond"] = "whenFinished" })
            .Node("stop", "core.error", new JsonObject { ["message"] = "internal detail 7f3a" })
            .Edge("hook", "stop").ToJson();
        var (flowId, url) = await TriggerFlows.CreateActiveWebhookAsync(client, json);

        var answered = await anonymous.PostAsync(url, null);

        Assert.Equal(HttpStatusCode.BadGateway, answered.StatusCode);
        Assert.Equal("application/problem+json", answered.Content.Headers.ContentType!.MediaType);
        Assert.DoesNotContain("internal detail 7f3a", await answered.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var run = await TriggerFlows.FinishedRunAsync(client, (await TriggerFlows.RunsOfAsync(client, flowId))[0]!["id"]!.GetValue<Guid>());
        Assert.Equal("Failed", run["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Call_WhenFinishedRunOutlastsTimeout_202WithRunId()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        using var anonymous = server.CreateClient();
        var json = new FlowBuilder("slow")
            .Node("hook", "trigger.webhook", new JsonObject { ["respond"] = "whenFinished", ["timeoutMs"] = 200 })
            .Node("pause", "core.wait", new JsonObject { ["until"] = "signal" })
            .Edge("hook", "pause").ToJson();
        var (_, url) = await TriggerFlows.CreateActiveWebhookAsync(client, json);

        var answered = await anonymous.PostAsync(url, null);

        Assert.Equal(HttpStatusCode.Accepted, answered.StatusCode);
        var runId = (await answered.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<Guid>();
        Assert.Equal("Running", (await TriggerFlows.RunAsync(client, runId))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Signature_GitHubStyle_GoodSignatureAcceptedOthersRefused()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        using var anonymous = server.CreateClient();
        var (flowId, url) = await TriggerFlows.CreateActiveWebhookAsync(client, SignedFlow(new JsonObject
        {
            ["header"] = "X-Hub-Signature-256",
            ["secret"] = Secret,
            ["algorithm"] = "sha256",
            ["format"] = "github",
        }));
        const string Body = "Hello, World!";
        // GitHub's documented example: this secret and payload give this signature.
        const string Good = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

        var signed = await anonymous.SendAsync(Signed(url, Body, "X-Hub-Signature-256", Good));
        var tampered = await anonymous.SendAsync(Signed(url, Body + "!", "X-Hub-Signature-256", Good));
        var unsigned = await anonymous.SendAsync(Signed(url, Body, null, null));
        var wrongPrefix = await anonymous.SendAsync(Signed(url, Body, "X-Hub-Signature-256", Good.Replace("sha256=", "sha1=", StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.Accepted, signed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
        Assert.Equal("X-Hub-Signature-256", (await tampered.Content.ReadFromJsonAsync<JsonObject>())!["field"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongPrefix.StatusCode);
        Assert.Single(await TriggerFlows.RunsOfAsync(client, flowId));
    }

    [Fact]
    public async Task Signature_StripeStyle_FreshGoodAcceptedStaleOrWrongRefused()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        using var anonymous = server.CreateClient();
        var (flowId, url) = await TriggerFlows.CreateActiveWebhookAsync(client, SignedFlow(new JsonObject
        {
            ["header"] = "Stripe-Signature",
            ["secret"] = Secret,
            ["format"] = "stripe",
            ["toleranceSeconds"] = 300,
        }));
        const string Body = "{\"type\":\"invoice.paid\"}";
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var fresh = await anonymous.SendAsync(Signed(url, Body, "Stripe-Signature", Stripe(now, Body, Secret, extraV1: "00ff")));
        var stale = await anonymous.SendAsync(Signed(url, Body, "Stripe-Signature", Stripe(now - 3600, Body, Secret)));
        var wrongSecret = await anonymous.SendAsync(Signed(url, Body, "Stripe-Signature", Stripe(now, Body, "another secret")));
        var garbage = await anonymous.SendAsync(Signed(url, Body, "Stripe-Signature", "t=,v1=zz"));

        Assert.Equal(HttpStatusCode.Accepted, fresh.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, garbage.StatusCode);
        Assert.Single(await TriggerFlows.RunsOfAsync(client, flowId));
    }

    [Fact]
    public async Task Secret_SavedFlow_NeverReturnedNorStoredPlainAndMaskKeepsIt()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        using var anonymous = server.CreateClient();
        var signature = new JsonObject { ["header"] = "X-Signature", ["secret"] = Secret, ["format"] = "hex" };
        var (flowId, url) = await TriggerFlows.CreateActiveWebhookAsync(client, SignedFlow(signature));

        var shown = await client.GetStringAsync($"/api/flows/{flowId}");
        var stored = await server.App.Services.GetRequiredService<IFlowStore>().GetVersionAsync(flowId, 1, CancellationToken.None);
        var masked = JsonNode.Parse(shown)!["definition"]!.ToJsonString();
        var resaved = await client.PutAsync($"/api/flows/{flowId}", new StringContent(masked, Encoding.UTF8, "application/json"));
        var afterResave = await anonymous.SendAsync(Signed(url, "{}", "X-Signature", Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), "{}"u8))));
        var maskedOnCreate = await client.PostAsync("/api/flows", new StringContent(
            SignedFlow(new JsonObject { ["header"] = "X-Signature", ["secret"] = "********" }), Encoding.UTF8, "application/json"));

        Assert.DoesNotContain(Secret, shown, StringComparison.Ordinal);
        Assert.Contains("\"secret\":\"********\"", shown, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, stored!.Json, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, resaved.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, afterResave.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, maskedOnCreate.StatusCode);
        var error = (await maskedOnCreate.Content.ReadFromJsonAsync<JsonObject>())!["errors"]![0]!;
        Assert.Equal("hook", error["nodeId"]!.GetValue<string>());
        Assert.Equal("nodes[0].data.config.signature.secret", error["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task Call_PastPerFlowRateLimit_429WithRetryAfter()
    {
        await using var server = await TestServer.StartAsync("--Webhooks:Burst=2", "--Webhooks:PermitsPerSecond=0.01");
        using var client = await server.CreateUserClientAsync();
        using var anonymous = server.CreateClient();
        var (_, url) = await TriggerFlows.CreateActiveWebhookAsync(client, HookFlow());
        var (_, otherUrl) = await TriggerFlows.CreateActiveWebhookAsync(client, HookFlow(name: "other"));

        var first = await anonymous.PostAsync(url, null);
        var second = await anonymous.PostAsync(url, null);
        var third = await anonymous.PostAsync(url, null);
        var otherFlow = await anonymous.PostAsync(otherUrl, null);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.True(int.Parse(third.Headers.RetryAfter!.ToString(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Equal(HttpStatusCode.Accepted, otherFlow.StatusCode);
    }

    [Fact]
    public async Task Save_ResponseNodeNotInFlow_400NamingNodeAndField()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();

        var saved = await client.PostAsync("/api/flows", new StringContent(
            HookFlow(new JsonObject { ["respond"] = "whenFinished", ["responseNode"] = "nowhere" }), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, saved.StatusCode);
        var error = (await saved.Content.ReadFromJsonAsync<JsonObject>())!["errors"]![0]!;
        Assert.Equal("hook", error["nodeId"]!.GetValue<string>());
        Assert.Equal("nodes[0].data.config.responseNode", error["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task Call_AfterNewVersionSaved_RunsTheNewestVersion()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        using var anonymous = server.CreateClient();
        var (flowId, url) = await TriggerFlows.CreateActiveWebhookAsync(client, HookFlow());
        var version2 = new FlowBuilder("hook v2").Node("hook", "trigger.webhook", new JsonObject { ["respond"] = "immediately" })
            .Node("other", "core.noop").Edge("hook", "other").ToJson();
        (await client.PutAsync($"/api/flows/{flowId}", new StringContent(version2, Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

        var called = await anonymous.PostAsync(url, null);

        Assert.Equal(HttpStatusCode.Accepted, called.StatusCode);
        var run = await TriggerFlows.FinishedRunAsync(client, (await called.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<Guid>());
        Assert.Equal(2, run["flowVersion"]!.GetValue<int>());
        Assert.Equal(["hook", "other"], run["nodes"]!.AsArray().Select(n => n!["nodeId"]!.GetValue<string>()));
    }

    private static HttpRequestMessage Signed(Uri url, string body, string? header, string? value)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "text/plain") };
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        return request;
    }

    private static string Stripe(long timestamp, string body, string secret, string? extraV1 = null)
    {
        var mac = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
        return extraV1 is null ? $"t={timestamp},v1={mac}" : $"t={timestamp},v1={extraV1},v1={mac}";
    }
}
