using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Server.Tests.Testing;
using FlowForge.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Server.Tests.Endpoints;

/// <summary>
/// <c>Prefer: wait</c> answers a run its creation finished (the trigger and the pure nodes run before the write) from
/// what the creation wrote, without waiting for it or reading it back; the body is byte for byte the one a read of the
/// finished run gives, whichever way the request was answered.
/// </summary>
[Collection(PreferWaitCollection.Name)]
public sealed class PreferWaitAnswerTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { "diamond", "Succeeded" },
        { "pure chain", "Succeeded" },
        { "branch skipped", "Succeeded" },
        { "second trigger", "Succeeded" },
        { "failure", "Failed" },
        { "wait", "Succeeded" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Start_PreferWait_BodyEqualsTheRunRead(string flow, string status)
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.CreateUserClientAsync();
        var (flowId, body) = await CreateAsync(client, flow);

        var (waited, location) = await StartWaitingAsync(client, flowId, body);
        var read = await client.GetStringAsync(location);

        Assert.Equal(read, waited);
        Assert.Equal(status, JsonNode.Parse(waited)!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Start_PreferWait_BranchSkipped_SkippedNodesEndWhenTheBranchWasDecided()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.CreateUserClientAsync();
        var (flowId, body) = await CreateAsync(client, "branch skipped");

        var (waited, _) = await StartWaitingAsync(client, flowId, body);

        var nodes = JsonNode.Parse(waited)!["nodes"]!.AsArray();
        Assert.Equal(["afterNo:Skipped", "afterYes:Succeeded", "check:Succeeded", "no:Skipped", "t:Succeeded", "yes:Succeeded"],
            nodes.Select(n => $"{n!["nodeId"]}:{n["status"]}").Order(StringComparer.Ordinal));
        var check = nodes.Single(n => n!["nodeId"]!.GetValue<string>() == "check")!;
        Assert.All(nodes.Where(n => n!["status"]!.GetValue<string>() == "Skipped"), n => Assert.Equal(check["finishedAt"]!.ToJsonString(), n!["finishedAt"]!.ToJsonString()));
    }

    [Fact]
    public async Task Start_PreferWait_PureDiamond_CostsNoMoreStatementsThanA202()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.CreateUserClientAsync();
        var (flowId, body) = await CreateAsync(client, "diamond");
        const int Runs = 30;
        // The first runs warm up caches (flow, plan, token) that the counted ones find filled.
        await StartWaitingAsync(client, flowId, body);
        await StartAcceptedAsync(client, flowId, body);

        using var statements = new StoreStatementCount();
        var before = statements.Value;
        for (var i = 0; i < Runs; i++)
        {
            await StartAcceptedAsync(client, flowId, body);
        }

        var accepted = (double)(statements.Value - before) / Runs;
        before = statements.Value;
        for (var i = 0; i < Runs; i++)
        {
            await StartWaitingAsync(client, flowId, body);
        }

        var waited = (double)(statements.Value - before) / Runs;

        // A pure diamond has finished when its creation commits: the 202 and the waited answer write the same, and the
        // waited one reads nothing back (that read was two statements a flow). The margin is for background statements
        // (heartbeats, gauges) that fall into one window and not the other.
        Assert.True(accepted > 0, "No store statement was counted.");
        Assert.True(waited < accepted + 1, $"A waited diamond took {waited:0.##} store statements, a 202 one {accepted:0.##}.");
    }

    [Fact]
    public async Task Start_PreferWait_AnswerCarriesItsLength()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.CreateUserClientAsync();
        var (flowId, body) = await CreateAsync(client, "pure chain");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flowId}/runs") { Content = JsonContent.Create(body) };
        request.Headers.Add("Prefer", "wait=20");

        var response = await client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        // Written whole before it is sent: one Content-Length, not a chunked body.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(response.Headers.Location, new Uri($"/api/runs/{JsonNode.Parse(bytes)!["id"]!.GetValue<Guid>()}", UriKind.Relative));
    }

    [Theory]
    [InlineData("diamond", 0)]
    [InlineData("wait", 1)]
    public async Task Start_PreferWait_SubscribesToTheRunOnlyWhenItsCreationDidNotFinishIt(string flow, int subscriptions)
    {
        var events = new SubscriptionCountingEvents(new RunEventHub());
        await using var server = await TestServer.StartAsync(builder => builder.Services.AddSingleton<IRunEvents>(events));
        using var client = await server.CreateUserClientAsync();
        var (flowId, body) = await CreateAsync(client, flow);
        var before = events.RunSubscriptions;

        var (waited, _) = await StartWaitingAsync(client, flowId, body);

        // A run its creation finished is answered from what was written: nobody listens for its end, so no run event
        // is built for it. Any other run is listened to until it ends.
        Assert.Equal("Succeeded", JsonNode.Parse(waited)!["status"]!.GetValue<string>());
        Assert.Equal(subscriptions, events.RunSubscriptions - before);
    }

    [Fact]
    public async Task Start_PreferWaitShorterThanTheRun_Answers202AndTheRunFinishesLater()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.CreateUserClientAsync();
        var (flowId, _) = await CreateAsync(client, "wait");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flowId}/runs") { Content = JsonContent.Create(new { input = new { n = 1 } }) };
        request.Headers.Add("Prefer", "wait=1");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.False(response.Headers.Contains("Preference-Applied"));
        var runId = (await response.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<Guid>();
        await Eventually.MatchesAsync(
            async () => (await client.GetFromJsonAsync<JsonObject>($"/api/runs/{runId}"))!,
            run => run["status"]!.GetValue<string>() == "Succeeded",
            $"run {runId} to succeed",
            TimeSpan.FromSeconds(10));
    }

    private static async Task<(Guid FlowId, object Body)> CreateAsync(HttpClient client, string flow) => flow switch
    {
        "diamond" => (await CreateFlowAsync(client, Flows.Diamond()), new { input = new { customer = "c-1" } }),
        "pure chain" => (await CreateFlowAsync(client, Flows.Chain("sets",
            ("one", "core.set", new JsonObject { ["values"] = new JsonObject { ["text"] = "hi {{ input.name }}", ["n"] = 1.50 } }),
            ("two", "core.set", new JsonObject { ["values"] = new JsonObject { ["size"] = 2, ["é"] = "\u00e9\u2028" } }),
            ("three", "core.noop", null))), new { input = new { name = "Ada \u00e9" } }),
        "branch skipped" => (await CreateFlowAsync(client, new FlowBuilder("branch")
            .Node("t", "trigger.manual")
            .Node("check", "core.if", new JsonObject { ["condition"] = "{{ input.paid }}" })
            .Node("yes", "core.set", new JsonObject { ["values"] = new JsonObject { ["state"] = "paid" } })
            .Node("no", "core.set", new JsonObject { ["values"] = new JsonObject { ["state"] = "open" } })
            .Node("afterNo", "core.noop")
            .Node("afterYes", "core.noop")
            .Edge("t", "check").Edge("check", "yes", port: "true").Edge("check", "no", port: "false").Edge("no", "afterNo").Edge("yes", "afterYes")
            .ToJsonObject()), new { input = new { paid = true } }),
        "second trigger" => (await CreateFlowAsync(client, new FlowBuilder("two ways in")
            .Node("first", "trigger.manual").Node("second", "trigger.manual")
            .Node("onlyFirst", "core.noop").Node("shared", "core.noop")
            .Chain("first", "onlyFirst", "shared").Chain("second", "shared")
            .ToJsonObject()), new { trigger = "second", input = new { n = 1 } }),
        "failure" => (await CreateFlowAsync(client, Flows.Chain("failing",
            ("first", "core.noop", null),
            ("boom", "core.error", new JsonObject { ["message"] = "no stock for {{ input.sku }}" }),
            ("after", "core.noop", null))), new { input = new { sku = "x-1" } }),
        "wait" => (await CreateFlowAsync(client, Flows.Chain("pause",
            ("first", "core.set", new JsonObject { ["values"] = new JsonObject { ["n"] = "{{ input.n }}" } }),
            ("pause", "core.wait", new JsonObject { ["ms"] = 1500 }),
            ("after", "core.noop", null))), new { input = new { n = 1 } }),
        _ => throw new ArgumentOutOfRangeException(nameof(flow), flow, null),
    };

    private static async Task<Guid> CreateFlowAsync(HttpClient client, JsonObject flow)
    {
        var response = await client.PostAsJsonAsync("/api/flows", flow);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    private static async Task<(string Body, Uri Location)> StartWaitingAsync(HttpClient client, Guid flowId, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flowId}/runs") { Content = JsonContent.Create(body) };
        request.Headers.Add("Prefer", "wait=20");
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("wait=20", response.Headers.GetValues("Preference-Applied").Single());
        return (await response.Content.ReadAsStringAsync(), response.Headers.Location!);
    }

    private static async Task StartAcceptedAsync(HttpClient client, Guid flowId, object body)
    {
        var response = await client.PostAsJsonAsync($"/api/flows/{flowId}/runs", body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }
}

/// <summary>The in-process hub, counting the subscriptions to one run.</summary>
internal sealed class SubscriptionCountingEvents(RunEventHub hub) : IRunEvents
{
    private int _runSubscriptions;

    public int RunSubscriptions => Volatile.Read(ref _runSubscriptions);

    public void Publish(RunEvent runEvent) => hub.Publish(runEvent);

    public IDisposable Subscribe(Guid? runId, Action<RunEvent> handler) => Subscribe(runId, handler, RunEventInterest.Everything);

    public IDisposable Subscribe(Guid? runId, Action<RunEvent> handler, RunEventInterest interest)
    {
        if (runId is not null)
        {
            Interlocked.Increment(ref _runSubscriptions);
        }

        return hub.Subscribe(runId, handler, interest);
    }

    public IDisposable Watch(Guid runId, RunWatchScope scope) => hub.Watch(runId, scope);

    public bool HearsNodes(Guid runId) => hub.HearsNodes(runId);

    public bool HearsRun(Guid runId, RunStatus status) => hub.HearsRun(runId, status);
}
