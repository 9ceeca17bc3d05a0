using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Endpoints;

public sealed class RunSignalEndpointTests
{
    [Fact]
    public async Task Signal_WaitingNode_BodyBecomesOutputAndRunShowsAttempts()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.CreateUserClientAsync();
        using var stranger = await server.CreateUserClientAsync("stranger@example.com");
        var flow = Flows.Chain("approval", ("approval", "core.wait", new JsonObject { ["until"] = "signal" }), ("after", "core.noop", null));
        var created = await client.PostAsJsonAsync("/api/flows", flow);
        created.EnsureSuccessStatusCode();
        var flowId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        var location = (await client.PostAsJsonAsync($"/api/flows/{flowId}/runs", new { })).Headers.Location!;
        await Eventually.TrueAsync(
            async () => (await client.GetFromJsonAsync<JsonObject>(location))!["nodes"]![1]!["waitingForSignal"]!.GetValue<bool>(),
            "approval waits for a signal");

        var notYours = await stranger.PostAsJsonAsync($"{location}/nodes/approval/signal", new { approved = true });
        var notWaiting = await client.PostAsJsonAsync($"{location}/nodes/after/signal", new { approved = true });
        var unknown = await client.PostAsJsonAsync($"{location}/nodes/nope/signal", new { approved = true });
        var malformed = await client.PostAsync($"{location}/nodes/approval/signal", new StringContent("{ nope", System.Text.Encoding.UTF8, "application/json"));
        var signalled = await client.PostAsJsonAsync($"{location}/nodes/approval/signal", new { approved = true, by = "ops" });

        Assert.Equal(HttpStatusCode.NotFound, notYours.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, notWaiting.StatusCode);
        Assert.Equal("application/problem+json", notWaiting.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, signalled.StatusCode);
        var run = await Eventually.MatchesAsync(
            async () => (await client.GetFromJsonAsync<JsonObject>(location))!,
            r => r["status"]!.GetValue<string>() == "Succeeded",
            "the run succeeds after the signal");
        var approval = run["nodes"]![1]!;
        Assert.Equal("ops", approval["output"]!["by"]!.GetValue<string>());
        var attempt = Assert.Single(approval["attempts"]!.AsArray())!;
        Assert.Equal("Succeeded", attempt["status"]!.GetValue<string>());
        Assert.Equal(1, attempt["attempt"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsJsonAsync($"{location}/nodes/approval/signal", new { })).StatusCode);
    }
}
