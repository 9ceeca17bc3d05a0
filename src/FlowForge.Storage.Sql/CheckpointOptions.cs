namespace FlowForge.Storage.Sql;

/// <summary>
/// When the SQLite store copies its write-ahead log back into the database file, bound to <c>Storage:Checkpoint</c>. A
/// checkpoint runs on a connection of its own, beside the writer, so no commit waits for one; PostgreSQL and MySQL
/// ignore these settings.
/// </summary>
public sealed class CheckpointOptions
{
    public const string Section = SqlStorageOptions.Section + ":Checkpoint";

    public const int MinPassivePages = 16;

    public const int MaxPages = 10_000_000;

    /// <summary>
    /// Pages the writer commits to the log before a background checkpoint copies them back (default 1,000, SQLite's own
    /// threshold; a page is 4 KiB). That checkpoint never waits for readers or the writer: it copies what it can; when the
    /// log holds twice this many (the writer kept appending, so it was never started over), a RESTART waits up to a few
    /// milliseconds for the writer and the readers to start it over. 0 leaves checkpoints to SQLite, which runs one inside
    /// the commit that crosses 1,000 pages, on the writer.
    /// </summary>
    public int PassivePages { get; set; } = 1_000;

    /// <summary>
    /// Pages in the log at which a checkpoint waits for the readers, copies the whole log back and truncates the file
    /// (default 16,384, 64 MiB): the bound of the log when readers keep it from being reused. New writes wait while it
    /// runs. Must be above <see cref="PassivePages"/>.
    /// </summary>
    public int TruncatePages { get; set; } = 16_384;

    /// <summary>Whether checkpoints run beside the writer (<see cref="PassivePages"/> above 0).</summary>
    public bool InBackground => PassivePages > 0;

    /// <summary>Throws an exception naming the setting at fault.</summary>
    public void Validate()
    {
        if (PassivePages != 0 && PassivePages is < MinPassivePages or > MaxPages)
        {
            throw new InvalidOperationException(
                $"{Section}:{nameof(PassivePages)} is {PassivePages}; use 0 (SQLite checkpoints in the commit) or a number from {MinPassivePages} to {MaxPages}.");
        }

        if (TruncatePages <= PassivePages || TruncatePages > MaxPages)
        {
            throw new InvalidOperationException(
                $"{Section}:{nameof(TruncatePages)} is {TruncatePages}; use a number above {Section}:{nameof(PassivePages)} ({PassivePages}) and at most {MaxPages}.");
        }
    }
}
