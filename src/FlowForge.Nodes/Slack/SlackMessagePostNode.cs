using System.ComponentModel;
using System.Net.Http;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;
using FlowForge.Nodes.Integrations;
using Microsoft.Extensions.Options;

namespace FlowForge.Nodes.Slack;

[NodeType("slack.postMessage", "Slack: Post Message", Icon = "message-square", Category = NodeCategory.Action, Provider = "slack",
    Description = "Posts a message to a Slack channel (chat.postMessage) as the connected Slack app and outputs { ok, channel, ts, message }. Slack's own error (channel_not_found, not_in_channel…) fails the node; ratelimited and internal errors are retried.")]
public sealed class SlackMessagePostNode(IOptions<IntegrationsOptions> options) : IntegrationNode<SlackMessagePostNode.Settings>(options)
{
    public sealed record Settings(
        [property: Description("The Slack connection to post as.")] string ConnectionId,
        [property: Description("Channel id (C0123456789) or name (#general), or a user id for a direct message.")] string Channel,
        [property: Description("The message text (mrkdwn); with blocks, the notification fallback.")] string? Text = null,
        [property: Description("Block Kit blocks, as Slack's JSON array (at most 50).")] JsonArray? Blocks = null,
        [property: Description("Reply in the thread of this message's ts.")] string? ThreadTs = null) : IConnectionSettings;

    /// <summary>Slack truncates longer text; it is refused here instead.</summary>
    public const int MaxTextChars = 40_000;

    public const int MaxBlocks = 50;

    // Errors Slack documents as passing: a later attempt may succeed.
    private static readonly string[] RetryableErrors = ["ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout", "team_added_to_org"];

    protected override string ConnectionHint => "a Slack connection";

    protected override Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken)
    {
        var url = IntegrationApi.Combine(Limits.Slack.BaseUrl, "api/chat.postMessage");
        const string What = "Slack chat.postMessage";
        return ConnectedAsync(settings, What, context, async connection =>
        {
            var body = new JsonObject { ["channel"] = settings.Channel };
            if (settings.Text is not null)
            {
                body["text"] = settings.Text;
            }

            if (settings.Blocks is not null)
            {
                body["blocks"] = settings.Blocks.DeepClone();
            }

            if (!string.IsNullOrEmpty(settings.ThreadTs))
            {
                body["thread_ts"] = settings.ThreadTs;
            }

            using var request = IntegrationApi.JsonRequest(HttpMethod.Post, url, body);
            return await SendAsync(connection, request, What, context, json => IntegrationApi.Text(json, "error"), response => Posted(settings, What, response), cancellationToken)
                .ConfigureAwait(false);
        }, cancellationToken);
    }

    private static NodeResult Posted(Settings settings, string what, ApiResponse response)
    {
        if (response.Json is not JsonObject answer || answer["ok"] is not JsonValue ok || ok.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            return NodeResult.Fail($"{what} answered something that is not Slack's {{ ok, … }} JSON: {IntegrationApi.Quote(response.Text)}", retryable: true);
        }

        if (!ok.GetValue<bool>())
        {
            var error = IntegrationApi.Text(answer, "error") ?? "unknown_error";
            return NodeResult.Fail($"{what} failed in channel '{settings.Channel}': Slack said {error}.", retryable: RetryableErrors.Contains(error, StringComparer.Ordinal));
        }

        return NodeResult.Success(new JsonObject
        {
            ["ok"] = true,
            ["channel"] = answer["channel"]?.DeepClone(),
            ["ts"] = answer["ts"]?.DeepClone(),
            ["message"] = answer["message"]?.DeepClone(),
        });
    }

    protected override IEnumerable<ConfigProblem> ValidateCall(Settings settings)
    {
        if (string.IsNullOrWhiteSpace(settings.Channel))
        {
            yield return new ConfigProblem("$.channel", "channel is empty; name a channel id (C0123456789) or #name");
        }

        if (string.IsNullOrEmpty(settings.Text) && (settings.Blocks is null || settings.Blocks.Count == 0))
        {
            yield return new ConfigProblem("$.text", "a message needs text or blocks; add text");
        }

        if (settings.Text is { Length: > MaxTextChars })
        {
            yield return new ConfigProblem("$.text", $"text is {settings.Text.Length} characters; Slack takes at most {MaxTextChars}");
        }

        if (settings.Blocks is { Count: > MaxBlocks })
        {
            yield return new ConfigProblem("$.blocks", $"blocks has {settings.Blocks.Count} blocks; Slack takes at most {MaxBlocks}");
        }

        if (settings.Blocks?.Any(b => b is not JsonObject) == true)
        {
            yield return new ConfigProblem("$.blocks", "every block must be a JSON object such as { \"type\": \"section\", … }");
        }
    }
}
