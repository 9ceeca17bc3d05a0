using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using static FlowForge.Server.Tests.Connections.ConnectionApi;

namespace FlowForge.Server.Tests.Connections;

/// <summary>Connection secrets never reach a log line, an API answer or the database file in plain text.</summary>
public sealed class ConnectionSecrecyTests
{
    private static readonly string Run = Guid.NewGuid().ToString("N")[..12];
    private static readonly string ApiKey = $"apikey-{Run}";
    private static readonly string QueryKey = $"querykey-{Run}";
    private static readonly string Token = $"bearer-{Run}";
    private static readonly string Password = $"password-{Run}";
    private static readonly string HeaderValue = $"header-{Run}";
    private static readonly string NewToken = $"replaced-{Run}";
    private static readonly string[] Secrets = [ApiKey, QueryKey, Token, Password, HeaderValue, NewToken];

    private static IResult Check(HttpContext c) =>
        c.Request.Headers["X-Api-Key"] == ApiKey
        || c.Request.Query["key"] == QueryKey
        || c.Request.Headers.Authorization == $"Bearer {Token}"
        || c.Request.Headers.Authorization == $"Bearer {NewToken}"
        || c.Request.Headers.Authorization == "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"ada:{Password}"))
        || c.Request.Headers["X-Team-Key"] == HeaderValue
            ? Results.Ok()
            : Results.Unauthorized();

    [Fact]
    public async Task EveryKind_CreatedUsedTestedAndDeleted_NoSecretInLogsOrAnswers()
    {
        await using var target = await LocalHttpServer.StartAsync(app => app.MapGet("/check", Check));
        var logs = new CapturingLoggerProvider(LogLevel.Trace);
        await using var server = await StartServerAsync(b => b.Logging.AddProvider(logs),
            "--Http:AllowedHosts:0=127.0.0.1", "--Logging:Requests=true", "--Logging:LogLevel:Default=Trace", "--Logging:LogLevel:Microsoft=Trace");
        var answers = new ConcurrentQueue<string>();
        using var client = await server.CreateUserClientAsync();
        using var recording = new HttpClient(new RecordingHandler(answers, new HttpClientHandler())) { BaseAddress = server.Address };
        recording.DefaultRequestHeaders.Authorization = client.DefaultRequestHeaders.Authorization;

        var ids = new List<string>();
        foreach (var body in new object[]
        {
            new { name = "key", kind = "apiKey", secret = new { key = ApiKey } },
            new { name = "query", kind = "apiKey", secret = new { key = QueryKey }, settings = new { @in = "query", name = "key" } },
            new { name = "bearer", kind = "bearer", secret = new { token = Token } },
            new { name = "basic", kind = "basic", secret = new { username = "ada", password = Password } },
            new { name = "headers", kind = "headers", secret = new { headers = new Dictionary<string, string> { ["X-Team-Key"] = HeaderValue } } },
        })
        {
            ids.Add((string)(await CreateAsync(recording, body))["id"]!);
        }

        var url = new Uri(target.Address, "/check").ToString();
        var steps = ids.Select((id, i) => ($"use{i}", "test.connectionProbe", (JsonObject?)new JsonObject { ["connectionId"] = id, ["url"] = url })).ToArray();
        var flow = await recording.PostAsJsonAsync("/api/flows", Flows.Chain("use every connection", steps));
        Assert.Equal(HttpStatusCode.Created, flow.StatusCode);
        var flowId = (string)(await flow.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
        using var start = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flowId}/runs") { Content = JsonContent.Create(new { input = new { } }) };
        start.Headers.Add("Prefer", "wait=30");
        var run = (await (await recording.SendAsync(start)).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Succeeded", (string?)run["status"]);
        Assert.All(run["nodes"]!.AsArray().Where(n => ((string?)n!["nodeId"])!.StartsWith("use", StringComparison.Ordinal)),
            n => Assert.Equal(200, (int)n!["output"]!["status"]!));

        foreach (var id in ids)
        {
            Assert.True((bool)(await (await recording.PostAsync($"/api/connections/{id}/test", null)).Content.ReadFromJsonAsync<JsonObject>())!["ok"]!);
        }

        Assert.Equal(HttpStatusCode.OK, (await recording.PatchAsJsonAsync($"/api/connections/{ids[2]}", new { secret = new { token = NewToken } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await recording.GetAsync("/api/connections")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await recording.GetAsync($"/api/runs/{run["id"]}")).StatusCode);
        foreach (var id in ids)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await recording.DeleteAsync($"/api/connections/{id}")).StatusCode);
        }

        Assert.True(target.Requests.Count >= ids.Count);
        Assert.NotEmpty(logs.Entries);
        foreach (var secret in Secrets)
        {
            Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(secret, StringComparison.Ordinal)
                || e.Scope.Values.Any(v => v?.ToString()?.Contains(secret, StringComparison.Ordinal) == true));
            Assert.DoesNotContain(answers, a => a.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task DatabaseFiles_AfterCreatingConnections_HoldNoSecretInPlainText()
    {
        await using var server = await StartServerAsync();
        using var client = await server.CreateUserClientAsync();

        await CreateAsync(client, new { name = "key", kind = "apiKey", secret = new { key = ApiKey } });
        await CreateAsync(client, new { name = "bearer", kind = "bearer", secret = new { token = Token } });
        await CreateAsync(client, new { name = "basic", kind = "basic", secret = new { username = "ada", password = Password } });
        await CreateAsync(client, new { name = "headers", kind = "headers", secret = new { headers = new Dictionary<string, string> { ["X-Team-Key"] = HeaderValue } } });

        var files = Directory.GetFiles(server.DataDirectory, "flowforge.db*");
        Assert.Contains(files, f => f.EndsWith("flowforge.db", StringComparison.Ordinal));
        var names = Encoding.UTF8.GetBytes("headers");
        var found = false;
        foreach (var file in files)
        {
            byte[] bytes;
            using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                bytes = new byte[stream.Length];
                stream.ReadExactly(bytes);
            }

            found |= bytes.AsSpan().IndexOf(names) >= 0;
            foreach (var secret in new[] { ApiKey, Token, Password, HeaderValue })
            {
                Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"{Path.GetFileName(file)} holds a secret in plain text.");
            }
        }

        Assert.True(found, "the connections were not written to the database files that were searched");
    }

    private sealed class RecordingHandler(ConcurrentQueue<string> answers, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            answers.Enqueue(string.Join("\n", response.Headers.Select(h => $"{h.Key}: {string.Join(",", h.Value)}")) + "\n"
                + await response.Content.ReadAsStringAsync(cancellationToken));
            return response;
        }
    }
}
