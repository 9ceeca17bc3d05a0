using System.Net;
using System.Text.Json.Nodes;
using FlowForge.Engine.Limits;
using FlowForge.Engine.Nodes;

namespace FlowForge.Tests.Testing;

/// <summary>
/// A node type acting on provider <c>test</c> through the connection its config names, as an integration node does:
/// it records each execution and, given a URL, calls it, turning a 429 into <see cref="ProviderRateLimitedException"/>
/// as a connection's HTTP client does.
/// </summary>
[NodeType("test.pacedCall", "Paced call test node", Category = NodeCategory.Action, Provider = "test")]
public sealed class PacedCallNode(ScriptJournal journal) : Node<PacedCallNode.Settings>
{
    private static readonly HttpClient Http = new();

    public sealed record Settings(string ConnectionId, Uri? Url = null);

    protected override async Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken)
    {
        var started = context.Time.GetUtcNow();
        if (settings.Url is not null)
        {
            using var response = await Http.GetAsync(settings.Url, cancellationToken);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                journal.Record(new ScriptExecution(context.RunId, context.NodeId, context.Attempt, started, context.Time.GetUtcNow(), "throttled"));
                var retryAfter = response.Headers.RetryAfter?.Delta ?? TimeSpan.Zero;
                throw new ProviderRateLimitedException("The test provider answered 429 (too many requests).", retryAfter);
            }

            response.EnsureSuccessStatusCode();
        }

        journal.Record(new ScriptExecution(context.RunId, context.NodeId, context.Attempt, started, context.Time.GetUtcNow(), "succeeded"));
        return NodeResult.Success(new JsonObject { ["attempt"] = context.Attempt });
    }
}
