namespace FlowForge.Storage.Sql;

/// <summary>
/// How PostgreSQL and MySQL stores commit writes, bound to <c>Storage:GroupCommit</c>. SQLite always group-commits
/// through its single writer and ignores these settings.
/// </summary>
public sealed class GroupCommitOptions
{
    public const string Section = SqlStorageOptions.Section + ":GroupCommit";

    public const int MaxBatchSizeLimit = 1_000;

    public const int MaxWritersLimit = 64;

    public const int MaxConflictRetriesLimit = 20;

    public static readonly TimeSpan MaxWaitLimit = TimeSpan.FromSeconds(1);

    /// <summary>
    /// True (default): the writes of a process queue up and are committed together, each in a savepoint. False: every
    /// write is its own transaction on a pooled connection.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The most writes one transaction holds (1 to 1,000).</summary>
    public int MaxBatchSize { get; set; } = 50;

    /// <summary>
    /// How long a writer waits for more writes before it starts a batch that is not full (0 to 1 s). The default 0
    /// never waits: writes that arrive while a batch commits form the next one.
    /// </summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Batches one process commits at once per database, each on a connection of its own (1 to 64). One writer runs its
    /// batch's statements one round trip after another, so a single one bounds a worker at a few hundred writes a second;
    /// several can deadlock on the same run rows (retried; PostgreSQL finds a deadlock after <c>deadlock_timeout</c>).
    /// </summary>
    public int Writers { get; set; } = 4;

    /// <summary>
    /// True (default): the worker processes of one database share <see cref="Writers"/>: each commits at most
    /// max(1, ceil(Writers / live workers)) batches at once, the live workers counted from their heartbeats at every beat,
    /// so that two workers' batches are as full as one worker's. A worker alone, and every process that runs no nodes
    /// (the api), keeps all of its writers. False: every process commits <see cref="Writers"/> batches at once.
    /// </summary>
    public bool ShareWriters { get; set; } = true;

    /// <summary>How often a write the database rolled back for a deadlock or serialization failure runs again before its caller sees the error (0 to 20).</summary>
    public int MaxConflictRetries { get; set; } = 5;

    /// <summary>Throws an exception naming the setting at fault.</summary>
    public void Validate()
    {
        if (MaxBatchSize is < 1 or > MaxBatchSizeLimit)
        {
            throw new InvalidOperationException($"{Section}:{nameof(MaxBatchSize)} is {MaxBatchSize}; use a number from 1 to {MaxBatchSizeLimit}.");
        }

        if (MaxWait < TimeSpan.Zero || MaxWait > MaxWaitLimit)
        {
            throw new InvalidOperationException($"{Section}:{nameof(MaxWait)} is {MaxWait}; use a duration from 00:00:00 to {MaxWaitLimit}.");
        }

        if (Writers is < 1 or > MaxWritersLimit)
        {
            throw new InvalidOperationException($"{Section}:{nameof(Writers)} is {Writers}; use a number from 1 to {MaxWritersLimit}.");
        }

        if (MaxConflictRetries is < 0 or > MaxConflictRetriesLimit)
        {
            throw new InvalidOperationException($"{Section}:{nameof(MaxConflictRetries)} is {MaxConflictRetries}; use a number from 0 to {MaxConflictRetriesLimit}.");
        }
    }
}
