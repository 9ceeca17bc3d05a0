using System.Globalization;
using System.Text.Json.Nodes;
using FlowForge.Engine.Credentials;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Runs;
using FlowForge.Nodes.Http;
using FlowForge.Nodes.Integrations;
using FlowForge.Tests.Credentials;
using FlowForge.Tests.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FlowForge.Tests.Runs;

/// <summary>
/// Every golden flow in <c>tests/fixtures</c> run through the real engine: valid ones end to end with the node
/// statuses they should end with, invalid ones refused with the problems they should be refused for. A fixture
/// added without saying what it should do fails here.
/// </summary>
public sealed class FlowFixtureTests
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 8, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, Expectation> Expected = new(StringComparer.Ordinal)
    {
        ["diamond"] = new(Succeeds: ["trigger", "a", "b", "c", "d"]),
        ["set-and-wait"] = new(
            Succeeds: ["trigger", "greeting", "pause", "summary"],
            Input: new JsonObject { ["name"] = "Ada" },
            Waits: ("pause", TimeSpan.FromMinutes(1)),
            Output: ("summary", new JsonObject { ["text"] = "Hello Ada!", ["waitedFor"] = "Ada" })),
        ["cycle"] = new(Problems: [GraphProblemCodes.Cycle]),
        ["http-fetch"] = new(
            Succeeds: ["trigger", "fetch", "summary"],
            Input: new JsonObject { ["orderId"] = "o-42" },
            Output: ("summary", new JsonObject { ["text"] = "Order o-42 has 3 lines", ["status"] = 200 }),
            LocalServer: app => app.MapPost("/orders/lookup", async (HttpContext c) =>
            {
                var body = await JsonNode.ParseAsync(c.Request.Body);
                return c.Request.Query["expand"] == "lines" && c.Request.Headers["X-Request-Source"] == "flowforge"
                    ? Results.Json(new JsonObject { ["id"] = (string?)body!["orderId"], ["lineCount"] = 3 })
                    : Results.BadRequest();
            })),
        ["code-transform"] = new(
            Succeeds: ["trigger", "totals", "summary"],
            Input: new JsonObject
            {
                ["order"] = "A-7",
                ["items"] = new JsonArray(
                    new JsonObject { ["sku"] = "pen", ["price"] = 2.5, ["quantity"] = 4 },
                    new JsonObject { ["sku"] = "ink", ["price"] = 95, ["quantity"] = 1 }),
            },
            Output: ("summary", new JsonObject { ["text"] = "Order A-7 comes to 105", ["large"] = true, ["firstSku"] = "pen", ["order"] = "A-7" })),
        ["if-merge"] = new(
            Succeeds: ["trigger", "check", "approve", "merge"],
            Skipped: ["reject", "notify"],
            Input: new JsonObject { ["approved"] = true, ["reviewer"] = "Ada" },
            Output: ("merge", new JsonObject { ["approve"] = new JsonObject { ["decision"] = "approved", ["by"] = "Ada" } })),
        // The if is a parent of the merge through its false port: it ran, but its edge to the merge was not taken.
        ["if-direct-merge"] = new(
            Succeeds: ["trigger", "check", "approve", "merge"],
            Input: new JsonObject { ["approved"] = true },
            Output: ("merge", new JsonObject { ["approve"] = new JsonObject { ["decision"] = "approved" } })),
        ["switch-default"] = new(
            Succeeds: ["trigger", "route", "onOther", "merge"],
            Skipped: ["onPaid", "onRefunded"],
            Input: new JsonObject { ["status"] = "lost" },
            Output: ("merge", new JsonObject { ["handled"] = "other", ["status"] = "lost" })),
        ["several-triggers"] = new(
            Succeeds: ["manual", "prepare", "shared", "done"],
            Skipped: ["webhook", "onlyWebhook", "afterWebhook", "nightly", "onlyNightly"]),
        ["filter-stops"] = new(
            Succeeds: ["trigger", "large"],
            Skipped: ["notify", "after"],
            Input: new JsonObject { ["large"] = false },
            Output: ("large", new JsonObject { ["passed"] = false })),
        ["webhook-echo"] = new(
            Succeeds: ["hook", "reply", "audit"],
            Input: new JsonObject { ["method"] = "POST", ["body"] = new JsonObject { ["name"] = "Ada" } },
            Output: ("reply", new JsonObject
            {
                ["status"] = 201,
                ["headers"] = new JsonObject { ["X-Flow"] = "echo" },
                ["body"] = new JsonObject { ["greeting"] = "Hello Ada" },
            })),
        ["noop-and-error"] = new(
            Succeeds: ["trigger", "checkpoint", "check"],
            Skipped: ["ship"],
            Fails: ("stop", "widget is out of stock"),
            Input: new JsonObject { ["sku"] = "widget", ["inStock"] = false }),
        ["subflow-line-body"] = new(
            Succeeds: ["trigger", "line"],
            Input: new JsonObject { ["item"] = new JsonObject { ["sku"] = "pen", ["quantity"] = 4 }, ["index"] = 0 },
            Output: ("line", new JsonObject { ["line"] = "0: 4 x pen" })),
        ["foreach-lines"] = new(
            Succeeds: ["trigger", "lines", "summary"],
            Input: OrderLines(),
            Output: ("summary", new JsonObject { ["count"] = 3, ["last"] = "2: 2 x pad" }),
            Subflows: new() { [BodyPlaceholder] = "subflow-line-body" }),
        ["flow-call"] = new(
            Succeeds: ["trigger", "describe", "reply"],
            Input: OrderLines(),
            Output: ("reply", new JsonObject { ["text"] = "First line: 0: 4 x pen" }),
            Subflows: new() { [BodyPlaceholder] = "subflow-line-body" }),
        ["order-integrations"] = new(
            Succeeds: ["trigger", "summarize", "notify", "issue", "log", "receipt", "accounts"],
            Input: new JsonObject { ["id"] = "A-7", ["email"] = "ada@example.com", ["total"] = 105, ["note"] = "Gift wrap, please." },
            Output: ("notify", new JsonObject
            {
                ["ok"] = true,
                ["channel"] = "C123ABC456",
                ["ts"] = "1503435956.000247",
                ["message"] = new JsonObject
                {
                    ["text"] = "Order A-7: Hello from the model.",
                    ["username"] = "FlowForge",
                    ["bot_id"] = "B123ABC456",
                    ["type"] = "message",
                    ["subtype"] = "bot_message",
                    ["ts"] = "1503435956.000247",
                },
            }),
            Apps: true),
        ["schedule-every-ten-seconds"] = new(
            Succeeds: ["clock", "stamp"],
            Input: new JsonObject { ["dueAt"] = "2030-01-01T08:00:00Z", ["missed"] = false },
            Output: ("stamp", new JsonObject { ["due"] = "2030-01-01T08:00:00Z" })),
    };

    /// <summary>The connections a fixture with <see cref="Expectation.Apps"/> names, by id: provider, kind and secret fields.</summary>
    private static readonly (Guid Id, string Provider, ConnectionKind Kind, Func<int, Dictionary<string, string>> Secret)[] AppConnections =
    [
        (Guid.Parse("0c0ffee0-0000-4000-8000-0000000c0001"), "slack", ConnectionKind.Bearer, _ => new() { ["token"] = "xoxb-fixture" }),
        (Guid.Parse("0c0ffee0-0000-4000-8000-0000000c0002"), "google", ConnectionKind.Bearer, _ => new() { ["token"] = "ya29.fixture" }),
        (Guid.Parse("0c0ffee0-0000-4000-8000-0000000c0003"), "github", ConnectionKind.Bearer, _ => new() { ["token"] = "ghp_fixture" }),
        (Guid.Parse("0c0ffee0-0000-4000-8000-0000000c0004"), "smtp", ConnectionKind.Basic,
            port => new() { ["host"] = "127.0.0.1", ["port"] = port.ToString(CultureInfo.InvariantCulture), ["security"] = "none" }),
        (Guid.Parse("0c0ffee0-0000-4000-8000-0000000c0005"), "openai", ConnectionKind.Bearer, _ => new() { ["token"] = "sk-fixture" }),
    ];

    /// <summary>The flowId a fixture uses for the sub-flow it calls; replaced by the id the sub-flow's fixture is saved under.</summary>
    private const string BodyPlaceholder = "0c0ffee0-0000-4000-8000-00000000b0d1";

    private static JsonObject OrderLines() => new()
    {
        ["lines"] = new JsonArray(
            new JsonObject { ["sku"] = "pen", ["quantity"] = 4 },
            new JsonObject { ["sku"] = "ink", ["quantity"] = 1 },
            new JsonObject { ["sku"] = "pad", ["quantity"] = 2 }),
    };

    public static TheoryData<string> Fixtures => new(FlowBuilder.FixtureNames);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task RunThroughEngine_EveryFixture_EndsAsItsExpectationSays(string fixture)
    {
        Assert.True(Expected.TryGetValue(fixture, out var expected), $"tests/fixtures/{fixture}.flow.json has no expectation in {nameof(FlowFixtureTests)}.");
        var time = new FakeTimeProvider(T0);
        // A fixture that calls out gets a local server on 127.0.0.1, its address as input.url and the guard opened for it.
        await using var local = expected.LocalServer is { } map ? await LocalHttpServer.StartAsync(map) : null;
        var input = expected.Input?.DeepClone().AsObject();
        if (local is not null)
        {
            input ??= [];
            input["url"] = local.Address.ToString();
        }

        // A fixture of integration nodes gets stand-ins for the apps' APIs and an SMTP server on 127.0.0.1, and its connections.
        await using var apps = expected.Apps ? await LocalAppsServer.StartAsync() : null;
        await using var smtp = expected.Apps ? new LocalSmtpServer() : null;
        if (smtp is not null)
        {
            await smtp.StartAsync();
        }

        await using var harness = await EngineHarness.StartAsync(
            configure: o => o.SweepInterval = TimeSpan.FromMinutes(5),
            services: s =>
            {
                s.AddSingleton<TimeProvider>(time).Configure<HttpOptions>(o => o.AllowedHosts = ["127.0.0.1"]);
                if (apps is not null)
                {
                    s.AddSingleton<ISecretProtector, JsonSecretProtector>();
                    s.Configure<IntegrationsOptions>(o =>
                    {
                        o.Slack.BaseUrl = apps.Address;
                        o.GitHub.BaseUrl = apps.Address;
                        o.Google.SheetsBaseUrl = apps.Address;
                        o.Google.GmailBaseUrl = apps.Address;
                        o.OpenAI.BaseUrl = apps.Address;
                    });
                }
            });
        if (smtp is not null)
        {
            var connections = harness.Services.GetRequiredService<IConnectionStore>();
            foreach (var (id, provider, kind, secret) in AppConnections)
            {
                var record = new ConnectionRecord(id, EngineHarness.Owner, $"{provider} for {fixture}", kind, provider,
                    new JsonSecretProtector().Protect(secret(smtp.Port)), ConnectionStatus.Connected, null, [], null, T0, T0, 1);
                await connections.AddConnectionAsync(record, CancellationToken.None);
            }
        }

        var json = FlowBuilder.FromFixture(fixture).ToJson();
        foreach (var (placeholder, subflow) in expected.Subflows ?? [])
        {
            var subflowId = await harness.CreateFlowAsync(FlowBuilder.FromFixture(subflow).ToJson());
            json = json.Replace(placeholder, subflowId.ToString(), StringComparison.Ordinal);
        }

        var flowId = await harness.CreateFlowAsync(json);

        if (expected.Problems is { } problems)
        {
            var refused = await Assert.ThrowsAsync<FlowInvalidException>(() => harness.StartRunAsync(flowId, input));
            Assert.Equal(problems, refused.Problems.Select(p => p.Code));
            return;
        }

        var runId = await harness.StartRunAsync(flowId, input);
        if (expected.Waits is ({ } waiting, var duration))
        {
            var until = await Eventually.MatchesAsync<DateTimeOffset?>(
                async () => (await harness.GetRunAsync(runId))?.Nodes.SingleOrDefault(n => n.NodeId == waiting)?.WaitUntil,
                at => at is not null,
                $"node {waiting} of {fixture} to wait");
            Assert.Equal(T0 + duration, until);
            Assert.False((await harness.GetRunAsync(runId))!.Status.IsFinal(), $"{fixture} finished while {waiting} waited.");
            // The engine wakes a waiting node a moment after it is due (timers may tick early); a second covers that.
            time.Advance(duration + TimeSpan.FromSeconds(1));
        }

        var run = await harness.WaitForRunAsync(runId);

        Assert.Equal(expected.Fails is null ? RunStatus.Succeeded : RunStatus.Failed, run.Status);
        Assert.Equal(
            expected.Succeeds!.Select(id => (id, NodeStatus.Succeeded))
                .Concat((expected.Skipped ?? []).Select(id => (id, NodeStatus.Skipped)))
                .Concat(expected.Fails is ({ } failed, _) ? [(failed, NodeStatus.Failed)] : [])
                .OrderBy(n => n.id, StringComparer.Ordinal),
            run.Nodes.OrderBy(n => n.NodeId, StringComparer.Ordinal).Select(n => (n.NodeId, n.Status)));
        if (expected.Output is ({ } node, { } output))
        {
            var actual = JsonNode.Parse(run.Nodes.Single(n => n.NodeId == node).OutputJson!);
            Assert.True(JsonNode.DeepEquals(output, actual), $"{node} output {actual?.ToJsonString()}, expected {output.ToJsonString()}.");
        }

        if (expected.Fails is ({ } failedNode, { } error))
        {
            Assert.Contains(error, run.Nodes.Single(n => n.NodeId == failedNode).Error, StringComparison.Ordinal);
        }
    }

    /// <summary>What a fixture does: the nodes that succeed, those skipped and the one that fails the run (valid flows), or the problem codes it is refused with.</summary>
    private sealed record Expectation(
        string[]? Succeeds = null,
        string[]? Skipped = null,
        string[]? Problems = null,
        JsonObject? Input = null,
        (string Node, TimeSpan Duration)? Waits = null,
        (string Node, JsonObject Output)? Output = null,
        (string Node, string Error)? Fails = null,
        Action<WebApplication>? LocalServer = null,
        Dictionary<string, string>? Subflows = null,
        bool Apps = false);
}
