using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace FlowForge.Server.Tests.Realtime;

public sealed class RunsHubCredentialTests(SharedServerFixture shared) : IClassFixture<SharedServerFixture>
{
    [Theory]
    [InlineData(HttpTransportType.WebSockets)]
    [InlineData(HttpTransportType.LongPolling)]
    public async Task Watch_SignedInWithSessionCookie_IsAccepted(HttpTransportType transport)
    {
        var server = shared.Server;
        using var browser = await BrowserClient.SignedInAsync(server);
        var flow = (await BrowserClient.JsonAsync(await browser.PostAsync("/api/flows", Flows.Diamond())))["id"]!.GetValue<Guid>();
        var run = await browser.PostAsync($"/api/flows/{flow}/runs", new { });
        Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
        var runId = (await BrowserClient.JsonAsync(run))["runId"]!.GetValue<Guid>();
        await using var hub = Connect(server, browser, transport);

        await hub.StartAsync();
        var status = await hub.InvokeAsync<string>("Watch", runId);

        Assert.True(status is "Pending" or "Running" or "Succeeded", $"status when watching began: {status}");
    }

    [Fact]
    public async Task Connect_WithoutSessionCookie_IsRefused()
    {
        var server = shared.Server;
        using var browser = new BrowserClient(server);
        await using var hub = Connect(server, browser, HttpTransportType.WebSockets);

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => hub.StartAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HubConnectionState.Disconnected, hub.State);
    }

    [Fact]
    public async Task Watch_WithApiTokenAsAccessToken_IsAccepted()
    {
        var server = shared.Server;
        using var browser = await BrowserClient.SignedInAsync(server);
        var secret = (await BrowserClient.JsonAsync(await browser.PostAsync("/api/tokens", new { name = "live view" })))["token"]!.GetValue<string>();
        var flow = (await BrowserClient.JsonAsync(await browser.PostAsync("/api/flows", Flows.Diamond())))["id"]!.GetValue<Guid>();
        var runId = (await BrowserClient.JsonAsync(await browser.PostAsync($"/api/flows/{flow}/runs", new { })))["runId"]!.GetValue<Guid>();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.Address, "/hubs/runs"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult<string?>(secret);
            })
            .Build();

        await hub.StartAsync();
        var status = await hub.InvokeAsync<string>("Watch", runId);

        Assert.True(status is "Pending" or "Running" or "Succeeded", $"status when watching began: {status}");
    }

    private static HubConnection Connect(TestServer server, BrowserClient browser, HttpTransportType transport) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(server.Address, "/hubs/runs"), o =>
            {
                o.Transports = transport;
                foreach (var (name, value) in browser.Cookies)
                {
                    o.Cookies.Add(new Cookie(name, value, "/", server.Address.Host));
                }
            })
            .Build();
}
