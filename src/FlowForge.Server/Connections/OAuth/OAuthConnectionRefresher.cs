using System.Collections.Concurrent;
using System.Security.Cryptography;
using FlowForge.Engine.Credentials;
using FlowForge.Engine.Storage;
using FlowForge.Server.Connections.Providers;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Connections.OAuth;

/// <summary>
/// Renews OAuth access tokens. One refresh per connection at a time: callers in this process join the refresh in
/// flight, and processes take the connection's lock in <see cref="ILockStore"/> and, once they have it, use what another
/// process stored meanwhile (a newer <see cref="ConnectionRecord.Version"/>) instead of refreshing again.
/// </summary>
internal sealed class OAuthConnectionRefresher(
    IConnectionStore connections,
    ISecretProtector protector,
    ILockStore locks,
    ConnectionProviderCatalog catalog,
    OAuthTokenClient tokens,
    IOptions<OAuthOptions> options,
    IOptions<ConnectionOptions> connectionOptions,
    TimeProvider time,
    ILogger<OAuthConnectionRefresher> logger) : IConnectionRefresher
{
    private static readonly TimeSpan LockPollInterval = TimeSpan.FromMilliseconds(100);
    private const int MaxUpdateAttempts = 5;

    private readonly ConcurrentDictionary<Guid, Lazy<Task<ConnectionRecord>>> _inFlight = new();
    private readonly string _holder = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public async Task<ConnectionRecord> RefreshAsync(ConnectionRecord connection, bool force, CancellationToken cancellationToken)
    {
        ThrowIfBroken(connection);
        if (connection.Kind != ConnectionKind.OAuth2 || (!force && !ExpiresSoon(connection)))
        {
            return connection;
        }

        // The shared refresh must not be cancelled by the caller that happened to start it; each caller stops waiting on its own token.
        var flight = _inFlight.GetOrAdd(connection.Id, _ => new Lazy<Task<ConnectionRecord>>(() => RefreshOnceAsync(connection, force)));
        try
        {
            return await flight.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            if (flight.Value.IsCompleted)
            {
                _inFlight.TryRemove(new KeyValuePair<Guid, Lazy<Task<ConnectionRecord>>>(connection.Id, flight));
            }
        }
    }

    private async Task<ConnectionRecord> RefreshOnceAsync(ConnectionRecord seen, bool force)
    {
        await Task.Yield();
        var settings = options.Value;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(settings.RefreshLockSeconds));
        var cancellationToken = deadline.Token;
        var name = $"connection-refresh:{seen.Id:N}";
        try
        {
            while (!await locks.TryAcquireLockAsync(name, _holder, TimeSpan.FromSeconds(settings.RefreshLockSeconds), cancellationToken))
            {
                // Another process is refreshing: its result, once stored, is ours too.
                var current = await ReadAsync(seen, cancellationToken);
                if (current.Version != seen.Version)
                {
                    ThrowIfBroken(current);
                    return current;
                }

                await Task.Delay(LockPollInterval, time, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            throw new HttpRequestException($"Connection '{seen.Name}' is being refreshed by another process that has not finished within {settings.RefreshLockSeconds} s (Connections:RefreshLockSeconds); try again.");
        }

        try
        {
            var current = await ReadAsync(seen, cancellationToken);
            if (current.Version != seen.Version || (!force && !ExpiresSoon(current)))
            {
                ThrowIfBroken(current);
                return current;
            }

            return await RefreshStoredAsync(current, cancellationToken);
        }
        finally
        {
            await locks.ReleaseLockAsync(name, _holder, CancellationToken.None);
        }
    }

    private async Task<ConnectionRecord> RefreshStoredAsync(ConnectionRecord current, CancellationToken cancellationToken)
    {
        ThrowIfBroken(current);
        var provider = catalog.Find(current.Provider)
            ?? throw new ConnectionUnusableException($"Connection '{current.Name}' ({current.Id}) names provider '{current.Provider}', which this server does not know; reconnect it.");
        var secret = protector.Unprotect(current.ProtectedSecret);
        var app = OAuthApp.For(provider, current.SettingsJson, secret)
            ?? throw new ConnectionUnusableException($"Connection '{current.Name}' ({current.Id}) cannot be refreshed: {provider.DisplayName} has no client id configured (Connections:Providers:{provider.Id}:ClientId).");
        if (!secret.TryGetValue(OAuthSecretFields.RefreshToken, out var refreshToken) || refreshToken.Length == 0)
        {
            return await MarkBrokenAsync(current, "the provider gave no refresh token and the access token expired", cancellationToken);
        }

        OAuthTokens granted;
        try
        {
            granted = await tokens.RefreshAsync(app, refreshToken, cancellationToken);
        }
        catch (OAuthRefusedException refused)
        {
            return await MarkBrokenAsync(current, refused.Reason, cancellationToken);
        }

        var renewed = new Dictionary<string, string>(secret, StringComparer.Ordinal)
        {
            [OAuthSecretFields.AccessToken] = granted.AccessToken,
            [OAuthSecretFields.TokenType] = granted.TokenType,
        };
        // Rotation: a provider that sends a new refresh token has invalidated the old one; one that sends none keeps it valid.
        if (granted.RefreshToken is not null)
        {
            renewed[OAuthSecretFields.RefreshToken] = granted.RefreshToken;
        }

        if (granted.IdToken is not null)
        {
            renewed[OAuthSecretFields.IdToken] = granted.IdToken;
        }

        var now = time.GetUtcNow();
        var sealedSecret = protector.Protect(renewed);
        return await UpdateAsync(current, c => c with
        {
            ProtectedSecret = sealedSecret,
            ExpiresAt = granted.ExpiresInSeconds is { } seconds ? now.AddSeconds(seconds) : null,
            Scopes = granted.Scopes ?? c.Scopes,
            Status = ConnectionStatus.Connected,
            StatusReason = null,
            UpdatedAt = now,
        }, cancellationToken);
    }

    private async Task<ConnectionRecord> MarkBrokenAsync(ConnectionRecord current, string reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        logger.LogWarning("Connection {ConnectionId} of provider {Provider} is broken: its token refresh was refused ({Reason}).", current.Id, current.Provider, reason);
        await UpdateAsync(current, c => c with { Status = ConnectionStatus.Broken, StatusReason = reason, UpdatedAt = now }, cancellationToken);
        throw Unusable(current, reason);
    }

    // A rename racing with the refresh must not lose the new tokens: the change is applied again to what is stored.
    private async Task<ConnectionRecord> UpdateAsync(ConnectionRecord current, Func<ConnectionRecord, ConnectionRecord> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxUpdateAttempts; attempt++)
        {
            var updated = change(current) with { Version = current.Version + 1 };
            if (await connections.UpdateConnectionAsync(updated, current.Version, cancellationToken))
            {
                return updated;
            }

            current = await ReadAsync(current, cancellationToken);
        }

        throw new HttpRequestException($"Connection '{current.Name}' changed {MaxUpdateAttempts} times while its token was refreshed; try again.");
    }

    private async Task<ConnectionRecord> ReadAsync(ConnectionRecord connection, CancellationToken cancellationToken) =>
        await connections.GetConnectionAsync(connection.OwnerId, connection.Id, cancellationToken)
        ?? throw new ConnectionUnusableException($"Connection '{connection.Name}' ({connection.Id}) was deleted; pick another connection.");

    private bool ExpiresSoon(ConnectionRecord connection) =>
        connection.ExpiresAt is { } expires && expires <= time.GetUtcNow().AddSeconds(connectionOptions.Value.RefreshMarginSeconds);

    private static void ThrowIfBroken(ConnectionRecord connection)
    {
        if (connection.Status == ConnectionStatus.Broken)
        {
            throw Unusable(connection, connection.StatusReason ?? "it is broken");
        }
    }

    private static ConnectionUnusableException Unusable(ConnectionRecord connection, string reason) => new(
        $"Connection '{connection.Name}' ({connection.Id}) must be reconnected: {connection.Provider ?? "the provider"} refused to refresh its token ({reason}). Reconnect it in Connections.");
}
