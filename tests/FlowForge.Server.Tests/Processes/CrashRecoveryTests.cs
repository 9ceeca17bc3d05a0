using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Processes;

public sealed class CrashRecoveryTests
{
    [Fact]
    public async Task Serve_KilledMidRun_RestartResumesEveryRun()
    {
        var data = Directory.CreateTempSubdirectory("flowforge-crash-").FullName;
        var port = ServeProcess.FreePort();
        try
        {
            var accepted = new List<Guid>();
            string token;
            Guid quickFlow;
            Guid waitFlow;
            Dictionary<Guid, Dictionary<string, (string Status, int Attempt)>> before;
            await using (var first = await ServeProcess.StartAsync(data, port))
            {
                using var client = new HttpClient { BaseAddress = first.Address };
                var credentials = new { email = "crash@example.com", password = "survives kill -9" };
                (await client.PostAsJsonAsync("/api/auth/register", credentials)).EnsureSuccessStatusCode();
                token = (await (await client.PostAsJsonAsync("/api/auth/token", credentials)).Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
                quickFlow = await CreateAsync(client, Flows.Diamond());
                waitFlow = await CreateAsync(client, Flows.Chain("waits",
                    ("first", "core.noop", null), ("pause", "core.wait", new JsonObject { ["ms"] = 1500 }), ("last", "core.noop", null)));

                // Many runs in flight, then SIGKILL without warning.
                var starts = new List<Task<HttpResponseMessage>>();
                for (var i = 0; i < 300; i++)
                {
                    starts.Add(client.PostAsJsonAsync($"/api/flows/{(i % 3 == 0 ? waitFlow : quickFlow)}/runs", new { input = new { i } }));
                }

                foreach (var response in await Task.WhenAll(starts))
                {
                    Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                    accepted.Add((await response.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<Guid>());
                }

                first.Kill();
            }

            // What was on disk at the moment of the kill: read straight from the database file.
            before = await RunStates.ReadAsync(Path.Combine(data, "flowforge.db"));
            Assert.Equal(accepted.Count, accepted.Count(before.ContainsKey));
            Assert.Contains(before.Values, nodes => nodes.Values.Any(n => n.Status != "Succeeded"));

            await using var second = await ServeProcess.StartAsync(data, port);
            using var after = new HttpClient { BaseAddress = second.Address };
            after.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            foreach (var runId in accepted)
            {
                var run = await WaitForFinalAsync(after, runId);
                Assert.Equal("Succeeded", run["status"]!.GetValue<string>());
                foreach (var node in run["nodes"]!.AsArray())
                {
                    var id = node!["nodeId"]!.GetValue<string>();
                    var attempt = node["attempt"]!.GetValue<int>();
                    var (status, attemptBefore) = before[runId][id];
                    if (status == "Succeeded")
                    {
                        Assert.Equal(attemptBefore, attempt);
                    }
                    else if (status == "Running" && id != "pause")
                    {
                        Assert.True(attempt > attemptBefore, $"{runId}/{id} was Running at attempt {attemptBefore} and finished at attempt {attempt}");
                    }
                }
            }
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
                // Leftover temp folders are harmless.
            }
        }
    }

    private static async Task<Guid> CreateAsync(HttpClient client, JsonObject flow)
    {
        var response = await client.PostAsJsonAsync("/api/flows", flow);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    private static Task<JsonObject> WaitForFinalAsync(HttpClient client, Guid runId) =>
        Eventually.MatchesAsync(
            async () => (await client.GetFromJsonAsync<JsonObject>($"/api/runs/{runId}"))!,
            run => run["status"]!.GetValue<string>() is "Succeeded" or "Failed" or "Cancelled",
            $"run {runId} to finish after the restart",
            TimeSpan.FromSeconds(30));
}
