using System.ComponentModel;
using System.Globalization;
using System.Net.Http;
using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;
using FlowForge.Nodes.Email;
using FlowForge.Nodes.Integrations;
using Microsoft.Extensions.Options;

namespace FlowForge.Nodes.Google;

[NodeType("google.gmail.send", "Gmail: Send Email", Icon = "mail", Category = NodeCategory.Action, Provider = "google",
    Description = "Sends an email from the connected Gmail account (users.messages.send) and outputs { id, threadId, labelIds }. Text and HTML may both be given (multipart/alternative); from defaults to the account's address.")]
public sealed class GmailMessageSendNode(IOptions<IntegrationsOptions> options) : IntegrationNode<GmailMessageSendNode.Settings>(options)
{
    public sealed record Settings(
        [property: Description("The Google connection to send as.")] string ConnectionId,
        [property: Description("Recipients; each entry may hold several, comma-separated (Name <name@example.com>).")] IReadOnlyList<string> To,
        [property: Description("The subject line.")] string? Subject = null,
        [property: Description("The plain-text body.")] string? Text = null,
        [property: Description("The HTML body.")] string? Html = null,
        [property: Description("Copy recipients.")] IReadOnlyList<string>? Cc = null,
        [property: Description("Hidden recipients.")] IReadOnlyList<string>? Bcc = null,
        [property: Description("The sender: the account's address or one of its send-as aliases; empty uses the account's address.")] string? From = null) : IConnectionSettings;

    protected override string ConnectionHint => "a Google connection";

    protected override Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken)
    {
        var limits = Limits;
        var url = IntegrationApi.Combine(limits.Google.GmailBaseUrl, "gmail/v1/users/me/messages/send");
        const string What = "Gmail messages.send";
        var message = MailComposer.Build(settings.From, settings.To, settings.Cc, settings.Bcc, settings.Subject, settings.Text, settings.Html, context.Time.GetUtcNow());
        if (MailComposer.Serialize(message, limits.MaxMessageBytes) is not { } raw)
        {
            return Task.FromResult(NodeResult.Fail(string.Create(CultureInfo.InvariantCulture,
                $"The email is larger than {IntegrationsOptions.Section}:{nameof(IntegrationsOptions.MaxMessageBytes)} ({limits.MaxMessageBytes:N0} bytes); shorten text or html.")));
        }

        return ConnectedAsync(settings, What, context, async connection =>
        {
            var body = new JsonObject { ["raw"] = Convert.ToBase64String(raw).TrimEnd('=').Replace('+', '-').Replace('/', '_') };
            using var request = IntegrationApi.JsonRequest(HttpMethod.Post, url, body);
            return await SendAsync(connection, request, What, context, GoogleApiError.MessageOf, response => Sent(What, response), cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    private static NodeResult Sent(string what, ApiResponse response)
    {
        if (IntegrationApi.Text(response.Json, "id") is null)
        {
            return NodeResult.Fail($"{what} answered without a message id: {IntegrationApi.Quote(response.Text)}");
        }

        return NodeResult.Success(new JsonObject
        {
            ["id"] = response.Json!["id"]!.DeepClone(),
            ["threadId"] = response.Json["threadId"]?.DeepClone(),
            ["labelIds"] = response.Json["labelIds"]?.DeepClone() ?? new JsonArray(),
        });
    }

    protected override IEnumerable<ConfigProblem> ValidateCall(Settings settings)
    {
        foreach (var problem in MailComposer.Check(settings.From, fromRequired: false, settings.To, settings.Cc, settings.Bcc,
            settings.Subject, settings.Text, settings.Html, Limits.MaxRecipients))
        {
            yield return problem;
        }
    }
}
