using System.Text;
using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;
using FlowForge.Nodes.Email;
using FlowForge.Nodes.Http;
using FlowForge.Testing;
using FlowForge.Tests.Nodes;
using FlowForge.Tests.Testing;
using Microsoft.Extensions.Options;
using MimeKit;

namespace FlowForge.Tests.Integrations;

public sealed class EmailSendNodeTests
{
    private static JsonObject Config(Action<JsonObject>? more = null)
    {
        var config = new JsonObject
        {
            ["connectionId"] = "smtp-1",
            ["from"] = "Alerts <alerts@example.com>",
            ["to"] = new JsonArray("ada@example.com"),
            ["bcc"] = new JsonArray("audit@example.com"),
            ["subject"] = "Order {{ input.id }}",
            ["text"] = "Shipped.",
        };
        more?.Invoke(config);
        return config;
    }

    private static async Task<NodeResult> RunAsync(LocalSmtpServer server, JsonObject config, string password = "s3cret", bool allowPrivate = true)
    {
        using var connections = new TestNodeConnections().Add("smtp-1", "smtp", secret: new Dictionary<string, string>
        {
            ["host"] = "127.0.0.1",
            ["port"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["security"] = "none",
            ["username"] = "mailer",
            ["password"] = password,
        });
        var guard = new SsrfGuard(Options.Create(new HttpOptions { AllowPrivateNetworks = allowPrivate }), new DnsHostResolver());
        var node = new EmailSendNode(IntegrationsTestOptions.For(new Uri("http://127.0.0.1/")), guard);
        return await node.ExecuteAsync(NodeContexts.For(config, runInput: new JsonObject { ["id"] = 42 }, connections: connections), CancellationToken.None);
    }

    [Fact]
    public async Task ExecuteAsync_AuthenticatedSend_DeliversMessageAndOutputsAccepted()
    {
        await using var server = new LocalSmtpServer { RequiredUser = "mailer", RequiredPassword = "s3cret" };
        await server.StartAsync();

        var result = await RunAsync(server, Config());

        Assert.True(result.Kind == NodeResultKind.Succeeded, result.Error);
        var received = Assert.Single(server.Messages);
        Assert.Equal("mailer", received.AuthenticatedUser);
        Assert.Equal("alerts@example.com", received.MailFrom);
        Assert.Equal(["ada@example.com", "audit@example.com"], received.Recipients);
        var message = await MimeMessage.LoadAsync(new MemoryStream(Encoding.UTF8.GetBytes(received.Data)));
        Assert.Equal("Order 42", message.Subject);
        Assert.Empty(message.Bcc);
        Assert.Equal("Shipped.", message.TextBody!.TrimEnd());
        Assert.Equal(message.MessageId, (string?)result.Output!["messageId"]);
        Assert.True(JsonNode.DeepEquals(new JsonArray("ada@example.com", "audit@example.com"), result.Output["accepted"]));
    }

    [Fact]
    public async Task ExecuteAsync_ServerInTheConnectionsSettings_DeliversWithTheLoginOfItsSecret()
    {
        await using var server = new LocalSmtpServer { RequiredUser = "mailer", RequiredPassword = "s3cret" };
        await server.StartAsync();

        // As the API and the Connections page store an smtp connection: kind basic, the server in its settings.
        var result = await RunWithSettingsAsync(server, "none");

        Assert.True(result.Kind == NodeResultKind.Succeeded, result.Error);
        Assert.Equal("mailer", Assert.Single(server.Messages).AuthenticatedUser);
    }

    [Fact]
    public async Task ExecuteAsync_SecurityTlsAsTheConnectionsPageNamesIt_IsImplicitTlsNotABadSetting()
    {
        await using var server = new LocalSmtpServer();
        await server.StartAsync();

        // The local server speaks plain text, so the TLS handshake fails: what matters is that "tls" was tried.
        var result = await RunWithSettingsAsync(server, "tls");

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.DoesNotContain("has security", result.Error, StringComparison.Ordinal);
        Assert.Empty(server.Messages);
    }

    private static async Task<NodeResult> RunWithSettingsAsync(LocalSmtpServer server, string security)
    {
        using var connections = new TestNodeConnections().Add("smtp-1", "smtp",
            secret: new Dictionary<string, string> { ["username"] = "mailer", ["password"] = "s3cret" },
            settings: new Dictionary<string, string>
            {
                ["host"] = "127.0.0.1",
                ["port"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["security"] = security,
            });
        var guard = new SsrfGuard(Options.Create(new HttpOptions { AllowPrivateNetworks = true }), new DnsHostResolver());
        var node = new EmailSendNode(IntegrationsTestOptions.For(new Uri("http://127.0.0.1/")), guard);
        return await node.ExecuteAsync(NodeContexts.For(Config(c => c["timeoutMs"] = 5_000), runInput: new JsonObject { ["id"] = 42 }, connections: connections), CancellationToken.None);
    }

    [Fact]
    public async Task ExecuteAsync_OneRecipientRefused_SendsToTheOthersAndReportsIt()
    {
        await using var server = new LocalSmtpServer { RejectedRecipients = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "audit@example.com" } };
        await server.StartAsync();

        var result = await RunAsync(server, Config());

        Assert.True(result.Kind == NodeResultKind.Succeeded, result.Error);
        Assert.Equal(["ada@example.com"], Assert.Single(server.Messages).Recipients);
        Assert.True(JsonNode.DeepEquals(new JsonArray("ada@example.com"), result.Output!["accepted"]));
        Assert.Equal("audit@example.com", (string?)result.Output["rejected"]![0]!["address"]);
    }

    [Fact]
    public async Task ExecuteAsync_WrongPassword_FailsWithoutRetryAndWithoutThePassword()
    {
        await using var server = new LocalSmtpServer { RequiredUser = "mailer", RequiredPassword = "s3cret" };
        await server.StartAsync();

        var result = await RunAsync(server, Config(), password: "wrong-pass");

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.False(result.Retryable);
        Assert.Contains("username or password", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-pass", result.Error, StringComparison.Ordinal);
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task ExecuteAsync_PrivateAddressWithoutAllowPrivateNetworks_IsRefusedBeforeConnecting()
    {
        await using var server = new LocalSmtpServer();
        await server.StartAsync();

        var result = await RunAsync(server, Config(), allowPrivate: false);

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.False(result.Retryable);
        Assert.Contains("Http:AllowPrivateNetworks", result.Error, StringComparison.Ordinal);
        Assert.Empty(server.Commands);
    }

    [Fact]
    public void ValidateConfig_MissingFromAndBadTimeout_NamesBoth()
    {
        var node = new EmailSendNode(IntegrationsTestOptions.For(new Uri("http://127.0.0.1/")),
            new SsrfGuard(Options.Create(new HttpOptions()), new DnsHostResolver()));

        var problems = node.ValidateConfig(Config(c =>
        {
            c["from"] = "";
            c["timeoutMs"] = 0;
        }));

        Assert.Contains(problems, p => p.Path == "$.from");
        Assert.Contains(problems, p => p.Path == "$.timeoutMs");
    }
}
