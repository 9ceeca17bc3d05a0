using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowForge.Server.Tests.Outages;

/// <summary>
/// Each test stops a real server of its own (started with <c>services.sh start-one</c>) and checks that the API
/// answers cleanly meanwhile, then starts the server again and checks that the work goes on.
/// </summary>
[Collection(OutageCollection.Name)]
public sealed class OutageTests
{
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task StartRun_RedisDown_FallsBackToLocalBucketsWithAWarning()
    {
        await using var redis = await PrivateService.StartAsync("redis");
        var logs = new CapturingLoggerProvider();
        await using var server = await TestServer.StartAsync(
            b => b.Logging.AddProvider(logs),
            "--Cache:Provider=redis", $"--Cache:ConnectionString={redis.ConnectionString}",
            "--RateLimits:RunStartBurst=3", "--RateLimits:RunStartsPerSecond=0.001");
        using var client = await server.CreateUserClientAsync();
        var flow = await CreateFlowAsync(client);
        Assert.Equal(HttpStatusCode.Accepted, (await StartRunAsync(client, flow)).StatusCode);

        await redis.StopAsync();
        try
        {
            // The shared bucket had 2 tokens left; the local one starts full (3), so 3 more starts pass and the 4th is limited.
            for (var i = 0; i < 3; i++)
            {
                var started = await StartRunAsync(client, flow);
                Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            }

            var limited = await StartRunAsync(client, flow);
            Assert.Equal((HttpStatusCode)429, limited.StatusCode);
            Assert.True(limited.Headers.RetryAfter is not null, "A 429 carries Retry-After.");
            Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("fall back to this process's own buckets", StringComparison.Ordinal));
        }
        finally
        {
            await redis.StartAgainAsync();
        }
    }

    [Fact]
    public async Task StartRun_BrokerDown_AcceptedWithinASecondAndRunWhenItIsBack()
    {
        await using var rabbit = await PrivateService.StartAsync("rabbitmq");
        await using var server = await TestServer.StartAsync(
            "--Queue:Provider=rabbitmq", $"--Queue:ConnectionString={rabbit.ConnectionString}", "--Engine:SweepInterval=00:00:01");
        using var client = await server.CreateUserClientAsync();
        var flow = await CreateFlowAsync(client);
        var warmUp = await StartRunAsync(client, flow);
        await WaitForStatusAsync(client, warmUp, "Succeeded");

        await rabbit.StopAsync();
        HttpResponseMessage accepted;
        try
        {
            var clock = Stopwatch.StartNew();
            accepted = await StartRunAsync(client, flow);
            clock.Stop();

            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            // Without the outbox hand-off this waits for Queue:PublishTimeout (30 s); 2 s leaves room for a loaded machine.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"Starting a run took {clock.Elapsed} with the broker down.");
        }
        finally
        {
            await rabbit.StartAgainAsync();
        }

        await WaitForStatusAsync(client, accepted, "Succeeded");
    }

    [Fact]
    public async Task StartRun_DatabaseDown_Answers503WithRetryAfter()
    {
        await using var postgres = await PrivateService.StartAsync("postgres");
        await using var server = await TestServer.StartAsync("--Storage:Provider=postgres", $"--Storage:ConnectionString={postgres.ConnectionString}");
        using var client = await server.CreateUserClientAsync();
        var flow = await CreateFlowAsync(client);

        await postgres.StopAsync();
        try
        {
            var refused = await StartRunAsync(client, flow);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
            var problem = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Contains("database is unavailable", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);

            // A probe sends no credentials (checking a token would need the database that is down).
            using var probe = server.CreateClient();
            var ready = await probe.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            var checks = (await ready.Content.ReadFromJsonAsync<JsonObject>())!["checks"]!;
            Assert.Equal("Unhealthy", checks["postgres"]!.GetValue<string>());
        }
        finally
        {
            await postgres.StartAgainAsync();
        }

        // Connections the outage broke are dropped from the pool one failure at a time: the API recovers by itself.
        var started = await Eventually.MatchesAsync(
            () => StartRunAsync(client, flow), r => r.StatusCode == HttpStatusCode.Accepted, "a run start after PostgreSQL is back", RecoveryTimeout);
        await WaitForStatusAsync(client, started, "Succeeded");
    }

    private static async Task<Guid> CreateFlowAsync(HttpClient client)
    {
        var created = await client.PostAsJsonAsync("/api/flows", Flows.Diamond());
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    private static Task<HttpResponseMessage> StartRunAsync(HttpClient client, Guid flow) =>
        client.PostAsJsonAsync($"/api/flows/{flow}/runs", new { input = new { } });

    private static async Task<string> StatusAsync(HttpClient client, HttpResponseMessage accepted)
    {
        var run = await client.GetFromJsonAsync<JsonObject>(accepted.Headers.Location!);
        return run!["status"]!.GetValue<string>();
    }

    private static Task WaitForStatusAsync(HttpClient client, HttpResponseMessage accepted, string status) =>
        Eventually.MatchesAsync(() => StatusAsync(client, accepted), s => s == status, $"run {accepted.Headers.Location} to be {status}", RecoveryTimeout);
}
