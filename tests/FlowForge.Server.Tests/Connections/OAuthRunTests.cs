using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;
using FlowForge.Server.Connections.OAuth;
using FlowForge.Server.Tests.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace FlowForge.Server.Tests.Connections;

/// <summary>
/// Runs whose nodes act through an OAuth connection made by the round trip: one refresh for many nodes, a refused refresh
/// failing the run naming the connection, and no token, code or client secret in the logs or the data folder.
/// </summary>
public sealed class OAuthRunTests
{
    private const int Nodes = 10;

    [Fact]
    public async Task Run_TenNodesOnAnExpiredToken_RefreshOnceAndNoTokenIsLoggedOrStoredInPlainText()
    {
        var logs = new CapturingLoggerProvider(LogLevel.Trace);
        await using var h = await StartAsync(logs);
        // The round trip's access token is due at once; the refresh's lives an hour.
        h.Provider.ExpiresInSeconds = 0;
        var callback = await h.AuthorizeAsync(await h.StartAsync());
        Assert.StartsWith("/connections?connected=", await h.CallbackAsync(callback), StringComparison.Ordinal);
        h.Provider.ExpiresInSeconds = 3600;
        var connection = Assert.Single(await h.AllAsync());
        var issued = h.Protector.Unprotect(connection.ProtectedSecret);

        var run = await RunAsync(h, ParallelProbes(connection.Id, h.Provider.Url("api/test")));

        Assert.Equal("Succeeded", (string?)run["status"]);
        var probes = run["nodes"]!.AsArray().Where(n => ((string?)n!["nodeId"])!.StartsWith("use", StringComparison.Ordinal)).ToList();
        Assert.Equal(Nodes, probes.Count);
        Assert.All(probes, n => Assert.Equal(200, (int)n!["output"]!["status"]!));
        Assert.Equal(1, h.Provider.RefreshCount);
        var refreshed = h.Protector.Unprotect(Assert.Single(await h.AllAsync()).ProtectedSecret);
        Assert.NotEqual(issued[OAuthSecretFields.AccessToken], refreshed[OAuthSecretFields.AccessToken]);
        Assert.Equal(HttpStatusCode.OK, (await h.Browser.GetAsync($"/api/runs/{run["id"]}")).StatusCode);

        string[] secrets =
        [
            issued[OAuthSecretFields.AccessToken], issued[OAuthSecretFields.RefreshToken],
            refreshed[OAuthSecretFields.AccessToken], refreshed[OAuthSecretFields.RefreshToken],
            h.Provider.ClientSecret,
            QueryHelpers.ParseQuery(callback.Query)["code"].ToString(),
            h.Provider.TokenRequests.Single(r => r["grant_type"] == "authorization_code")["code_verifier"],
        ];
        AssertInNoFile(h.Server.DataDirectory, secrets);

        Assert.Equal(HttpStatusCode.NoContent, (await h.Browser.DeleteAsync($"/api/connections/{connection.Id}")).StatusCode);
        Assert.Equal([refreshed[OAuthSecretFields.RefreshToken]], h.Provider.Revoked);

        Assert.NotEmpty(logs.Entries);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(secret, StringComparison.Ordinal)
                || e.Scope.Values.Any(v => v?.ToString()?.Contains(secret, StringComparison.Ordinal) == true));
        }
    }

    [Fact]
    public async Task Run_RefreshTokenRevoked_FailsOnceNamingTheConnectionToReconnectAndMarksItBroken()
    {
        await using var h = await StartAsync(logs: null);
        h.Provider.ExpiresInSeconds = 0;
        await h.CallbackAsync(await h.AuthorizeAsync(await h.StartAsync()));
        var connection = Assert.Single(await h.AllAsync());
        h.Provider.RevokeAllRefreshTokens("Token has been expired or revoked.");

        var run = await RunAsync(h, ParallelProbes(connection.Id, h.Provider.Url("api/test"), count: 1));

        Assert.Equal("Failed", (string?)run["status"]);
        var probe = run["nodes"]!.AsArray().Single(n => (string?)n!["nodeId"] == "use0")!;
        Assert.Equal("Failed", (string?)probe["status"]);
        Assert.Single(probe["attempts"]!.AsArray());
        var error = (string?)probe["error"];
        Assert.Contains($"Connection 'Work Google' ({connection.Id}) must be reconnected", error, StringComparison.Ordinal);
        Assert.Contains("invalid_grant", error, StringComparison.Ordinal);
        Assert.Equal(1, h.Provider.RefreshCount);

        var view = await BrowserClient.JsonAsync(await h.Browser.GetAsync($"/api/connections/{connection.Id}"));
        Assert.Equal("broken", (string?)view["status"]);
        Assert.Equal("invalid_grant: Token has been expired or revoked.", (string?)view["statusReason"]);
    }

    private static Task<OAuthHarness> StartAsync(CapturingLoggerProvider? logs) =>
        OAuthHarness.StartAsync(
            b =>
            {
                b.Services.AddNodeTypes(typeof(ConnectionProbeNode).Assembly);
                if (logs is not null)
                {
                    b.Logging.AddProvider(logs);
                }
            },
            "--Logging:Requests=true", "--Logging:LogLevel:Default=Trace", "--Logging:LogLevel:Microsoft=Trace");

    /// <summary>A manual trigger fanning out to <paramref name="count"/> probes that GET <paramref name="url"/> through the connection at once.</summary>
    private static JsonObject ParallelProbes(Guid connectionId, string url, int count = Nodes)
    {
        var nodes = new JsonArray(Flows.Node("trigger", "trigger.manual"));
        var edges = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            nodes.Add(Flows.Node($"use{i}", "test.connectionProbe", new JsonObject { ["connectionId"] = connectionId.ToString(), ["url"] = url }));
            edges.Add(Flows.Edge("trigger", $"use{i}"));
        }

        return new JsonObject { ["name"] = "many nodes, one connection", ["nodes"] = nodes, ["edges"] = edges };
    }

    /// <summary>Saves the flow as the harness's user, starts it and returns the run once it ended.</summary>
    private static async Task<JsonObject> RunAsync(OAuthHarness h, JsonObject flow)
    {
        var created = await h.Browser.PostAsync("/api/flows", flow);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var flowId = (string)(await BrowserClient.JsonAsync(created))["id"]!;
        var started = await h.Browser.PostAsync($"/api/flows/{flowId}/runs", new { input = new { } });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var runId = (string)(await BrowserClient.JsonAsync(started))["runId"]!;
        return await Eventually.MatchesAsync(
            async () => await BrowserClient.JsonAsync(await h.Browser.GetAsync($"/api/runs/{runId}")),
            run => (string?)run["status"] is "Succeeded" or "Failed" or "Cancelled",
            $"run {runId} to end",
            TimeSpan.FromSeconds(30));
    }

    private static void AssertInNoFile(string folder, IReadOnlyList<string> secrets)
    {
        // The folder's lock file is held exclusively by the running server and holds no data.
        var files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != "flowforge.lock").ToList();
        Assert.Contains(files, f => Path.GetFileName(f) == "flowforge.db");
        foreach (var file in files)
        {
            byte[] bytes;
            using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                bytes = new byte[stream.Length];
                stream.ReadExactly(bytes);
            }

            foreach (var secret in secrets)
            {
                Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"{Path.GetRelativePath(folder, file)} holds a secret in plain text.");
            }
        }
    }
}
