using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FlowForge.Nodes.Triggers;

namespace FlowForge.Server.Triggers;

/// <summary>
/// Checks an HMAC of the raw request body as services send them: GitHub (<c>X-Hub-Signature-256: sha256=hex</c>), Stripe
/// (<c>Stripe-Signature: t=unix,v1=hex</c> over <c>t.body</c>, within a tolerance), or plain hex or base64. Comparisons
/// take the same time whatever the bytes.
/// </summary>
internal static class WebhookSignature
{
    public static bool Verify(WebhookTriggerNode.SignatureSettings settings, string secret, string? header, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(header) || header.Length > 4_096)
        {
            return false;
        }

        var key = Encoding.UTF8.GetBytes(secret);
        if (settings.Format == "stripe")
        {
            return VerifyStripe(settings, key, header, body, now);
        }

        var value = header.Trim();
        var prefix = settings.Prefix ?? (settings.Format == "github" ? settings.Algorithm + "=" : "");
        if (!value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var expected = Mac(settings.Algorithm, key, body);
        return Decode(settings.Format == "base64" ? "base64" : "hex", value[prefix.Length..]) is { } given
            && CryptographicOperations.FixedTimeEquals(given, expected);
    }

    private static bool VerifyStripe(WebhookTriggerNode.SignatureSettings settings, byte[] key, string header, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        string? timestamp = null;
        var signatures = new List<string>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split('=', 2);
            if (pair.Length != 2)
            {
                continue;
            }

            if (pair[0] == "t")
            {
                timestamp = pair[1];
            }
            else if (pair[0] == "v1" && signatures.Count < 8)
            {
                signatures.Add(pair[1]);
            }
        }

        if (timestamp is null || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(now.ToUnixTimeSeconds() - seconds) > settings.ToleranceSeconds)
        {
            return false;
        }

        var signed = new byte[timestamp.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(timestamp, signed);
        signed[timestamp.Length] = (byte)'.';
        body.CopyTo(signed.AsSpan(timestamp.Length + 1));
        var expected = Mac(settings.Algorithm, key, signed);
        var matched = false;
        foreach (var signature in signatures)
        {
            // Every candidate is compared, so the time taken does not say which one matched.
            matched |= Decode("hex", signature) is { } given && CryptographicOperations.FixedTimeEquals(given, expected);
        }

        return matched;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms",
        Justification = "HMAC-SHA1 is what senders such as GitHub's X-Hub-Signature use; the flow's owner picks it.")]
    private static byte[] Mac(string algorithm, byte[] key, ReadOnlySpan<byte> data) => algorithm switch
    {
        "sha1" => HMACSHA1.HashData(key, data),
        "sha512" => HMACSHA512.HashData(key, data),
        _ => HMACSHA256.HashData(key, data),
    };

    private static byte[]? Decode(string encoding, string text)
    {
        try
        {
            return encoding == "base64" ? Convert.FromBase64String(text) : Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
