using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Graphs;
using FlowForge.Server.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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

    [Fact]
    public async Task Signal_RunsVersionNoLongerCompiles_409NamingWhy()
    {
        var broken = new BreakablePlans();
        await using var server = await TestServer.StartAsync(builder => builder.Services.Replace(
            ServiceDescriptor.Singleton<IPlanProvider>(sp => broken.Over(ActivatorUtilities.CreateInstance<PlanProvider>(sp)))));
        using var client = await server.CreateUserClientAsync();
        var flow = Flows.Chain("approval", ("approval", "core.wait", new JsonObject { ["until"] = "signal" }), ("after", "core.noop", null));
        var created = await client.PostAsJsonAsync("/api/flows", flow);
        created.EnsureSuccessStatusCode();
        var flowId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        var location = (await client.PostAsJsonAsync($"/api/flows/{flowId}/runs", new { })).Headers.Location!;
        await Eventually.TrueAsync(
            async () => (await client.GetFromJsonAsync<JsonObject>(location))!["nodes"]![1]!["waitingForSignal"]!.GetValue<bool>(),
            "approval waits for a signal");

        broken.Broken = true;
        var signalled = await client.PostAsJsonAsync($"{location}/nodes/approval/signal", new { approved = true });

        Assert.Equal(HttpStatusCode.Conflict, signalled.StatusCode);
        Assert.Equal("application/problem+json", signalled.Content.Headers.ContentType!.MediaType);
        Assert.Contains("no longer compiles", (await signalled.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>Plans as the server compiles them, until <see cref="Broken"/>: then every version fails as one saved with a node type this server lacks.</summary>
    private sealed class BreakablePlans
    {
        public volatile bool Broken;

        public IPlanProvider Over(IPlanProvider inner) => new Provider(this, inner);

        private sealed class Provider(BreakablePlans owner, IPlanProvider inner) : IPlanProvider
        {
            public ValueTask<ExecutionPlan> GetPlanAsync(Guid flowId, int version, string? knownJson, CancellationToken cancellationToken) =>
                owner.Broken
                    ? throw new FlowInvalidException([new GraphProblem(GraphProblemCodes.UnknownNodeType, "Node 'approval' has type 'core.gone', which this server does not have.", "approval")])
                    : inner.GetPlanAsync(flowId, version, knownJson, cancellationToken);
        }
    }
}
