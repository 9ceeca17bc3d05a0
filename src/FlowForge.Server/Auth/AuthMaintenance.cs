using FlowForge.Engine.Storage;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Auth;

/// <summary>Every <see cref="AuthOptions.MaintenanceInterval"/>: forgets expired revocations, deletes expired API tokens and replaces a signing key that has grown too old.</summary>
internal sealed partial class AuthMaintenance(
    IAuthStore store, IApiTokenStore apiTokens, TokenRevocations revocations, SigningKeys keys, IOptions<AuthOptions> options, TimeProvider time, ILogger<AuthMaintenance> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.MaintenanceInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var now = time.GetUtcNow();
                await store.PurgeExpiredRevocationsAsync(now, stoppingToken);
                await apiTokens.PurgeExpiredApiTokensAsync(now, stoppingToken);
                revocations.ForgetExpired(now);
                await keys.RotateIfDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auth maintenance (revocation and API token purge, signing key rotation) failed; it runs again at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
