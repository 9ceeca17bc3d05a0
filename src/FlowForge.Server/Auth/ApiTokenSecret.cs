using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace FlowForge.Server.Auth;

/// <summary>
/// The secret of a named API token: <c>ff_</c> and 32 random bytes in base64url. Only its SHA-256 is stored, and a
/// token is found by that hash: the secret has 256 bits of entropy, so a fast hash is enough.
/// </summary>
internal static class ApiTokenSecret
{
    public const string Prefix = "ff_";

    private const int SecretBytes = 32;

    private static readonly int EncodedLength = Prefix.Length + Base64Url.GetEncodedLength(SecretBytes);

    public static string Create() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>The stored hash of <paramref name="secret"/>, or null when it is not shaped like a token (no database read for it).</summary>
    public static string? HashOf(string secret) =>
        secret.Length == EncodedLength && secret.StartsWith(Prefix, StringComparison.Ordinal) && Base64Url.IsValid(secret.AsSpan(Prefix.Length))
            ? Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(secret)))
            : null;
}
