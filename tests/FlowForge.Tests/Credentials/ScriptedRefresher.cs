using System.Collections.Concurrent;
using FlowForge.Engine.Credentials;

namespace FlowForge.Tests.Credentials;

/// <summary>Refreshes by sealing <see cref="NextAccessToken"/> with a new version and expiry; records each call's <c>force</c>.</summary>
public sealed class ScriptedRefresher(ISecretProtector protector, DateTimeOffset newExpiry) : IConnectionRefresher
{
    public string NextAccessToken { get; set; } = "fresh-token";

    public ConcurrentQueue<bool> Calls { get; } = new();

    public Task<ConnectionRecord> RefreshAsync(ConnectionRecord connection, bool force, CancellationToken cancellationToken)
    {
        Calls.Enqueue(force);
        var secret = new Dictionary<string, string> { [SecretFields.AccessToken] = NextAccessToken };
        return Task.FromResult(connection with { ProtectedSecret = protector.Protect(secret), ExpiresAt = newExpiry, Version = connection.Version + 1 });
    }
}
