using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FlowForge.Engine.Storage;
using FlowForge.Server.Tests.Testing;
using FlowForge.Testing;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace FlowForge.Server.Tests.Notifications;

/// <summary>Settings and steps the notification tests share.</summary>
internal static class NotificationTesting
{
    public static string[] SmtpSettings(int port, params string[] more) =>
    [
        "--Notifications:Smtp:Host=127.0.0.1",
        $"--Notifications:Smtp:Port={port}",
        "--Notifications:Smtp:Security=None",
        "--Notifications:Smtp:From=flowforge@example.com",
        "--Notifications:PollMilliseconds=50",
        "--Notifications:PublicBaseUrl=https://flows.example.com",
        .. more,
    ];

    public static async Task<Guid> UserIdAsync(TestServer server, string email) =>
        (await server.App.Services.GetRequiredService<IUserStore>().FindByEmailAsync(email, CancellationToken.None))!.Id;

    public static async Task<Guid> RunAsync(HttpClient client, Guid flowId)
    {
        var response = await client.PostAsJsonAsync($"/api/flows/{flowId}/runs", new { });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<Guid>();
    }

    public static Task<string> StatusAsync(HttpClient client, Guid runId) =>
        Eventually.MatchesAsync(
            async () => (await client.GetFromJsonAsync<JsonObject>($"/api/runs/{runId}"))!["status"]!.GetValue<string>(),
            s => s is "Succeeded" or "Failed" or "Cancelled",
            $"run {runId} to finish");

    public static MimeMessage Parse(LocalSmtpMessage message) => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(message.Data)));
}
