using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FlowForge.Engine.Json;
using FlowForge.Server.Hosting;
using FlowForge.Server.Tests.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FlowForge.Server.Tests.Endpoints;

/// <summary>
/// Every endpoint that takes input, sent a table of hostile bodies, queries and headers on every store: each gets a
/// 4xx problem+json, the 500 safety net is never reached, and the server still runs a flow afterwards.
/// </summary>
public sealed class HostileInputTests
{
    private const int MaxRunInputBytes = 4_096;
    private const int MaxNodeConfigBytes = 2_048;
    private const int MaxBodyBytes = 512 * 1024;

    public static TheoryData<string> Stores => ["sqlite", "postgres", "mysql"];

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task HostileRequests_Get4xxProblem_NeverReachTheSafetyNet_AndTheServerStillRunsAFlow(string store)
    {
        await using var database = store == "sqlite" ? null : await TestDatabase.CreateAsync(store);
        var logs = new CapturingLoggerProvider();
        string[] settings =
        [
            $"--Flows:MaxRunInputBytes={MaxRunInputBytes}",
            $"--Flows:MaxNodeConfigBytes={MaxNodeConfigBytes}",
            $"--Server:MaxRequestBodyBytes={MaxBodyBytes}",
            // The corpus sends hundreds of sign-in requests from one address: sign-in limits are tested on their own.
            "--RateLimits:SignInBurst=100000", "--RateLimits:SignInPerAccountBurst=100000", "--RateLimits:RegistrationBurst=100000",
            .. database is null ? [] : (string[])[$"--Storage:Provider={store}", $"--Storage:ConnectionString={database.ConnectionString}"],
        ];
        await using var server = await TestServer.StartAsync(builder => builder.Logging.AddProvider(logs), settings);
        using var client = await server.CreateUserClientAsync();
        using var anonymous = server.CreateClient();
        var token = client.DefaultRequestHeaders.Authorization!.Parameter!;
        var flowId = await CreateFlowAsync(client);
        var finished = await client.PostAsync($"/api/flows/{flowId}/runs", Json("{}"));
        Assert.Equal(HttpStatusCode.Accepted, finished.StatusCode);

        var refused = new List<string>();
        foreach (var hostile in Corpus(flowId, token))
        {
            using var request = hostile.ToRequest();
            using var response = await (hostile.Anonymous ? anonymous : client).SendAsync(request);
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync();

            // Kestrel refuses a request line over its limit before any endpoint sees it, with a bare 414.
            var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json" || status == StatusCodes.Status414UriTooLong;
            if (status is < 400 or > 499 || !problem || (hostile.Status is { } expected && status != expected))
            {
                refused.Add($"{hostile.Name}: {status} {response.Content.Headers.ContentType?.MediaType} {body[..Math.Min(body.Length, 300)]}");
            }
        }

        Assert.True(refused.Count == 0, "Not answered with the expected 4xx problem:\n" + string.Join('\n', refused));
        var netted = logs.Entries.Where(e => e.Category == typeof(UnexpectedExceptionLogger).FullName).Select(e => e.Message).ToList();
        Assert.True(netted.Count == 0, "The safety net was reached:\n" + string.Join('\n', netted));
        var errors = logs.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Category}: {e.Message}").ToList();
        Assert.True(errors.Count == 0, "Bad input was logged as an error:\n" + string.Join('\n', errors));

        // Everything that was accepted still reads back, and the server still runs a flow.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/flows")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/flows/{flowId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/flows/{flowId}/runs")).StatusCode);
        using var deepInput = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flowId}/runs")
        {
            Content = Json("{\"input\": {\"deep\": " + Nested(JsonPolicy.MaxDepth - 3) + "}}"),
        };
        deepInput.Headers.Add("Prefer", "wait=30");
        var run = await client.SendAsync(deepInput);
        Assert.Equal(HttpStatusCode.OK, run.StatusCode);
        var details = (await run.Content.ReadFromJsonAsync<JsonObject>(new System.Text.Json.JsonSerializerOptions { MaxDepth = 256 }))!;
        Assert.Equal("Succeeded", details["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(run.Headers.Location)).StatusCode);
        Assert.Equal(0, logs.Entries.Count(e => e.Category == typeof(UnexpectedExceptionLogger).FullName));
    }

    private static IEnumerable<Hostile> Corpus(Guid flowId, string token)
    {
        var runs = $"/api/flows/{flowId}/runs";
        var flow = $"/api/flows/{flowId}";
        var longText = new string('x', 10_000);
        var halfLongText = new string('x', 5_000);
        var deep = Nested(10_000);
        var seventyDeep = Nested(70);

        // Bodies every JSON endpoint must refuse, whatever it expects inside.
        (string Name, byte[] Body, string? ContentType, int Status)[] anyBody =
        [
            ("null", Utf8("null"), "application/json", 400),
            ("array", Utf8("[]"), "application/json", 400),
            ("string", Utf8("\"text\""), "application/json", 400),
            ("huge number", Utf8("1e999999"), "application/json", 400),
            ("truncated", Utf8("{\"a\": "), "application/json", 400),
            ("10,000-deep array", Utf8(deep), "application/json", 400),
            ("10,000-deep object", Utf8(string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000)), "application/json", 400),
            ("invalid UTF-8", [.. "{\"a\": \""u8, 0xC3, 0x28, 0xFF, .. "\"}"u8], "application/json", 400),
            ("NUL byte outside a string", Utf8("{\"a\": 1}\0"), "application/json", 400),
            ("text/plain", Utf8("{}"), "text/plain", 415),
            ("no content type", Utf8("{}"), null, 415),
            ("XML", Utf8("<a/>"), "application/xml", 415),
            ("JSON in Latin-1", Utf8("{}"), "application/json; charset=iso-8859-1", 415),
            ("over the body limit", Utf8("{\"a\": \"" + new string('x', MaxBodyBytes + 10) + "\"}"), "application/json", 413),
        ];
        foreach (var path in (string[])["/api/auth/register", "/api/auth/token", "/api/flows", flow, runs])
        {
            foreach (var (name, body, contentType, status) in anyBody)
            {
                yield return new Hostile($"{(path == flow ? "PUT" : "POST")} {path}: {name}", path == flow ? HttpMethod.Put : HttpMethod.Post, path, body, contentType, Status: status, Anonymous: path.StartsWith("/api/auth", StringComparison.Ordinal));
            }
        }

        // Auth bodies.
        foreach (var path in (string[])["/api/auth/register", "/api/auth/token"])
        {
            foreach (var (name, json) in ((string, string)[])
            [
                ("empty object", "{}"),
                ("arrays for strings", """{"email": [], "password": {}}"""),
                ("duplicate email", """{"email": "a@example.com", "email": "b@example.com", "password": "correct horse battery"}"""),
                ("lone surrogate", """{"email": "\ud800@example.com", "password": "correct horse battery"}"""),
                ("NUL in email", """{"email": "a\u0000b@example.com", "password": "correct horse battery"}"""),
                ("NUL in password", """{"email": "nul@example.com", "password": "correct\u0000horse battery"}"""),
                ("huge number", """{"email": 1e999999, "password": "correct horse battery"}"""),
                ("10,000-character email", $$"""{"email": "{{longText}}@example.com", "password": "correct horse battery"}"""),
                ("70-deep value", $$"""{"email": "deep@example.com", "password": "correct horse battery", "extra": {{seventyDeep}}}"""),
            ])
            {
                yield return new Hostile($"POST {path}: {name}", HttpMethod.Post, path, Utf8(json), Status: 400, Anonymous: true);
            }
        }

        // Flow bodies, for create and update.
        foreach (var (method, path) in ((HttpMethod, string)[])[(HttpMethod.Post, "/api/flows"), (HttpMethod.Put, flow)])
        {
            foreach (var (name, json, status) in ((string, string, int)[])
            [
                ("empty body", "", 400),
                ("empty object", "{}", 400),
                ("nodes as an object", """{"name": "x", "nodes": {}, "edges": []}""", 400),
                ("duplicate name", """{"name": "a", "name": "b", "nodes": [], "edges": []}""", 400),
                ("lone surrogate name", """{"name": "\udc00", "nodes": [], "edges": []}""", 400),
                ("NUL in name", """{"name": "a\u0000b", "nodes": [], "edges": []}""", 400),
                ("huge number in viewport", """{"name": "x", "nodes": [], "edges": [], "viewport": {"x": 0, "y": 0, "zoom": 1e999999}}""", 400),
                ("70-deep viewport", FlowText("deep viewport", "trigger", extra: $$""", "viewport": {{seventyDeep}}"""), 400),
                ("10,000-deep viewport", FlowText("deeper viewport", "trigger", extra: $$""", "viewport": {{deep}}"""), 400),
                ("10,000-character name", FlowText(longText, "trigger"), 400),
                ("10,000-character node id", FlowText("long id", longText), 400),
                ("600-character node id", FlowText("600", new string('n', 600)), 400),
                ("NUL in node id", FlowText("nul id", "trig\\u0000ger"), 400),
                ("duplicate key in config", FlowText("dup config", "trigger", config: """{"values": {"a": 1, "a": 2}}"""), 400),
                ("config over the limit", FlowText("big config", "trigger", config: "{\"values\": {\"a\": \"" + new string('x', MaxNodeConfigBytes) + "\"}}"), 400),
                ("wrong config types", FlowText("bad config", "trigger", config: """{"values": [1, 2]}"""), 400),
                ("config with a huge number", FlowText("huge config", "trigger", config: """{"values": {"a": 1e999999}}"""), 400),
            ])
            {
                yield return new Hostile($"{method} {path}: {name}", method, path, Utf8(json), Status: status);
            }
        }

        // Run starts: bodies and headers.
        foreach (var (name, json) in ((string, string)[])
        [
            ("input as an array", """{"input": []}"""),
            ("input as a number", """{"input": 5}"""),
            ("huge number in input", """{"input": {"n": 1e999999}}"""),
            ("duplicate input", """{"input": {}, "input": {}}"""),
            ("duplicate key in input", """{"input": {"a": 1, "a": 2}}"""),
            ("lone surrogate in input", """{"input": {"s": "\ud800"}}"""),
            ("NUL in input", """{"input": {"s": "a\u0000"}}"""),
            ("70-deep input", "{\"input\": {\"deep\": " + seventyDeep + "}}"),
            ("10,000-deep input", "{\"input\": {\"deep\": " + deep + "}}"),
            ("input over the limit", "{\"input\": {\"a\": \"" + new string('x', MaxRunInputBytes) + "\"}}"),
        ])
        {
            yield return new Hostile($"POST runs: {name}", HttpMethod.Post, runs, Utf8(json), Status: 400);
        }

        foreach (var (name, header, value) in ((string, string, string)[])
        [
            ("201-character Idempotency-Key", "Idempotency-Key", new string('k', 201)),
            ("10,000-character Idempotency-Key", "Idempotency-Key", longText),
            ("Prefer wait=forever", "Prefer", "wait=forever"),
            ("Prefer wait=-1", "Prefer", "wait=-1"),
            ("Prefer wait=301", "Prefer", "wait=301"),
            ("Prefer wait=99999999999", "Prefer", "wait=99999999999"),
            ("Prefer wait without a value", "Prefer", "wait"),
            ("Prefer wait=1e999999", "Prefer", "wait=1e999999"),
        ])
        {
            yield return new Hostile($"POST runs: {name}", HttpMethod.Post, runs, Utf8("{}"), Headers: [(header, value)], Status: 400);
        }

        // Lists, gets and cancels: garbage ids, cursors and limits.
        foreach (var list in (string[])["/api/flows", runs])
        {
            foreach (var query in (string[])["limit=abc", "limit=0", "limit=-1", "limit=1000000", "limit=99999999999", "limit=1e999999",
                "cursor=not-a-cursor", "cursor=%00", "cursor=" + halfLongText, "cursor=" + longText, "cursor=eyJ9", "cursor=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"])
            {
                yield return new Hostile($"GET {list}?{query[..Math.Min(query.Length, 40)]} ({query.Length} characters)", HttpMethod.Get, $"{list}?{query}", Status: query.Length > 8_000 ? 414 : 400);
            }
        }

        yield return new Hostile("GET a flow that does not exist", HttpMethod.Get, $"/api/flows/{Guid.NewGuid()}", Status: 404);
        yield return new Hostile("GET a flow at version 0", HttpMethod.Get, $"{flow}?version=0", Status: 400);
        yield return new Hostile("GET a flow at version abc", HttpMethod.Get, $"{flow}?version=abc", Status: 400);
        yield return new Hostile("GET a run that does not exist", HttpMethod.Get, $"/api/runs/{Guid.NewGuid()}", Status: 404);
        yield return new Hostile("GET a run with a 5,000-character id", HttpMethod.Get, $"/api/runs/{halfLongText}", Status: 404);
        yield return new Hostile("GET a run with a 10,000-character id", HttpMethod.Get, $"/api/runs/{longText}", Status: 414);
        yield return new Hostile("GET runs of a flow that does not exist", HttpMethod.Get, $"/api/flows/{Guid.NewGuid()}/runs", Status: 404);
        yield return new Hostile("POST runs of a flow that does not exist", HttpMethod.Post, $"/api/flows/{Guid.NewGuid()}/runs", Utf8("{}"), Status: 404);
        yield return new Hostile("PUT a flow that does not exist", HttpMethod.Put, $"/api/flows/{Guid.NewGuid()}", Utf8(FlowText("ghost", "trigger")), Status: 404);
        yield return new Hostile("cancel a run that does not exist", HttpMethod.Post, $"/api/runs/{Guid.NewGuid()}/cancel", Status: 404);
        yield return new Hostile("cancel with a garbage id", HttpMethod.Post, "/api/runs/not-a-guid/cancel", Status: 404);

        // Tokens: missing, garbage, forged, unsigned, tampered.
        var parts = token.Split('.');
        var forgedSignature = Base64Url(RandomNumberGenerator.GetBytes(32));
        var unsigned = Base64Url(Encoding.UTF8.GetBytes("""{"alg":"none","typ":"JWT"}"""));
        var payload = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(Pad(parts[1].Replace('-', '+').Replace('_', '/')))))!.AsObject();
        payload["sub"] = Guid.NewGuid().ToString();
        var tampered = Base64Url(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        foreach (var (name, bearer) in ((string, string)[])
        [
            ("garbage token", "not-a-token"),
            ("forged signature", $"{parts[0]}.{parts[1]}.{forgedSignature}"),
            ("alg none", $"{unsigned}.{parts[1]}."),
            ("alg none with the old signature", $"{unsigned}.{parts[1]}.{parts[2]}"),
            ("tampered subject", $"{parts[0]}.{tampered}.{parts[2]}"),
            ("10,000-character token", longText),
        ])
        {
            yield return new Hostile($"GET flows with a {name}", HttpMethod.Get, "/api/flows", Headers: [("Authorization", $"Bearer {bearer}")], Status: 401);
            yield return new Hostile($"POST runs with a {name}", HttpMethod.Post, runs, Utf8("{}"), Headers: [("Authorization", $"Bearer {bearer}")], Status: 401);
        }

        yield return new Hostile("GET flows without a token", HttpMethod.Get, "/api/flows", Status: 401, Anonymous: true);
        yield return new Hostile("cancel without a token", HttpMethod.Post, $"/api/runs/{Guid.NewGuid()}/cancel", Status: 401, Anonymous: true);
    }

    private static async Task<Guid> CreateFlowAsync(HttpClient client)
    {
        var response = await client.PostAsync("/api/flows", Json(FlowText("target", "trigger")));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    /// <summary>A trigger (with the given id) then a set-values node, as raw text so that hostile parts stay exactly as written.</summary>
    private static string FlowText(string name, string triggerId, string config = """{"values": {"ok": true}}""", string extra = "") => $$$"""
        {"name": "{{{name}}}", "nodes": [
          {"id": "{{{triggerId}}}", "type": "trigger.manual", "position": {"x": 0, "y": 0}, "data": {"label": "start"}},
          {"id": "set", "type": "core.set", "position": {"x": 200, "y": 0}, "data": {"label": "set", "config": {{{config}}}}}
        ], "edges": [{"id": "e1", "source": "{{{triggerId}}}", "target": "set"}]{{{extra}}}}
        """;

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static ByteArrayContent Json(string text)
    {
        var content = new ByteArrayContent(Utf8(text));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Pad(string base64) => base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');

    private sealed record Hostile(string Name, HttpMethod Method, string Path, byte[]? Body = null, string? ContentType = "application/json", (string Name, string Value)[]? Headers = null, int? Status = null, bool Anonymous = false)
    {
        public HttpRequestMessage ToRequest()
        {
            var request = new HttpRequestMessage(Method, Path);
            if (Body is not null)
            {
                request.Content = new ByteArrayContent(Body);
                request.Content.Headers.ContentType = ContentType is null ? null : MediaTypeHeaderValue.Parse(ContentType);

                // The refusal of an oversize body arrives before the body is sent, so the client can read it.
                request.Headers.ExpectContinue = Body.Length > MaxBodyBytes;
            }

            foreach (var (name, value) in Headers ?? [])
            {
                if (name == "Authorization")
                {
                    request.Headers.Authorization = AuthenticationHeaderValue.Parse(value);
                }
                else
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }
            }

            return request;
        }
    }
}
