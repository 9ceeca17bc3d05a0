using System.Threading.Channels;
using FlowForge.Storage.Sql.Execution;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SQLitePCL;

namespace FlowForge.Storage.Sql.Sqlite;

/// <summary>
/// Copies the write-ahead log back into the database on a connection of its own, so that no commit of the writer runs
/// a checkpoint (SQLite's auto-checkpoint runs inside the commit that crosses its threshold, on the writer's thread,
/// adding the copy and its fsyncs to that batch). The writer reports the pages each commit appended; past
/// <see cref="CheckpointOptions.PassivePages"/> a PASSIVE checkpoint copies what no reader still needs, without waiting;
/// when the log was not started over since (the writer kept appending), a RESTART that waits a few milliseconds at most
/// copies the rest and lets the next write start it over. When the log holds <see cref="CheckpointOptions.TruncatePages"/> or more (readers kept it from being reused), a
/// TRUNCATE checkpoint waits for them, copies it all and empties the file: new writes wait meanwhile, which bounds the log.
/// The checkpoint fsyncs the database before the log is reused (<c>synchronous=FULL</c> on this connection too), so a
/// committed write is on disk in the log or in the database at every moment, as with SQLite's own checkpoints.
/// A failed checkpoint is counted; the first of a streak is logged as a warning with its error, and the first success
/// after a streak says how many failed, so a disk that fails every round writes two lines, not one per round.
/// </summary>
internal sealed partial class SqliteCheckpointer : IAsyncDisposable
{
    // A reader that holds the log longer than this makes a TRUNCATE give up; the next round tries again.
    internal const int TruncateBusyMilliseconds = 5_000;

    // How long a RESTART waits for the writer's transaction and the readers before it leaves the log as it is.
    private const int RestartBusyMilliseconds = 10;

    private readonly SqliteConnectionFactory _connections;
    private readonly CheckpointOptions _options;
    private readonly Channel<bool> _due = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true, SingleWriter = true });

    private readonly Task _loop;
    private readonly int _truncateBusyMilliseconds;
    private readonly ILogger _logger;
    private SqliteConnection? _connection;
    private long _failuresInARow;
    private long _pagesSinceCheckpoint;
    private long _passive;
    private long _truncates;
    private long _restarts;
    private long _restartsBusy;
    private long _failures;
    private int _logPages;

    public SqliteCheckpointer(
        SqliteConnectionFactory connections, CheckpointOptions options, ILogger? logger = null, int truncateBusyMilliseconds = TruncateBusyMilliseconds)
    {
        _connections = connections;
        _logger = logger ?? NullLogger.Instance;
        _truncateBusyMilliseconds = truncateBusyMilliseconds;
        _options = options;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>PASSIVE checkpoints run so far.</summary>
    public long PassiveCheckpoints => Interlocked.Read(ref _passive);

    /// <summary>TRUNCATE checkpoints run so far (the log had reached <see cref="CheckpointOptions.TruncatePages"/>).</summary>
    public long TruncateCheckpoints => Interlocked.Read(ref _truncates);

    /// <summary>RESTART checkpoints run so far (the log had not been started over since the last round).</summary>
    public long RestartCheckpoints => Interlocked.Read(ref _restarts);

    /// <summary>RESTART checkpoints that gave up waiting for the writer or a reader.</summary>
    public long RestartsBusy => Interlocked.Read(ref _restartsBusy);

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
                var connection = _connection ??= _connections.OpenCheckpointer(_truncateBusyMilliseconds);
                var logPages = Checkpoint(connection, raw.SQLITE_CHECKPOINT_PASSIVE);
                Interlocked.Increment(ref _passive);
                StoreTelemetry.Checkpoints.Add(1, new KeyValuePair<string, object?>("mode", "passive"));
                if (logPages >= _options.TruncatePages)
                {
                    logPages = Checkpoint(connection, raw.SQLITE_CHECKPOINT_TRUNCATE);
                    Interlocked.Increment(ref _truncates);
                    StoreTelemetry.Checkpoints.Add(1, new KeyValuePair<string, object?>("mode", "truncate"));
                }
                else if (logPages >= 2L * _options.PassivePages && TryRestart(connection))
                {
                    logPages = 0;
                }

                Volatile.Write(ref _logPages, logPages);
                LastError = null;
                if (_failuresInARow > 0)
                {
                    LogRecovered(_logger, _failuresInARow, logPages);
                    _failuresInARow = 0;
                }
            }
            catch (Exception exception) when (exception is SqliteException or InvalidOperationException)
            {
                // SQLITE_BUSY (another checkpoint, a reader past the timeout) or a failing disk: the writer reports the
                // next pages and the checkpoint is tried again then; the log grows meanwhile, as it would without one.
                // Counted in the metrics too, so that a log kept from being copied back shows before the disk fills.
                Interlocked.Increment(ref _failures);
                StoreTelemetry.Checkpoints.Add(1, new KeyValuePair<string, object?>("mode", "failed"));
                LastError = exception;
                if (_failuresInARow++ == 0)
                {
                    LogFailed(_logger, Volatile.Read(ref _logPages), exception);
                }

                _connection?.Dispose();
                _connection = null;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A checkpoint of the SQLite log failed (the log held {LogPages} pages at the last one); it is tried again after the next writes, and failures until one succeeds are counted in flowforge_store_checkpoints_total, mode failed")]
    private static partial void LogFailed(ILogger logger, int logPages, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Checkpoints of the SQLite log succeed again after {Failures} failed in a row; the log holds {LogPages} pages")]
    private static partial void LogRecovered(ILogger logger, long failures, int logPages);

    /// <summary>
    /// The log was not started over since the last round: with the writer appending while a PASSIVE copies, the log is
    /// never copied to its end at the moment a write begins, which is when SQLite starts it over. A RESTART copies the few
    /// pages the PASSIVE left and makes the next write start the log over; it holds new writes for that copy and one fsync
    /// of the database, or for a few milliseconds when a transaction or a reader is in its way, and then gives up until
    /// the next round.
    /// </summary>
    private bool TryRestart(SqliteConnection connection)
    {
        raw.sqlite3_busy_timeout(connection.Handle, RestartBusyMilliseconds);
        try
        {
            var rc = raw.sqlite3_wal_checkpoint_v2(connection.Handle, null, raw.SQLITE_CHECKPOINT_RESTART, out _, out _);
            if (rc == raw.SQLITE_BUSY)
            {
                Interlocked.Increment(ref _restartsBusy);
                return false;
            }

            SqliteException.ThrowExceptionForRC(rc, connection.Handle);
            Interlocked.Increment(ref _restarts);
            StoreTelemetry.Checkpoints.Add(1, new KeyValuePair<string, object?>("mode", "restart"));
            return true;
        }
        finally
        {
            raw.sqlite3_busy_timeout(connection.Handle, _truncateBusyMilliseconds);
        }
    }

    private static int Checkpoint(SqliteConnection connection, int mode)
    {
        var rc = raw.sqlite3_wal_checkpoint_v2(connection.Handle, null, mode, out var logPages, out _);
        SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        return logPages;
    }
}
