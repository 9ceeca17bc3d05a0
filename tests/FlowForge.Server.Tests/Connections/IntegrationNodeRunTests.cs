using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;
using Microsoft.Extensions.Logging;
using static FlowForge.Server.Tests.Connections.ConnectionApi;

namespace FlowForge.Server.Tests.Connections;

/// <summary>
/// Every integration node in one run on the real host, through connections made as the API and the Connections page make
/// them (an SMTP server and an OpenAI base URL in the connection's settings, the keys sealed), against local stand-ins
/// of the providers; no secret reaches a log line or an answer.
/// </summary>
public sealed class IntegrationNodeRunTests
{
    private static readonly string Run = Guid.NewGuid().ToString("N")[..12];
    private static readonly string SlackToken = $"xoxb-{Run}";
    private static readonly string GoogleToken = $"ya29-{Run}";
    private static readonly string GitHubToken = $"ghp-{Run}";
    private static readonly string OpenAiKey = $"sk-{Run}";
    private static readonly string SmtpPassword = $"smtp-{Run}";

    [Fact]
    public async Task Run_EveryIntegrationNodeThroughConnectionsMadeByTheApi_DeliversEachAndLogsNoSecret()
    {
        await using var apps = await LocalAppsServer.StartAsync();
        await using var smtp = new LocalSmtpServer { RequiredUser = "mailer", RequiredPassword = SmtpPassword };
        await smtp.StartAsync();
        var logs = new CapturingLoggerProvider(LogLevel.Trace);
        await using var server = await StartServerAsync(b => b.Logging.AddProvider(logs),
            "--Http:AllowPrivateNetworks=true", "--Logging:Requests=true", "--Logging:LogLevel:Default=Trace", "--Logging:LogLevel:Microsoft=Trace",
            $"--Integrations:Slack:BaseUrl={apps.Address}",
            $"--Integrations:Google:SheetsBaseUrl={apps.Address}",
            $"--Integrations:Google:GmailBaseUrl={apps.Address}",
            $"--Integrations:GitHub:BaseUrl={apps.Address}",
            // Nothing listens here: ai.chat must take the connection's baseUrl setting.
            "--Integrations:OpenAI:BaseUrl=http://127.0.0.1:9/");
        using var client = await server.CreateUserClientAsync();

        var slack = await IdAsync(client, new { name = "Slack", kind = "bearer", provider = "slack", secret = new { token = SlackToken } });
        var google = await IdAsync(client, new { name = "Google", kind = "bearer", provider = "google", secret = new { token = GoogleToken } });
        var github = await IdAsync(client, new { name = "GitHub", kind = "bearer", provider = "github", secret = new { token = GitHubToken } });
        var openai = await IdAsync(client, new
        {
            name = "Local model", kind = "bearer", provider = "openai", secret = new { token = OpenAiKey }, settings = new { baseUrl = apps.Address.ToString() },
        });
        var mail = await IdAsync(client, new
        {
            name = "Mail relay", kind = "basic", provider = "smtp", secret = new { username = "mailer", password = SmtpPassword },
            settings = new { host = "127.0.0.1", port = smtp.Port, security = "none" },
        });

        var flow = Flows.Chain("every integration",
            ("slack", "slack.postMessage", new JsonObject { ["connectionId"] = slack, ["channel"] = "#orders", ["text"] = "Order {{ input.id }}" }),
            ("sheet", "google.sheets.appendRow", new JsonObject
            {
                ["connectionId"] = google, ["spreadsheetId"] = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms", ["range"] = "Orders!A1",
                ["values"] = new JsonArray("{{ input.id }}", "shipped"),
            }),
            ("gmail", "google.gmail.send", new JsonObject
            {
                ["connectionId"] = google, ["to"] = new JsonArray("ada@example.com"), ["subject"] = "Order {{ input.id }}", ["text"] = "Shipped.",
            }),
            ("issue", "github.createIssue", new JsonObject
            {
                ["connectionId"] = github, ["owner"] = "octo-org", ["repo"] = "hello.world", ["title"] = "Order {{ input.id }} shipped",
            }),
            ("chat", "ai.chat", new JsonObject
            {
                ["connectionId"] = openai, ["model"] = "gpt-4o-mini",
                ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Summarise order {{ input.id }}" }),
            }),
            ("mail", "email.send", new JsonObject
            {
                ["connectionId"] = mail, ["from"] = "Shop <shop@example.com>", ["to"] = new JsonArray("ada@example.com"),
                ["subject"] = "Order {{ input.id }}", ["text"] = "Shipped.",
            }));
        var created = await client.PostAsJsonAsync("/api/flows", flow);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var flowId = (string)(await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
        using var start = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flowId}/runs") { Content = JsonContent.Create(new { input = new { id = 42 } }) };
        start.Headers.Add("Prefer", "wait=30");
        var started = await client.SendAsync(start);
        var runText = await started.Content.ReadAsStringAsync();
        var run = JsonNode.Parse(runText)!.AsObject();

        Assert.True((string?)run["status"] == "Succeeded", runText);
        string Header(string path) => Assert.Single(apps.Requests, r => r.PathAndQuery.StartsWith(path, StringComparison.Ordinal)).Headers["authorization"];
        Assert.Equal($"Bearer {SlackToken}", Header(LocalAppsServer.SlackPostMessagePath));
        Assert.Equal($"Bearer {GoogleToken}", Header("/v4/spreadsheets/"));
        Assert.Equal($"Bearer {GoogleToken}", Header(LocalAppsServer.GmailSendPath));
        Assert.Equal($"Bearer {GitHubToken}", Header("/repos/octo-org/hello.world/issues"));
        Assert.Equal($"Bearer {OpenAiKey}", Header(LocalAppsServer.ChatCompletionsPath));
        var message = Assert.Single(smtp.Messages);
        Assert.Equal("mailer", message.AuthenticatedUser);
        Assert.Equal(["ada@example.com"], message.Recipients);

        var answers = new List<string> { runText };
        answers.Add(await client.GetStringAsync($"/api/runs/{run["id"]}"));
        answers.Add(await client.GetStringAsync("/api/connections"));
        Assert.NotEmpty(logs.Entries);
        foreach (var secret in new[] { SlackToken, GoogleToken, GitHubToken, OpenAiKey, SmtpPassword })
        {
            Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(secret, StringComparison.Ordinal)
                || e.Scope.Values.Any(v => v?.ToString()?.Contains(secret, StringComparison.Ordinal) == true));
            Assert.DoesNotContain(answers, a => a.Contains(secret, StringComparison.Ordinal));
        }
    }

    private static async Task<string> IdAsync(HttpClient client, object body) => (string)(await CreateAsync(client, body))["id"]!;
}
