using System.Security.Cryptography;
using System.Text.Json;
using FlowForge.Engine.Credentials;
using Microsoft.AspNetCore.DataProtection;

namespace FlowForge.Server.Connections;

/// <summary>Seals connection secrets with ASP.NET Core data protection: the fields as one JSON object of strings, then protected.</summary>
internal sealed class DataProtectionSecretProtector(IDataProtectionProvider provider) : ISecretProtector
{
    public const string Purpose = "FlowForge.Connections.Secret.v1";

    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);

    public byte[] Protect(IReadOnlyDictionary<string, string> secret)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(secret, SecretJson.Default.IReadOnlyDictionaryStringString);
        try
        {
            return _protector.Protect(json);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(json);
        }
    }

    public IReadOnlyDictionary<string, string> Unprotect(byte[] protectedSecret)
    {
        var json = _protector.Unprotect(protectedSecret);
        try
        {
            return JsonSerializer.Deserialize(json, SecretJson.Default.DictionaryStringString)
                ?? throw new CryptographicException("The opened secret is not a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new CryptographicException("The opened secret is not a JSON object of strings.", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(json);
        }
    }
}
