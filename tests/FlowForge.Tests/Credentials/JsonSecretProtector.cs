using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FlowForge.Engine.Credentials;

namespace FlowForge.Tests.Credentials;

/// <summary>Seals nothing (the fields as JSON behind a marker byte): enough for the engine, which only opens what it is given.</summary>
public sealed class JsonSecretProtector : ISecretProtector
{
    public byte[] Protect(IReadOnlyDictionary<string, string> secret) => [0x7f, .. JsonSerializer.SerializeToUtf8Bytes(secret)];

    public IReadOnlyDictionary<string, string> Unprotect(byte[] protectedSecret) =>
        protectedSecret is [0x7f, .. var json]
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(Encoding.UTF8.GetString(json))!
            : throw new CryptographicException("Not sealed by this protector.");
}
