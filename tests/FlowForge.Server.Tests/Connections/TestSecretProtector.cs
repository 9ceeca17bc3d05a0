using System.Security.Cryptography;
using System.Text.Json;
using FlowForge.Engine.Credentials;

namespace FlowForge.Server.Tests.Connections;

/// <summary>A test double of <see cref="ISecretProtector"/>: AES-GCM under a random key per instance (real encryption, no key ring).</summary>
public sealed class TestSecretProtector : ISecretProtector
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public byte[] Protect(IReadOnlyDictionary<string, string> secret)
    {
        var plain = JsonSerializer.SerializeToUtf8Bytes(secret);
        var result = new byte[12 + 16 + plain.Length];
        var nonce = result.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, 16);
        aes.Encrypt(nonce, plain, result.AsSpan(28), result.AsSpan(12, 16));
        return result;
    }

    public IReadOnlyDictionary<string, string> Unprotect(byte[] protectedSecret)
    {
        if (protectedSecret.Length < 28)
        {
            throw new CryptographicException("Too short.");
        }

        var plain = new byte[protectedSecret.Length - 28];
        using var aes = new AesGcm(_key, 16);
        aes.Decrypt(protectedSecret.AsSpan(0, 12), protectedSecret.AsSpan(28), protectedSecret.AsSpan(12, 16), plain);
        return JsonSerializer.Deserialize<Dictionary<string, string>>(plain)!;
    }
}
