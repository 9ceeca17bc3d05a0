using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql;
using FlowForge.Storage.Sql.Sqlite;
using FlowForge.Testing;
using System.Diagnostics.Metrics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace FlowForge.Providers.Tests.Sqlite;

public sealed class SqliteCheckpointerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly string _directory = Path.Combine(SqliteStorageProvider.TempDirectory, Guid.NewGuid().ToString("N"));
    private readonly List<SqlStorage> _stores = [];

    private string DatabaseFile => Path.Combine(_directory, "flowforge.db");

    private long LogBytes => new FileInfo(DatabaseFile + "-wal") is { Exists: true } log ? log.Length : 0;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Commits_PastPassivePages_CheckpointBesideTheWriterWhoseCommitsNeverDo()
    {
        var store = await OpenAsync(new CheckpointOptions { PassivePages = 16, TruncatePages = 100_000 });
        var executor = (SqliteExecutor)store.Executor;
        var checkpointer = Assert.IsType<SqliteCheckpointer>(executor.Checkpointer);

        await CreateUsersAsync(store, 200);

        await Eventually.MatchesAsync(() => checkpointer.PassiveCheckpoints, n => n > 0, "a checkpoint beside the writer");
        Assert.Equal(0L, await WriterPragmaAsync(executor, "PRAGMA wal_autocheckpoint"));
        Assert.Equal(0, checkpointer.Failures);
    }

    [Fact]
    public async Task PassivePagesZero_NoCheckpointer_WriterCommitsCheckpointAsSqliteDoes()
    {
        var store = await OpenAsync(new CheckpointOptions { PassivePages = 0 });
        var executor = (SqliteExecutor)store.Executor;

        await CreateUsersAsync(store, 1);

        Assert.Null(executor.Checkpointer);
        Assert.Equal(1000L, await WriterPragmaAsync(executor, "PRAGMA wal_autocheckpoint"));
    }

    [Fact]
    public async Task ReaderHoldsTheLog_LogPastTruncatePages_TruncatedOnceTheReaderLeaves()
    {
        const int truncatePages = 64;
        var store = await OpenAsync(new CheckpointOptions { PassivePages = 16, TruncatePages = truncatePages });
        var checkpointer = ((SqliteExecutor)store.Executor).Checkpointer!;
        await CreateUsersAsync(store, 1);

        // PASSIVE copies while a reader holds the log, which grows past the bound; then the reader leaves.
        await (await HoldReaderWhileTheLogGrowsAsync(store, truncatePages)).DisposeAsync();

        // The next pages the writer reports start a round that finds the log past the bound and truncates it.
        await Eventually.TrueAsync(
            async () =>
            {
                await CreateUsersAsync(store, 20);
                return checkpointer.TruncateCheckpoints > 0;
            },
            "a TRUNCATE checkpoint once the reader left");
        await Eventually.MatchesAsync(() => LogBytes, bytes => bytes <= truncatePages * 4096L, "the log back under the bound");
    }

    [Fact]
    public async Task ReaderHoldsTheLogPastTruncatePages_TruncateGivesUp_CountedLoggedOnceAndTriedAgain()
    {
        const int truncatePages = 64;
        var failed = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "flowforge.store.checkpoints")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "mode", Value: "failed" })
                {
                    Interlocked.Add(ref failed, value);
                }
            }
        });
        listener.Start();

        // SQLite's own checkpoints in the writer's commits (PassivePages 0), and a checkpointer of the test's whose TRUNCATE
        // waits 20 ms for the readers instead of 5 s.
        var store = await OpenAsync(new CheckpointOptions { PassivePages = 0 });
        var log = new RecordingLogger<SqliteCheckpointer>();
        await using var checkpointer = new SqliteCheckpointer(
            new SqliteConnectionFactory($"Data Source={DatabaseFile}"),
            new CheckpointOptions { PassivePages = 16, TruncatePages = truncatePages },
            log,
            truncateBusyMilliseconds: 20);
        await CreateUsersAsync(store, 1);

        await using (await HoldReaderWhileTheLogGrowsAsync(store, truncatePages))
        {

            // The reader still holds its snapshot: the TRUNCATE gives up after its wait, and each later round tries again.
            await Eventually.MatchesAsync(
                () =>
                {
                    checkpointer.Committed(truncatePages);
                    return checkpointer.Failures;
                },
                n => n >= 2,
                "two TRUNCATE rounds that gave up while the reader held the log");
            Assert.Equal(0, checkpointer.TruncateCheckpoints);
            Assert.IsType<SqliteException>(checkpointer.LastError);

            // The streak is logged once (the reader still holds the log, so no round has succeeded yet), as a warning
            // carrying the error, however many rounds failed.
            var warning = Assert.Single(log.Entries);
            Assert.Equal(LogLevel.Warning, warning.Level);
            Assert.IsType<SqliteException>(warning.Exception);
            Assert.Contains("checkpoint of the SQLite log failed", warning.Message, StringComparison.Ordinal);
        }

        Assert.True(Interlocked.Read(ref failed) >= 2, $"failed checkpoints counted in the metric: {failed}");

        // Once the reader has left, the next round empties the log and clears the error.
        await Eventually.MatchesAsync(
            () =>
            {
                checkpointer.Committed(truncatePages);
                return checkpointer.TruncateCheckpoints;
            },
            n => n > 0,
            "a TRUNCATE once the reader left");
        await Eventually.MatchesAsync(() => checkpointer.LastError, error => error is null, "the error cleared");

        // The first success after the streak says how many failed.
        await Eventually.MatchesAsync(() => log.Entries.Count, n => n == 2, "the recovery logged");
        var recovered = log.Entries.Last();
        Assert.Equal(LogLevel.Information, recovered.Level);
        Assert.Contains($"after {checkpointer.Failures} failed in a row", recovered.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisposeAsync_AfterCheckpoints_StopsAndLeavesNoLogBehind()
    {
        var store = await OpenAsync(new CheckpointOptions { PassivePages = 16, TruncatePages = 100_000 });
        var checkpointer = ((SqliteExecutor)store.Executor).Checkpointer!;
        await CreateUsersAsync(store, 200);
        Assert.True(await store.TryCreateAsync(new UserRecord(Guid.NewGuid(), "last@example.com", "h", T0), CancellationToken.None));
        await Eventually.MatchesAsync(() => checkpointer.PassiveCheckpoints, n => n > 0, "a checkpoint beside the writer");

        _stores.Remove(store);
        await Eventually.WithinAsync(store.DisposeAsync().AsTask(), "the store and its checkpointer stopping");

        // The last connection to close copies the log back and deletes it: none of the store's was left open.
        Assert.False(File.Exists(DatabaseFile + "-wal"), "the log is still there: a connection of the store was left open");
        var reopened = await OpenAsync(new CheckpointOptions());
        Assert.NotNull(await reopened.FindByEmailAsync("last@example.com", CancellationToken.None));
    }

    [Theory]
    [InlineData(8, 100, "PassivePages")]
    [InlineData(-1, 100, "PassivePages")]
    [InlineData(1000, 1000, "TruncatePages")]
    [InlineData(0, 0, "TruncatePages")]
    [InlineData(1000, 20_000_000, "TruncatePages")]
    public void Validate_OutOfRange_NamesTheSetting(int passive, int truncate, string setting)
    {
        var options = new SqlStorageOptions { DataDirectory = _directory, Checkpoint = new CheckpointOptions { PassivePages = passive, TruncatePages = truncate } };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains($"Storage:Checkpoint:{setting} is", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Defaults_Pass() => new SqlStorageOptions { DataDirectory = _directory }.Validate();

    private async Task<SqlStorage> OpenAsync(CheckpointOptions checkpoint)
    {
        var store = SqlStorage.Create(new SqlStorageOptions { DataDirectory = _directory, Checkpoint = checkpoint }, TimeProvider.System);
        _stores.Add(store);
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }

    /// <summary>
    /// A reader in the middle of a read (its transaction open) keeps every frame after its snapshot in the log: writes
    /// until the log is past <paramref name="pages"/>; disposing the returned reader ends the read.
    /// </summary>
    private async Task<SqliteConnection> HoldReaderWhileTheLogGrowsAsync(SqlStorage store, int pages)
    {
        var reader = new SqliteConnection($"Data Source={DatabaseFile}");
        await reader.OpenAsync();
        var read = reader.BeginTransaction(deferred: true);
        await using (var query = reader.CreateCommand())
        {
            query.Transaction = read;
            query.CommandText = "SELECT COUNT(*) FROM Users";
            await query.ExecuteScalarAsync();
        }

        var bound = (long)pages * 4096;
        for (var round = 0; round < 200 && LogBytes <= bound; round++)
        {
            await CreateUsersAsync(store, 20);
        }

        Assert.True(LogBytes > bound, $"the log grew past {pages} pages while a reader held it ({LogBytes} bytes)");
        return reader;
    }

    private static async Task CreateUsersAsync(SqlStorage store, int count) =>
        Assert.All(
            await Task.WhenAll(Enumerable.Range(0, count).Select(_ =>
                store.TryCreateAsync(new UserRecord(Guid.NewGuid(), $"{Guid.NewGuid():N}@example.com", new string('h', 2000), T0), CancellationToken.None))),
            Assert.True);

    private static Task<long> WriterPragmaAsync(SqliteExecutor executor, string pragma) =>
        executor.Writer.WriteAsync(static async (session, text, ct) =>
        {
            await using var command = session.Connection.CreateCommand();
            command.CommandText = text;
            return (long)(await command.ExecuteScalarAsync(ct))!;
        }, pragma, CancellationToken.None);
}
