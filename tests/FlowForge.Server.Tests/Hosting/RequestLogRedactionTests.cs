using FlowForge.Server.Tests.Testing;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace FlowForge.Server.Tests.Hosting;

public sealed class RequestLogRedactionTests
{
    [Fact]
    public async Task Logs_HubConnectionWithTokenInQuery_NeverContainTheTokenEvenWithFrameworkLogsOn()
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await TestServer.StartAsync(
            b => b.Logging.AddProvider(logs),
            "--Logging:Requests=true", "--Logging:LogLevel:Default=Information", "--Logging:LogLevel:Microsoft.AspNetCore=Information");
        using var client = await server.CreateUserClientAsync();
        var token = client.DefaultRequestHeaders.Authorization!.Parameter!;
        await using var hub = new HubConnectionBuilder()
            // As a browser sends it: the .NET client would put the token in a header, which browsers cannot do on WebSockets.
            .WithUrl(new Uri(server.Address, $"/hubs/runs?access_token={token}"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build();

        await hub.StartAsync();
        await hub.StopAsync();

        // The request line is written when the WebSocket request ends.
        await Eventually.TrueAsync(
            () => logs.Entries.Any(e => e.Category.EndsWith("RequestLogging", StringComparison.Ordinal) && e.Message.Contains("/hubs/runs", StringComparison.Ordinal)),
            "the hub's request line");
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(token, StringComparison.Ordinal)
            || e.Scope.Values.Any(v => v?.ToString()?.Contains(token, StringComparison.Ordinal) == true));
    }
}
