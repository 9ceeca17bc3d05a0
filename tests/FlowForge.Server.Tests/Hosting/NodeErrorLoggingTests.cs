using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;
using Microsoft.Extensions.Logging;

namespace FlowForge.Server.Tests.Hosting;

public sealed class NodeErrorLoggingTests
{
    private const string Secret = "password=hunter2-5f1c";

    private static async Task<CapturingLoggerProvider> RunFailingFlowAsync(LogLevel level)
    {
        var logs = new CapturingLoggerProvider(level);
        await using var server = await TestServer.StartAsync(b => b.Logging.AddProvider(logs), $"--Logging:LogLevel:Default={level}");
        using var client = await server.CreateUserClientAsync();
        var flow = Flows.Chain("leaks", ("boom", "core.error", new JsonObject { ["message"] = "upstream said " + Secret }));
        var created = await (await client.PostAsJsonAsync("/api/flows", flow)).Content.ReadFromJsonAsync<JsonObject>();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{created!["id"]}/runs") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("Prefer", "wait=10");
        var run = await (await client.SendAsync(request)).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("Failed", run!["status"]!.GetValue<string>());
        return logs;
    }

    [Fact]
    public async Task NodeFailure_AtInformation_LogsTheNodeAndKindButNotThePayload()
    {
        var logs = await RunFailingFlowAsync(LogLevel.Information);

        var entry = Assert.Single(logs.Entries, e => e.Message.StartsWith("Node boom (core.error)", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Contains("reported", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("hunter2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NodeFailure_WithDebugLogging_LogsThePayloadAtDebug()
    {
        var logs = await RunFailingFlowAsync(LogLevel.Debug);

        var entry = Assert.Single(logs.Entries, e => e.Message.Contains(Secret, StringComparison.Ordinal));
        Assert.Equal(LogLevel.Debug, entry.Level);
    }
}
