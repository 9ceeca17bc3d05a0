using System.Threading.Channels;
using FlowForge.Storage.Sql.Execution;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace FlowForge.Storage.Sql.Sqlite;

/// <summary>
/// Copies the write-ahead log back into the database on a connection of its own, so that no commit of the writer runs
/// a checkpoint (SQLite's auto-checkpoint runs inside the commit that crosses its threshold, on the writer's thread,
/// adding the copy and its fsyncs to that batch). The writer reports the pages each commit appended; past
/// <see cref="CheckpointOptions.PassivePages"/> a PASSIVE checkpoint copies what no reader still needs, without waiting.
/// When the log holds <see cref="CheckpointOptions.TruncatePages"/> or more (readers kept it from being reused), a
/// TRUNCATE checkpoint waits for them, copies it all and empties the file: new writes wait meanwhile, which bounds the log.
/// The checkpoint fsyncs the database before the log is reused (<c>synchronous=FULL</c> on this connection too), so a
/// committed write is on disk in the log or in the database at every moment, as with SQLite's own checkpoints.
/// </summary>
internal sealed class SqliteCheckpointer : IAsyncDisposable
{
    // A reader that holds the log longer than this makes a TRUNCATE give up; the next round tries again.
    private const int BusyTimeoutMilliseconds = 5_000;

    private readonly SqliteConnectionFactory _connections;
    private readonly CheckpointOptions _options;
    private readonly Channel<bool> _due = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true, SingleWriter = true });

    private readonly Task _loop;
    private SqliteConnection? _connection;
    private long _pagesSinceCheckpoint;
    private long _passive;
    private long _truncates;
    private long _failures;
    private int _logPages;

    public SqliteCheckpointer(SqliteConnectionFactory connections, CheckpointOptions options)
    {
        _connections = connections;
        _options = options;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>PASSIVE checkpoints run so far.</summary>
    public long PassiveCheckpoints => Interlocked.Read(ref _passive);

    /// <summary>TRUNCATE checkpoints run so far (the log had reached <see cref="CheckpointOptions.TruncatePages"/>).</summary>
    public long TruncateCheckpoints => Interlocked.Read(ref _truncates);

    /// <summary>Checkpoints that failed (busy past the timeout, or an I/O error); the next round tries again.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Pages in the log as the last checkpoint found it.</summary>
    public int LogPages => Volatile.Read(ref _logPages);

    /// <summary>The last checkpoint's error, if it failed.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>Called by the writer after a commit with the pages it appended to the log; never blocks.</summary>
    public void Committed(long pages)
    {
        if (Interlocked.Add(ref _pagesSinceCheckpoint, pages) >= _options.PassivePages)
        {
            _due.Writer.TryWrite(true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _due.Writer.TryComplete();
        await _loop;
        _connection?.Dispose();
        _connection = null;
    }

    private async Task RunAsync()
    {
        var reader = _due.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out _))
            {
            }

            // Pages the writer commits from here on count towards the next round.
            Interlocked.Exchange(ref _pagesSinceCheckpoint, 0);
            try
            {
                var connection = _connection ??= _connections.OpenCheckpointer(BusyTimeoutMilliseconds);
                var logPages = Checkpoint(connection, raw.SQLITE_CHECKPOINT_PASSIVE);
                Interlocked.Increment(ref _passive);
                StoreTelemetry.Checkpoints.Add(1, new KeyValuePair<string, object?>("mode", "passive"));
                if (logPages >= _options.TruncatePages)
                {
                    logPages = Checkpoint(connection, raw.SQLITE_CHECKPOINT_TRUNCATE);
                    Interlocked.Increment(ref _truncates);
                    StoreTelemetry.Checkpoints.Add(1, new KeyValuePair<string, object?>("mode", "truncate"));
                }

                Volatile.Write(ref _logPages, logPages);
                LastError = null;
            }
            catch (Exception exception) when (exception is SqliteException or InvalidOperationException)
            {
                // SQLITE_BUSY (another checkpoint, a reader past the timeout) or a failing disk: the writer reports the
                // next pages and the checkpoint is tried again then; the log grows meanwhile, as it would without one.
                Interlocked.Increment(ref _failures);
                LastError = exception;
                _connection?.Dispose();
                _connection = null;
            }
        }
    }

    private static int Checkpoint(SqliteConnection connection, int mode)
    {
        var rc = raw.sqlite3_wal_checkpoint_v2(connection.Handle, null, mode, out var logPages, out _);
        SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        return logPages;
    }
}
