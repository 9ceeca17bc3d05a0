using System.Text.Json.Nodes;

namespace FlowForge.Nodes.Integrations;

/// <summary>What an integration API answered: the status, the body as JSON when it is JSON, its start as text for errors.</summary>
public sealed record ApiResponse(int Status, string? ReasonPhrase, JsonNode? Json, string Text, TimeSpan? RetryAfter)
{
    public bool IsSuccess => Status is >= 200 and <= 299;
}
