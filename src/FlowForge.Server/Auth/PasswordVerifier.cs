using System.Security.Cryptography;
using FlowForge.Engine.Storage;
using Microsoft.AspNetCore.Identity;

namespace FlowForge.Server.Auth;

/// <summary>
/// Checks a password against an account, or against a dummy hash when there is no account: an unknown email costs
/// the same hashing as a wrong password, so the answer's timing does not tell which emails have accounts.
/// </summary>
internal sealed class PasswordVerifier
{
    private static readonly UserRecord Nobody = new(Guid.Empty, "nobody@invalid", "", DateTimeOffset.UnixEpoch);

    private readonly IPasswordHasher<UserRecord> _hasher;
    private readonly string _dummyHash;

    public PasswordVerifier(IPasswordHasher<UserRecord> hasher)
    {
        _hasher = hasher;
        _dummyHash = hasher.HashPassword(Nobody, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
    }

    public PasswordVerificationResult Verify(UserRecord? user, string password)
    {
        if (user is null)
        {
            _hasher.VerifyHashedPassword(Nobody, _dummyHash, password);
            return PasswordVerificationResult.Failed;
        }

        return _hasher.VerifyHashedPassword(user, user.PasswordHash, password);
    }

    public string Hash(UserRecord user, string password) => _hasher.HashPassword(user, password);
}
