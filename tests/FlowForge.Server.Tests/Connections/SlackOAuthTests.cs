using System.Net;
using System.Text.Json.Nodes;
using FlowForge.Server.Connections.OAuth;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Connections;

/// <summary>Slack connected through its OAuth data file against a local stand-in, then used by <c>slack.postMessage</c>.</summary>
public sealed class SlackOAuthTests
{
    [Fact]
    public async Task RoundTrip_SlackStandIn_SendsPkceAndSlackPostMessageUsesItsTokenAndDeleteRevokesIt()
    {
        await using var apps = await LocalAppsServer.StartAsync();
        await using var slack = await LocalOAuthProvider.StartAsync();
        await using var h = await OAuthHarness.StartAsync(null, [.. OAuthHarness.ProviderSettings(slack, "slack"), $"--Integrations:Slack:BaseUrl={apps.Address}"]);

        var authorizeUrl = await h.StartAsync("slack", new { name = "Work Slack" });
        var callback = await h.AuthorizeAsync(authorizeUrl);
        var sent = Assert.Single(slack.AuthorizeRequests);
        Assert.Equal("S256", sent["code_challenge_method"]);
        Assert.Equal("chat:write,channels:read", sent["scope"]);
        Assert.StartsWith("/connections?connected=", await h.CallbackAsync(callback), StringComparison.Ordinal);
        var exchange = slack.TokenRequests.Single(r => r["grant_type"] == "authorization_code");
        Assert.Equal(64, exchange["code_verifier"].Length);
        var connection = Assert.Single(await h.AllAsync());
        Assert.Equal("slack", connection.Provider);
        var access = h.Protector.Unprotect(connection.ProtectedSecret)[OAuthSecretFields.AccessToken];

        var flow = Flows.Chain("tell the team", ("post", "slack.postMessage", new JsonObject
        {
            ["connectionId"] = connection.Id.ToString(), ["channel"] = "#deploys", ["text"] = "Deployed {{ input.version }}",
        }));
        var created = await h.Browser.PostAsync("/api/flows", flow);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var started = await h.Browser.PostAsync($"/api/flows/{(string)(await BrowserClient.JsonAsync(created))["id"]!}/runs", new { input = new { version = "1.4.2" } });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var runId = (string)(await BrowserClient.JsonAsync(started))["runId"]!;
        var run = await Eventually.MatchesAsync(
            async () => await BrowserClient.JsonAsync(await h.Browser.GetAsync($"/api/runs/{runId}")),
            r => (string?)r["status"] is "Succeeded" or "Failed" or "Cancelled",
            $"run {runId} to end",
            TimeSpan.FromSeconds(30));

        Assert.Equal("Succeeded", (string?)run["status"]);
        var post = Assert.Single(apps.Requests, r => r.PathAndQuery == LocalAppsServer.SlackPostMessagePath);
        Assert.Equal($"Bearer {access}", post.Headers["authorization"]);
        Assert.Equal("Deployed 1.4.2", (string?)JsonNode.Parse(post.Body)!["text"]);

        // Slack's auth.revoke takes the token itself as the bearer.
        Assert.Equal(HttpStatusCode.NoContent, (await h.Browser.DeleteAsync($"/api/connections/{connection.Id}")).StatusCode);
        var revoke = Assert.Single(slack.Requests, r => r.PathAndQuery.StartsWith("/revoke", StringComparison.Ordinal));
        Assert.Equal($"Bearer {access}", revoke.Headers["authorization"]);
        Assert.Empty(await h.AllAsync());
    }
}
