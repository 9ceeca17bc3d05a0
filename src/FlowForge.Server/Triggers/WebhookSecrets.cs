using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Json;
using FlowForge.Nodes.Triggers;
using Microsoft.AspNetCore.DataProtection;

namespace FlowForge.Server.Triggers;

/// <summary>
/// Signature secrets of webhook nodes are write-only. A saved flow keeps each one sealed with the data protection
/// key ring (never as plain text in the database); the API shows <c>"********"</c> in its place; saving
/// <c>"********"</c> keeps the secret the node had in the previous version; only verification opens it.
/// </summary>
internal sealed class WebhookSecrets(IDataProtectionProvider protection)
{
    /// <summary>Longest plain secret accepted at save.</summary>
    public const int MaxSecretLength = 1_024;

    private const string SealedPrefix = "sealed:v1:";

    private readonly IDataProtector _protector = protection.CreateProtector("FlowForge.Webhooks.SignatureSecret.v1");

    /// <summary>
    /// The flow's JSON with every plain secret sealed (unchanged when it has none), or a problem naming the node when a
    /// <c>"********"</c> has no saved secret to stand for.
    /// </summary>
    public (string Json, GraphProblem? Problem) Seal(string json, FlowDocument document, string? previousJson)
    {
        if (!TriggerNodes.Webhooks(document).Any(n => n.Config?["signature"]?["secret"] is not null))
        {
            return (json, null);
        }

        var root = JsonPolicy.ParseStored(json);
        var previous = previousJson is not null && MayHoldSecret(previousJson) ? Secrets(JsonPolicy.ParseStored(previousJson)).ToDictionary(s => s.NodeId, s => s.Secret, StringComparer.Ordinal) : [];
        var changed = false;
        foreach (var (nodeId, signature, secret, field) in Secrets(root).ToList())
        {
            if (secret == WebhookTriggerNode.MaskedSecret)
            {
                if (!previous.TryGetValue(nodeId, out var kept) || !kept.StartsWith(SealedPrefix, StringComparison.Ordinal))
                {
                    return (json, new GraphProblem(GraphProblemCodes.InvalidConfig,
                        $"Node '{nodeId}': signature.secret is \"{WebhookTriggerNode.MaskedSecret}\", which keeps a saved secret, but this node has none saved; send the secret itself.",
                        nodeId, Field: field));
                }

                signature["secret"] = kept;
            }
            else if (secret.StartsWith(SealedPrefix, StringComparison.Ordinal))
            {
                // Sealed text is only ever written by the server; one sent back could be another node's, so it is refused.
                return (json, new GraphProblem(GraphProblemCodes.InvalidConfig,
                    $"Node '{nodeId}': signature.secret must be the secret itself or \"{WebhookTriggerNode.MaskedSecret}\" to keep the saved one.",
                    nodeId, Field: field));
            }
            else if (secret.Length > MaxSecretLength)
            {
                return (json, new GraphProblem(GraphProblemCodes.InvalidConfig,
                    $"Node '{nodeId}': signature.secret has {secret.Length} characters; at most {MaxSecretLength} are allowed.",
                    nodeId, Field: field));
            }
            else
            {
                signature["secret"] = SealedPrefix + _protector.Protect(secret);
            }

            changed = true;
        }

        return (changed ? root!.ToJsonString() : json, null);
    }

    /// <summary>The stored flow with every secret replaced by <c>"********"</c>.</summary>
    public static JsonElement Mask(string storedJson)
    {
        if (!MayHoldSecret(storedJson))
        {
            return JsonPolicy.ParseStoredElement(storedJson);
        }

        var root = JsonPolicy.ParseStored(storedJson);
        foreach (var (_, signature, _, _) in Secrets(root).ToList())
        {
            signature["secret"] = WebhookTriggerNode.MaskedSecret;
        }

        return JsonSerializer.SerializeToElement(root);
    }

    /// <summary>The plain secret of a stored config value; null when it cannot be opened (the key ring lost its key).</summary>
    public string? Open(string stored)
    {
        if (!stored.StartsWith(SealedPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return _protector.Unprotect(stored[SealedPrefix.Length..]);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static bool MayHoldSecret(string json) =>
        json.Contains(TriggerNodes.WebhookType, StringComparison.Ordinal) && json.Contains("\"secret\"", StringComparison.Ordinal);

    private static IEnumerable<(string NodeId, JsonObject Signature, string Secret, string Field)> Secrets(JsonNode? root)
    {
        if (root?["nodes"] is not JsonArray nodes)
        {
            yield break;
        }

        for (var i = 0; i < nodes.Count; i++)
        {
            if (nodes[i] is not JsonObject node)
            {
                continue;
            }

            if (node["type"] is JsonValue type && type.GetValueKind() == JsonValueKind.String && type.GetValue<string>() == TriggerNodes.WebhookType
                && node["id"] is JsonValue id && id.GetValueKind() == JsonValueKind.String
                && node["data"]?["config"]?["signature"] is JsonObject signature
                && signature["secret"] is JsonValue secret && secret.GetValueKind() == JsonValueKind.String)
            {
                yield return (id.GetValue<string>(), signature, secret.GetValue<string>(), string.Create(System.Globalization.CultureInfo.InvariantCulture, $"nodes[{i}].data.config.signature.secret"));
            }
        }
    }
}
