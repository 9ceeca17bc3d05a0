using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Endpoints;

public sealed class IsolationTests
{
    [Fact]
    public async Task OtherUsersFlowsAndRuns_Answer404AndAreNotListed()
    {
        await using var server = await TestServer.StartAsync();
        using var alice = await server.CreateUserClientAsync();
        using var bob = await server.CreateUserClientAsync();
        var flow = (await (await alice.PostAsJsonAsync("/api/flows", Flows.Diamond("alice's"))).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        var run = (await alice.PostAsJsonAsync($"/api/flows/{flow}/runs", new { })).Headers.Location!;

        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/api/flows/{flow}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.PutAsJsonAsync($"/api/flows/{flow}", Flows.Diamond("stolen"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.DeleteAsync($"/api/flows/{flow}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.PostAsJsonAsync($"/api/flows/{flow}/runs", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/api/flows/{flow}/runs")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync(run)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.PostAsync($"{run}/cancel", null)).StatusCode);
        Assert.Empty((await bob.GetFromJsonAsync<JsonObject>("/api/flows"))!["items"]!.AsArray());

        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync($"/api/flows/{flow}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync(run)).StatusCode);
        Assert.Single((await alice.GetFromJsonAsync<JsonObject>("/api/flows"))!["items"]!.AsArray());
    }

    [Fact]
    public async Task ApiWithoutToken_Returns401()
    {
        await using var server = await TestServer.StartAsync();
        using var anonymous = server.CreateClient();
        using var forged = server.CreateClient("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/flows")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/node-types")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/flows")).StatusCode);
    }
}
