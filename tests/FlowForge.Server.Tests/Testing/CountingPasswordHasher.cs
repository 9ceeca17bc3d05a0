using FlowForge.Engine.Storage;
using Microsoft.AspNetCore.Identity;

namespace FlowForge.Server.Tests.Testing;

/// <summary>The real hasher, counting its calls: proves work was done (or skipped) without timing anything.</summary>
public sealed class CountingPasswordHasher : IPasswordHasher<UserRecord>
{
    private readonly PasswordHasher<UserRecord> _inner = new();
    private int _hashes;
    private int _verifications;

    public int Hashes => Volatile.Read(ref _hashes);

    public int Verifications => Volatile.Read(ref _verifications);

    public string HashPassword(UserRecord user, string password)
    {
        Interlocked.Increment(ref _hashes);
        return _inner.HashPassword(user, password);
    }

    public PasswordVerificationResult VerifyHashedPassword(UserRecord user, string hashedPassword, string providedPassword)
    {
        Interlocked.Increment(ref _verifications);
        return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
    }
}
