using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Endpoints;

public sealed class RunRetryEndpointsTests(SharedServerFixture shared) : IClassFixture<SharedServerFixture>
{
    private static readonly JsonObject FailingFlow = Flows.Chain("failing", ("boom", "core.error", new JsonObject { ["message"] = "stop here" }));

    private static async Task<Guid> CreateFlowAsync(HttpClient client, JsonObject flow)
    {
        var response = await client.PostAsJsonAsync("/api/flows", flow);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    private static async Task<Guid> StartAsync(HttpClient client, Guid flowId)
    {
        var response = await client.PostAsJsonAsync($"/api/flows/{flowId}/runs", new { });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<Guid>();
    }

    private static Task<JsonObject> WaitForStatusAsync(HttpClient client, Guid runId, string status, int attempt = 1) =>
        Eventually.MatchesAsync(
            async () => (await client.GetFromJsonAsync<JsonObject>($"/api/runs/{runId}"))!,
            run => run["status"]!.GetValue<string>() == status && run["attempt"]!.GetValue<int>() == attempt,
            $"run {runId} to be {status} in attempt {attempt}",
            TimeSpan.FromSeconds(10));

    private static JsonObject NodeOf(JsonObject run, string nodeId) =>
        run["nodes"]!.AsArray().Single(n => n!["nodeId"]!.GetValue<string>() == nodeId)!.AsObject();

    private static async Task<Guid> FailedRunAsync(HttpClient client, Guid flowId)
    {
        var runId = await StartAsync(client, flowId);
        await WaitForStatusAsync(client, runId, "Failed");
        return runId;
    }

    [Fact]
    public async Task Retry_FailedRun_RunsFailedNodeAgainAndKeepsTrigger()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var runId = await FailedRunAsync(client, await CreateFlowAsync(client, FailingFlow));

        var response = await client.PostAsync($"/api/runs/{runId}/retry", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Running", body["status"]!.GetValue<string>());
        Assert.Equal(2, body["attempt"]!.GetValue<int>());
        var run = await WaitForStatusAsync(client, runId, "Failed", attempt: 2);
        var trigger = NodeOf(run, "trigger");
        Assert.Equal("Succeeded", trigger["status"]!.GetValue<string>());
        Assert.Single(trigger["attempts"]!.AsArray());
        var boom = NodeOf(run, "boom");
        Assert.Equal([1, 2], boom["attempts"]!.AsArray().Select(a => a!["attempt"]!.GetValue<int>()));
        Assert.Equal(2, boom["attempt"]!.GetValue<int>());
    }

    [Fact]
    public async Task Retry_CancelledRunWaitingForSignal_WaitsAgainAndSucceedsAfterSignal()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var flowId = await CreateFlowAsync(client, Flows.Chain("approval", ("approval", "core.wait", new JsonObject { ["until"] = "signal" }), ("after", "core.noop", null)));
        var runId = await StartAsync(client, flowId);
        await Eventually.TrueAsync(
            async () => NodeOf((await client.GetFromJsonAsync<JsonObject>($"/api/runs/{runId}"))!, "approval")["waitingForSignal"]!.GetValue<bool>(),
            "approval waits for a signal");
        (await client.PostAsync($"/api/runs/{runId}/cancel", null)).EnsureSuccessStatusCode();

        var retried = await client.PostAsync($"/api/runs/{runId}/retry", null);

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        await Eventually.TrueAsync(
            async () => NodeOf((await client.GetFromJsonAsync<JsonObject>($"/api/runs/{runId}"))!, "approval")["waitingForSignal"]!.GetValue<bool>(),
            "approval waits for a signal again");
        (await client.PostAsJsonAsync($"/api/runs/{runId}/nodes/approval/signal", new { approved = true })).EnsureSuccessStatusCode();
        var run = await WaitForStatusAsync(client, runId, "Succeeded", attempt: 2);
        Assert.Single(NodeOf(run, "trigger")["attempts"]!.AsArray());
        Assert.True(NodeOf(run, "approval")["output"]!["approved"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Retry_SucceededRun_Returns409SayingWhy()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var runId = await StartAsync(client, await CreateFlowAsync(client, Flows.Diamond()));
        await WaitForStatusAsync(client, runId, "Succeeded");

        var response = await client.PostAsync($"/api/runs/{runId}/retry", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains("is Succeeded: only a Failed or Cancelled run can be retried", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, (await client.GetFromJsonAsync<JsonObject>($"/api/runs/{runId}"))!["attempt"]!.GetValue<int>());
    }

    [Fact]
    public async Task Retry_AnotherUsersRun_Returns404AndLeavesItFailed()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        using var stranger = await server.CreateUserClientAsync();
        var runId = await FailedRunAsync(client, await CreateFlowAsync(client, FailingFlow));

        var single = await stranger.PostAsync($"/api/runs/{runId}/retry", null);
        var many = await stranger.PostAsJsonAsync("/api/runs/retry", new { ids = new[] { runId } });

        Assert.Equal(HttpStatusCode.NotFound, single.StatusCode);
        var answer = (await many.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Empty(answer["reopened"]!.AsArray());
        Assert.Equal("not_found", answer["notReopened"]![0]!["code"]!.GetValue<string>());
        Assert.Empty((await stranger.GetFromJsonAsync<JsonObject>("/api/runs?status=failed"))!["items"]!.AsArray());
        var run = (await client.GetFromJsonAsync<JsonObject>($"/api/runs/{runId}"))!;
        Assert.Equal(("Failed", 1), (run["status"]!.GetValue<string>(), run["attempt"]!.GetValue<int>()));
    }

    [Fact]
    public async Task List_StatusFailed_ListsCallersFailedRunsAcrossFlows()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var first = await FailedRunAsync(client, await CreateFlowAsync(client, FailingFlow));
        var second = await FailedRunAsync(client, await CreateFlowAsync(client, FailingFlow));
        var succeeded = await StartAsync(client, await CreateFlowAsync(client, Flows.Diamond()));
        await WaitForStatusAsync(client, succeeded, "Succeeded");

        var page = (await client.GetFromJsonAsync<JsonObject>("/api/runs?status=failed&limit=1"))!;
        var next = (await client.GetFromJsonAsync<JsonObject>($"/api/runs?status=Failed&limit=1&cursor={page["nextCursor"]!.GetValue<string>()}"))!;
        var unknown = await client.GetAsync("/api/runs?status=broken");

        Assert.Equal(second, page["items"]![0]!["id"]!.GetValue<Guid>());
        Assert.Equal(first, next["items"]![0]!["id"]!.GetValue<Guid>());
        Assert.Null(next["nextCursor"]);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("status", (await unknown.Content.ReadFromJsonAsync<JsonObject>())!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_NoStatus_ListsCallersRunsInEveryStatusNewestFirst()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        using var stranger = await server.CreateUserClientAsync();
        var failed = await FailedRunAsync(client, await CreateFlowAsync(client, FailingFlow));
        var succeeded = await StartAsync(client, await CreateFlowAsync(client, Flows.Diamond()));
        await WaitForStatusAsync(client, succeeded, "Succeeded");

        var page = (await client.GetFromJsonAsync<JsonObject>("/api/runs?limit=1"))!;
        var next = (await client.GetFromJsonAsync<JsonObject>($"/api/runs?limit=1&cursor={page["nextCursor"]!.GetValue<string>()}"))!;
        var empty = (await client.GetFromJsonAsync<JsonObject>("/api/runs?status="))!;

        Assert.Equal((succeeded, "Succeeded"), (page["items"]![0]!["id"]!.GetValue<Guid>(), page["items"]![0]!["status"]!.GetValue<string>()));
        Assert.Equal((failed, "Failed"), (next["items"]![0]!["id"]!.GetValue<Guid>(), next["items"]![0]!["status"]!.GetValue<string>()));
        Assert.Null(next["nextCursor"]);
        Assert.Equal(2, empty["items"]!.AsArray().Count);
        Assert.Empty((await stranger.GetFromJsonAsync<JsonObject>("/api/runs"))!["items"]!.AsArray());
    }

    [Fact]
    public async Task RetryMany_FilterMatchesMoreThanTheLimit_RetriesTheLimitAndSaysMore()
    {
        await using var server = await TestServer.StartAsync("--Api:MaxRunsPerRetry=2");
        using var client = await server.CreateUserClientAsync();
        var flowId = await CreateFlowAsync(client, FailingFlow);
        var runs = new[] { await FailedRunAsync(client, flowId), await FailedRunAsync(client, flowId), await FailedRunAsync(client, flowId) };

        var response = await client.PostAsJsonAsync("/api/runs/retry", new { filter = new { status = "failed" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal([runs[2], runs[1]], answer["reopened"]!.AsArray().Select(r => r!["runId"]!.GetValue<Guid>()));
        Assert.All(answer["reopened"]!.AsArray(), r => Assert.Equal(2, r!["attempt"]!.GetValue<int>()));
        Assert.True(answer["more"]!.GetValue<bool>());
        Assert.Equal(1, (await client.GetFromJsonAsync<JsonObject>($"/api/runs/{runs[0]}"))!["attempt"]!.GetValue<int>());
    }

    [Fact]
    public async Task RetryMany_Ids_ReopensFailedAndSaysWhyNotForOthers()
    {
        await using var server = await TestServer.StartAsync("--Api:MaxRunsPerRetry=4");
        using var client = await server.CreateUserClientAsync();
        var failed = await FailedRunAsync(client, await CreateFlowAsync(client, FailingFlow));
        var succeeded = await StartAsync(client, await CreateFlowAsync(client, Flows.Diamond()));
        await WaitForStatusAsync(client, succeeded, "Succeeded");
        var unknown = Guid.NewGuid();

        var response = await client.PostAsJsonAsync("/api/runs/retry", new { ids = new[] { failed, succeeded, unknown, failed } });
        var tooMany = await client.PostAsJsonAsync("/api/runs/retry", new { ids = new[] { failed, succeeded, unknown, Guid.NewGuid(), Guid.NewGuid() } });
        var badId = await client.PostAsJsonAsync("/api/runs/retry", new { ids = new object[] { failed, 42 } });
        var both = await client.PostAsJsonAsync("/api/runs/retry", new { ids = new[] { failed }, filter = new { status = "failed" } });
        var badFilter = await client.PostAsJsonAsync("/api/runs/retry", new { filter = new { status = "succeeded" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal([failed], answer["reopened"]!.AsArray().Select(r => r!["runId"]!.GetValue<Guid>()));
        var refused = answer["notReopened"]!.AsArray();
        Assert.Equal([(succeeded, "not_failed"), (unknown, "not_found")], refused.Select(r => (r!["runId"]!.GetValue<Guid>(), r["code"]!.GetValue<string>())));
        Assert.Contains("only a Failed or Cancelled run", refused[0]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(answer["more"]!.GetValue<bool>());
        await AssertBadRequestAsync(tooMany, "ids", "Api:MaxRunsPerRetry");
        await AssertBadRequestAsync(badId, "ids[1]", "not a run id");
        await AssertBadRequestAsync(both, "filter", "not both");
        await AssertBadRequestAsync(badFilter, "filter.status", "\"failed\" or \"cancelled\"");
    }

    private static async Task AssertBadRequestAsync(HttpResponseMessage response, string field, string detail)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(field, problem["field"]!.GetValue<string>());
        Assert.Contains(detail, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
