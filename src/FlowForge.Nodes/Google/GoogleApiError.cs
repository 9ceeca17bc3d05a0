using System.Text.Json.Nodes;
using FlowForge.Nodes.Integrations;

namespace FlowForge.Nodes.Google;

/// <summary>Reads Google's error shape, <c>{ "error": { "code", "message", "status" } }</c>.</summary>
internal static class GoogleApiError
{
    public static string? MessageOf(JsonNode? body)
    {
        var error = body?["error"];
        var message = IntegrationApi.Text(error, "message");
        var status = IntegrationApi.Text(error, "status");
        return message is null ? null : status is null ? message : $"{message} ({status})";
    }
}
