using FlowForge.Engine.Storage;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Notifications;

/// <summary>
/// Sends the email digests that are due. Every process runs one; a digest is claimed in the database first, so only
/// one process sends it, and its failures are removed only after the mail server accepted it: a restart loses none
/// and, unless it falls between the server's acceptance and that removal, repeats none. A digest that cannot be sent
/// is retried with a doubling wait, at most Notifications:MaxSendAttempts times; none of this touches a run.
/// </summary>
internal sealed partial class DigestSender(
    IDigestStore digests,
    IUserStore users,
    DigestComposer composer,
    DigestMailer mailer,
    IOptions<NotificationOptions> options,
    TimeProvider time,
    ILogger<DigestSender> logger) : BackgroundService
{
    private const int MaxPerPoll = 50;

    // Longer than a send may take (Smtp:TimeoutSeconds per step), so a slow send is not claimed again meanwhile.
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.PollMilliseconds), time);
        var purgedAt = DateTimeOffset.MinValue;
        try
        {
            do
            {
                try
                {
                    await SendDueAsync(stoppingToken);
                    var now = time.GetUtcNow();
                    if (now - purgedAt > TimeSpan.FromHours(1))
                    {
                        // Duplicates of an event arrive within seconds; a day of memory is plenty.
                        await digests.PurgeRecordedFailuresAsync(now - TimeSpan.FromDays(1), stoppingToken);
                        purgedAt = now;
                    }
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogPollFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    internal async Task SendDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var digest in await digests.ClaimDueDigestsAsync(now, now + Lease, MaxPerPoll, cancellationToken))
        {
            await SendAsync(digest, cancellationToken);
        }
    }

    private async Task SendAsync(DigestClaim digest, CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (digest.Items.Count == 0 && digest.Omitted == 0)
        {
            await digests.CompleteDigestAsync(digest.UserId, digest.ClaimId, time.GetUtcNow(), time.GetUtcNow(), cancellationToken);
            return;
        }

        var to = digest.Email ?? (await users.FindByIdAsync(digest.UserId, cancellationToken))?.Email;
        if (to is null)
        {
            LogNoAddress(logger, digest.UserId);
            await digests.FailDigestAsync(digest.UserId, digest.ClaimId, null, cancellationToken);
            return;
        }

        try
        {
            await mailer.SendAsync(composer.Compose(digest, to), cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var attempt = digest.Attempts + 1;
            if (attempt >= o.MaxSendAttempts)
            {
                LogDropped(logger, digest.UserId, attempt, digest.Items.Count, ex.Message);
                await digests.FailDigestAsync(digest.UserId, digest.ClaimId, null, cancellationToken);
            }
            else
            {
                var wait = TimeSpan.FromSeconds(o.RetrySeconds * Math.Pow(2, Math.Min(attempt - 1, 16)));
                LogRetrying(logger, digest.UserId, attempt, wait.TotalSeconds, ex.Message);
                await digests.FailDigestAsync(digest.UserId, digest.ClaimId, time.GetUtcNow() + wait, cancellationToken);
            }

            return;
        }

        // The mail is out: recording that is not given up when the process begins to stop meanwhile, or the next
        // process would find the digest still due and send it again.
        var sentAt = time.GetUtcNow();
        await digests.CompleteDigestAsync(digest.UserId, digest.ClaimId, sentAt, sentAt + TimeSpan.FromMinutes(digest.DigestMinutes ?? o.DefaultDigestMinutes), CancellationToken.None);
        LogSent(logger, digest.UserId, digest.Items.Count + digest.Omitted);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Failure digest sent to user {UserId}: {Failures} failed runs")]
    private static partial void LogSent(ILogger logger, Guid userId, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failure digest of user {UserId} could not be sent (attempt {Attempt}); trying again in {Seconds} s: {Reason}")]
    private static partial void LogRetrying(ILogger logger, Guid userId, int attempt, double seconds, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Failure digest of user {UserId} dropped after {Attempt} attempts ({Failures} failures; see the run history): {Reason}")]
    private static partial void LogDropped(ILogger logger, Guid userId, int attempt, int failures, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failure digest of user {UserId} dropped: the account has no email address")]
    private static partial void LogNoAddress(ILogger logger, Guid userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for due failure digests failed; trying again at the next poll")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
