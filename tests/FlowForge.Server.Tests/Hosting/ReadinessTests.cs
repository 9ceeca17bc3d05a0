using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;
using FlowForge.Storage.Sql;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlowForge.Server.Tests.Hosting;

public sealed class ReadinessTests
{
    [Fact]
    public async Task Ready_ScaledOutProviders_ReportsEachProviderCheck()
    {
        await using var database = await TestDatabase.CreateAsync("postgres");
        await using var server = await TestServer.StartAsync(
            "--Storage:Provider=postgres", $"--Storage:ConnectionString={database.ConnectionString}",
            "--Queue:Provider=rabbitmq", $"--Queue:ConnectionString={TestServices.RabbitMq}", $"--Queue:QueueName=ready-{Guid.NewGuid():N}",
            "--Cache:Provider=redis", $"--Cache:ConnectionString={TestServices.Redis}", $"--Cache:KeyPrefix=ready-{Guid.NewGuid():N}:");
        using var client = server.CreateClient();

        var report = await Eventually.MatchesAsync(
            async () => (await (await client.GetAsync("/health/ready")).Content.ReadFromJsonAsync<JsonObject>())!,
            r => r["status"]!.GetValue<string>() == "Healthy",
            "readiness with PostgreSQL, RabbitMQ and Redis");

        var checks = report["checks"]!.AsObject().Select(c => c.Key).Order(StringComparer.Ordinal);
        Assert.Equal(["postgres", "queue", "rabbitmq", "recovery", "redis", "redis-subscriptions", "store"], checks);
    }

    [Fact]
    public async Task Live_AnyState_RunsNoCheck()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.CreateClient();

        var live = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Empty((await live.Content.ReadFromJsonAsync<JsonObject>())!["checks"]!.AsObject());
    }

    [Fact]
    public async Task MySqlHealthCheck_ServerAnswers_Healthy()
    {
        var check = new MySqlHealthCheck(TestServices.MySql);

        var result = await check.CheckHealthAsync(Context(check));

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task MySqlHealthCheck_NothingListens_UnhealthyWithoutThePassword()
    {
        var check = new MySqlHealthCheck("Server=127.0.0.1;Port=1;User ID=flowforge;Password=s3cret-value;Database=flowforge;Connection Timeout=5");

        var result = await check.CheckHealthAsync(Context(check));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.DoesNotContain("s3cret-value", result.Description ?? "", StringComparison.Ordinal);
    }

    private static HealthCheckContext Context(IHealthCheck check) =>
        new() { Registration = new HealthCheckRegistration("mysql", check, HealthStatus.Unhealthy, null) };
}
