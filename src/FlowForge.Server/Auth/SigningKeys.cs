using System.Security.Cryptography;
using FlowForge.Engine.Storage;
using Microsoft.IdentityModel.Tokens;

namespace FlowForge.Server.Auth;

/// <summary>
/// The token signing key. Kept in the database (first writer wins), so every API process of a deployment
/// signs and checks tokens with the same key, and tokens survive restarts.
/// </summary>
internal sealed class SigningKeys(IUserStore users)
{
    private const string SettingKey = "auth.signing-key";

    private SymmetricSecurityKey? _key;

    public SymmetricSecurityKey Key => _key ?? throw new InvalidOperationException("Signing keys are read at start-up before requests are served.");

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var candidate = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        var stored = await users.GetOrAddSettingAsync(SettingKey, candidate, cancellationToken);
        _key = new SymmetricSecurityKey(Convert.FromBase64String(stored)) { KeyId = "flowforge-1" };
    }
}
