namespace FlowForge.Engine.Storage;

/// <summary>
/// Email digests waiting to be sent, claimed in the database so that one process sends each, and kept until it is sent:
/// a restart neither loses nor repeats a digest.
/// </summary>
public interface IDigestStore
{
    /// <summary>Claims up to <paramref name="max"/> digests due at <paramref name="now"/>; another process may claim one again after <paramref name="leaseUntil"/>.</summary>
    Task<IReadOnlyList<DigestClaim>> ClaimDueDigestsAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken);

    /// <summary>Removes the sent failures; failures recorded meanwhile wait for the next digest, due <paramref name="nextDueAt"/>.</summary>
    Task CompleteDigestAsync(Guid userId, Guid claimId, DateTimeOffset sentAt, DateTimeOffset nextDueAt, CancellationToken cancellationToken);

    /// <summary>Gives the digest back to be tried again at <paramref name="retryAt"/>, or drops its failures when <paramref name="retryAt"/> is null.</summary>
    Task FailDigestAsync(Guid userId, Guid claimId, DateTimeOffset? retryAt, CancellationToken cancellationToken);

    /// <summary>Forgets which failures were recorded before <paramref name="before"/> (kept only to tell duplicates apart); returns how many.</summary>
    Task<int> PurgeRecordedFailuresAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
