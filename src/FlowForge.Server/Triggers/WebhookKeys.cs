using System.Security.Cryptography;
using System.Text;
using FlowForge.Engine.Storage;

namespace FlowForge.Server.Triggers;

/// <summary>
/// Webhook keys: 32 base62 characters from the OS random generator (about 190 bits), looked up by their SHA-256 so
/// the database compares hashes of what callers send, never the secret text itself.
/// </summary>
internal static class WebhookKeys
{
    public const int Length = 32;

    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static NewWebhookKey Create(string nodeId)
    {
        var key = RandomNumberGenerator.GetString(Alphabet, Length);
        return new NewWebhookKey(nodeId, key, Hash(key));
    }

    /// <summary>True when the text could be a key; anything else is answered 404 without a database lookup.</summary>
    public static bool IsWellFormed(string key) => key.Length == Length && key.All(char.IsAsciiLetterOrDigit);

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(key)));
}
