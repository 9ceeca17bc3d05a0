using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;
using FlowForge.Server.Tests.Triggers;
using Microsoft.Extensions.Logging;
using static FlowForge.Server.Tests.Connections.ConnectionApi;

namespace FlowForge.Server.Tests.Connections;

/// <summary>
/// The whole path of a connection on the real host: a stored Slack token, a webhook flow posting through it, a flood of
/// webhook calls paced by the Slack budget of <c>RateLimits:Providers:slack</c>, and the provider's own 429s.
/// </summary>
public sealed class SlackFloodScenarioTests
{
    private const int Calls = 100;
    private const double PerSecond = 10;
    private const int Burst = 1;

    // Clock readings of the host and of the local Slack are taken on the same machine; this covers their rounding.
    private static readonly TimeSpan Tolerance = TimeSpan.FromMilliseconds(30);

    [Fact]
    public async Task WebhookFlood_HundredCallsThroughASlackConnection_EachPostedOnceWithTheTokenAtTheLimit()
    {
        await using var scenario = await Scenario.StartAsync(Calls, configured: true);

        var (fired, runIds) = await scenario.FloodAsync();
        var runs = await scenario.FinishedRunsAsync(runIds, PerSecond);

        Assert.All(runs, run => Assert.Equal("Succeeded", (string?)run["status"]));
        Assert.All(runs, run => AssertPostedOnceWithoutFailure(run));
        var posts = scenario.Posts();
        Assert.Equal(Calls, posts.Count);
        Assert.Equal(scenario.Messages.Order(StringComparer.Ordinal), posts.Select(p => TextOf(p)).Order(StringComparer.Ordinal));
        Assert.All(posts, p => Assert.Equal($"Bearer {scenario.Token}", p.Headers["authorization"]));
        AssertPacedAtTheLimit(fired, posts);
        scenario.AssertTokenNeverLogged();
    }

    [Fact]
    public async Task WebhookFlood_SlackAnswers429ForSomeCalls_NodesDeferAndAllSucceedWithoutAFailedAttempt()
    {
        const int Refused = 5;
        await using var scenario = await Scenario.StartAsync(Calls, configured: true);
        scenario.Apps.AnswerNext(LocalAppsServer.SlackPostMessagePath, Refused, 429, """{"ok":false,"error":"ratelimited"}""",
            new Dictionary<string, string> { ["Retry-After"] = "1" });

        var (fired, runIds) = await scenario.FloodAsync();
        var runs = await scenario.FinishedRunsAsync(runIds, PerSecond);

        Assert.All(runs, run => Assert.Equal("Succeeded", (string?)run["status"]));
        Assert.All(runs, run => AssertPostedOnceWithoutFailure(run));
        var all = scenario.Posts();
        Assert.Equal(Calls + Refused, all.Count);
        var refused = all.Take(Refused).ToList();
        var delivered = all.Skip(Refused).ToList();
        Assert.Equal(scenario.Messages.Order(StringComparer.Ordinal), delivered.Select(p => TextOf(p)).Order(StringComparer.Ordinal));
        Assert.All(all, p => Assert.Equal($"Bearer {scenario.Token}", p.Headers["authorization"]));

        // Each refused message was posted again, no sooner than Slack's Retry-After.
        foreach (var first in refused)
        {
            var again = Assert.Single(delivered, p => TextOf(p) == TextOf(first));
            Assert.True(again.ReceivedAt - first.ReceivedAt >= TimeSpan.FromSeconds(1) - Tolerance,
                $"'{TextOf(first)}' was posted again {(again.ReceivedAt - first.ReceivedAt).TotalMilliseconds:0} ms after Slack asked for 1 s");
        }

        AssertPacedAtTheLimit(fired, all);
        scenario.AssertTokenNeverLogged();
    }

    [Fact]
    public async Task WebhookCalls_NoSlackRateSetting_PacedByTheProviderFilesOnePerSecond()
    {
        const int Few = 3;
        await using var scenario = await Scenario.StartAsync(Few, configured: false);

        var (fired, runIds) = await scenario.FloodAsync();
        var runs = await scenario.FinishedRunsAsync(runIds, perSecond: 1);

        Assert.All(runs, run => AssertPostedOnceWithoutFailure(run));
        var times = scenario.Posts().Select(p => p.ReceivedAt).ToList();
        Assert.Equal(Few, times.Count);

        // slack.json: 1 call a second, burst 1: the k-th call (from 0) is not sent before k seconds after the flood.
        times.Sort();
        for (var k = 1; k < Few; k++)
        {
            Assert.True(times[k] >= fired + TimeSpan.FromSeconds(k) - Tolerance,
                $"Slack call {k} was sent {(times[k] - fired).TotalMilliseconds:0} ms after the flood; the provider file allows one a second");
        }
    }

    private static string TextOf(ReceivedRequest post) => (string)JsonNode.Parse(post.Body)!["text"]!;

    private static void AssertPostedOnceWithoutFailure(JsonObject run)
    {
        var post = run["nodes"]!.AsArray().Single(n => (string?)n!["nodeId"] == "post")!;
        Assert.Equal("Succeeded", (string?)post["status"]);
        Assert.Equal(1, (int)post["attempt"]!);
        var attempt = Assert.Single(post["attempts"]!.AsArray());
        Assert.Equal("Succeeded", (string?)attempt!["status"]);
        Assert.Equal(true, (bool?)post["output"]!["ok"]);
    }

    /// <summary>
    /// The budget hands out slots from the moment of the flood: the k-th call (from 0) is not sent before
    /// <c>fired + (k + 1 - burst) / rate</c>, and the calls span the time the budget needs.
    /// </summary>
    private static void AssertPacedAtTheLimit(DateTimeOffset fired, IReadOnlyList<ReceivedRequest> posts)
    {
        var times = posts.Select(p => p.ReceivedAt).Order().ToList();
        for (var k = 0; k < times.Count; k++)
        {
            var earliest = fired + TimeSpan.FromSeconds(Math.Max(0, k + 1 - Burst) / PerSecond);
            Assert.True(times[k] >= earliest - Tolerance,
                $"call {k} was sent {(earliest - times[k]).TotalMilliseconds:0} ms before the budget of {PerSecond}/s (burst {Burst}) allowed it");
        }

        var span = times[^1] - times[0];
        Assert.True(span >= TimeSpan.FromSeconds(((Calls - Burst) / PerSecond) - 1), $"the {times.Count} calls took {span.TotalSeconds:0.00} s");
    }

    private sealed class Scenario : IAsyncDisposable
    {
        private readonly TestServer _server;
        private readonly HttpClient _client;
        private readonly CapturingLoggerProvider _logs;
        private readonly Uri _hook;

        private Scenario(TestServer server, HttpClient client, CapturingLoggerProvider logs, LocalAppsServer apps, Uri hook, string token)
        {
            _server = server;
            _client = client;
            _logs = logs;
            Apps = apps;
            _hook = hook;
            Token = token;
        }

        public LocalAppsServer Apps { get; }

        public string Token { get; }

        public required IReadOnlyList<string> Messages { get; init; }

        /// <summary>A host whose Slack is <see cref="Apps"/>; <paramref name="configured"/> sets the Slack budget to 10/s (burst 1) in RateLimits.</summary>
        public static async Task<Scenario> StartAsync(int calls, bool configured)
        {
            var apps = await LocalAppsServer.StartAsync();
            var logs = new CapturingLoggerProvider(LogLevel.Debug);
            string[] settings =
            [
                $"--Integrations:Slack:BaseUrl={apps.Address}",
                "--Http:AllowPrivateNetworks=true",
                // The flood is the point: the webhook's own per-flow limit must not refuse it.
                $"--Webhooks:PermitsPerSecond={calls}",
                $"--Webhooks:Burst={calls}",
                "--Logging:LogLevel:Default=Debug",
                .. configured ? [$"--RateLimits:Providers:slack:PerSecond={PerSecond}", $"--RateLimits:Providers:slack:Burst={Burst}"] : Array.Empty<string>(),
            ];
            var server = await StartServerAsync(b => b.Logging.AddProvider(logs), settings);
            var client = await server.CreateUserClientAsync();
            var token = $"xoxb-{Guid.NewGuid():N}";
            var connection = await CreateAsync(client, new { name = "Work Slack", kind = "bearer", provider = "slack", secret = new { token } });
            var flow = new FlowBuilder("orders to Slack")
                .Node("hook", "trigger.webhook", new JsonObject { ["respond"] = "immediately" })
                .Node("post", "slack.postMessage", new JsonObject
                {
                    ["connectionId"] = (string)connection["id"]!,
                    ["channel"] = "#orders",
                    ["text"] = "{{ input.body.message }}",
                })
                .Edge("hook", "post")
                .ToJson();
            var (_, hook) = await TriggerFlows.CreateActiveWebhookAsync(client, flow);
            return new Scenario(server, client, logs, apps, hook, token) { Messages = [.. Enumerable.Range(0, calls).Select(i => $"Order {i:000} shipped")] };
        }

        /// <summary>Calls the webhook once for every message, all at once; returns when they were fired and the runs.</summary>
        public async Task<(DateTimeOffset Fired, IReadOnlyList<Guid> RunIds)> FloodAsync()
        {
            using var anonymous = _server.CreateClient();
            var fired = TimeProvider.System.GetUtcNow();
            var answers = await Eventually.WithinAsync(
                Task.WhenAll(Messages.Select(m => anonymous.PostAsync(_hook, new StringContent(new JsonObject { ["message"] = m }.ToJsonString(), Encoding.UTF8, "application/json")))),
                $"{Messages.Count} webhook calls to be answered");
            var runIds = new List<Guid>();
            foreach (var answer in answers)
            {
                Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
                runIds.Add((await answer.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<Guid>());
                answer.Dispose();
            }

            Assert.Equal(Messages.Count, runIds.Distinct().Count());
            return (fired, runIds);
        }

        /// <summary>Every run once all have ended; bounded by the time a budget of <paramref name="perSecond"/> needs plus a margin.</summary>
        public async Task<IReadOnlyList<JsonObject>> FinishedRunsAsync(IReadOnlyList<Guid> runIds, double perSecond)
        {
            var budget = TimeSpan.FromSeconds((runIds.Count / perSecond) + 30);
            var ended = new HashSet<Guid>();
            await Eventually.TrueAsync(async () =>
            {
                foreach (var runId in runIds.Where(id => !ended.Contains(id)))
                {
                    if ((string?)(await TriggerFlows.RunAsync(_client, runId))["status"] is "Succeeded" or "Failed" or "Cancelled")
                    {
                        ended.Add(runId);
                    }
                    else
                    {
                        return false;
                    }
                }

                return true;
            }, $"all {runIds.Count} runs to end", budget);
            return await Task.WhenAll(runIds.Select(id => TriggerFlows.RunAsync(_client, id)));
        }

        /// <summary>Every chat.postMessage call Slack received, in the order it received them.</summary>
        public IReadOnlyList<ReceivedRequest> Posts() =>
            [.. Apps.Requests.Where(r => r.PathAndQuery == LocalAppsServer.SlackPostMessagePath).OrderBy(r => r.ReceivedAt)];

        public void AssertTokenNeverLogged()
        {
            Assert.NotEmpty(_logs.Entries);
            Assert.DoesNotContain(_logs.Entries, e => e.Message.Contains(Token, StringComparison.Ordinal)
                || e.Scope.Values.Any(v => v?.ToString()?.Contains(Token, StringComparison.Ordinal) == true));
        }

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await _server.DisposeAsync();
            await Apps.DisposeAsync();
        }
    }
}
