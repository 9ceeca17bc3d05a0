using System.Diagnostics;
using System.Threading.Channels;
using FlowForge.Storage.Sql.Dialects;
using FlowForge.Storage.Sql.Execution;
using Microsoft.Data.Sqlite;

namespace FlowForge.Storage.Sql.Sqlite;

/// <summary>
/// The one writer of a SQLite database. Callers queue operations; the loop takes all that are queued
/// (up to <see cref="MaxBatchSize"/>), runs them in one <c>BEGIN IMMEDIATE … COMMIT</c>, and completes the
/// callers' tasks only after the commit returned. One fsync then makes a whole batch durable, which is what
/// lets <c>synchronous=FULL</c> keep up with thousands of small transactions a second. A batch runs without
/// savepoints; when an operation throws, the transaction is rolled back and the batch runs again with a savepoint
/// around each operation, so that the one that failed is rolled back to its savepoint and only its caller sees
/// the exception.
/// </summary>
internal sealed class SqliteGroupCommitWriter : IAsyncDisposable
{
    public const int MaxBatchSize = 1000;

    private readonly SqliteConnectionFactory _connections;
    private readonly SqlDialect _dialect;
    private readonly bool _writesOutbox;
    private readonly SqliteCheckpointer? _checkpointer;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    private readonly Task _loop;
    private WriterConnection? _writer;
    private long _committedBatches;
    private long _statements;
    private long _isolatedBatches;
    private long _savepointStatements;
    private Exception? _fault;

    /// <param name="checkpointer">
    /// Takes the log's checkpoints off the commits: the writer's connection then never runs one and reports the pages each
    /// commit appended. Null leaves them to SQLite, inside the commit that crosses its threshold.
    /// </param>
    public SqliteGroupCommitWriter(SqliteConnectionFactory connections, SqlDialect dialect, bool writesOutbox = true, SqliteCheckpointer? checkpointer = null)
    {
        _connections = connections;
        _dialect = dialect;
        _writesOutbox = writesOutbox;
        _checkpointer = checkpointer;
        _loop = Task.Run(RunAsync);
    }

    public bool IsRunning => !_loop.IsCompleted && !_queue.Reader.Completion.IsCompleted;

    /// <summary>Physical transactions committed so far.</summary>
    public long CommittedBatches => Interlocked.Read(ref _committedBatches);

    /// <summary>Statements the operations sent, committed or not (the transaction and savepoint statements not counted).</summary>
    public long Statements => Interlocked.Read(ref _statements);

    /// <summary>Savepoint statements (set, released, rolled back to) run so far: none while no operation fails.</summary>
    public long SavepointStatements => Interlocked.Read(ref _savepointStatements);

    /// <summary>Batches that ran again with a savepoint per operation after one of their operations failed without.</summary>
    public long IsolatedBatches => Interlocked.Read(ref _isolatedBatches);

    public Task<TResult> WriteAsync<TState, TResult>(
        Func<SqlSession, TState, CancellationToken, ValueTask<TResult>> body, TState state, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TResult>(cancellationToken);
        }

        var write = new PendingWrite<TState, TResult>(body, state, cancellationToken);
        if (_queue.Writer.TryWrite(write))
        {
            return write.Task;
        }

        return Task.FromException<TResult>(Volatile.Read(ref _fault) is { } fault
            ? new InvalidOperationException("The SQLite writer has stopped after an internal error.", fault)
            : new ObjectDisposedException(nameof(SqlStorage), "The SQL store has been disposed."));
    }

    public async ValueTask DisposeAsync()
    {
        // Queued operations still run; only new ones are refused.
        _queue.Writer.TryComplete();
        await _loop;
        _writer?.Dispose();
        _writer = null;
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingWrite>(MaxBatchSize);
        var errors = new Exception?[MaxBatchSize];
        try
        {
            while (await reader.WaitToReadAsync())
            {
                while (batch.Count < MaxBatchSize && reader.TryRead(out var write))
                {
                    if (write.CancellationToken.IsCancellationRequested)
                    {
                        write.Cancel();
                    }
                    else
                    {
                        batch.Add(write);
                    }
                }

                if (batch.Count == 0)
                {
                    continue;
                }

                await ExecuteBatchAsync(batch, errors);
                Array.Clear(errors, 0, batch.Count);
                batch.Clear();
            }
        }
        catch (Exception exception)
        {
            // A fault of the loop itself, not of an operation: nobody may be left waiting for a writer
            // that is gone. Completing a task twice is harmless (TrySet…), so the current batch fails whole.
            Volatile.Write(ref _fault, exception);
            _queue.Writer.TryComplete(exception);
            foreach (var write in batch)
            {
                write.Fail(exception);
            }

            while (reader.TryRead(out var write))
            {
                write.Fail(exception);
            }
        }
    }

    private async Task ExecuteBatchAsync(List<PendingWrite> batch, Exception?[] errors)
    {
        // A batch first runs without savepoints: two statements an operation, and the copies of the pages each savepoint
        // keeps, that only a failing operation needs. Once one fails, the batch runs again with one per operation.
        if (await ExecuteRoundAsync(batch, errors, isolates: false) == Round.Isolate)
        {
            Interlocked.Increment(ref _isolatedBatches);
            StoreTelemetry.IsolatedBatches.Add(1);
            await ExecuteRoundAsync(batch, errors, isolates: true);
        }
    }

    /// <summary>
    /// One transaction over the batch. With <paramref name="isolates"/> every operation runs after a savepoint, so one
    /// that fails is undone alone. Without, an operation alone that fails rolls the transaction back, which undoes exactly
    /// its own writes, and one of several that fails rolls back the whole transaction and asks for the batch to run again
    /// isolated (the operations' bodies run again; they keep nothing but what they write and return).
    /// </summary>
    private async Task<Round> ExecuteRoundAsync(List<PendingWrite> batch, Exception?[] errors, bool isolates)
    {
        WriterConnection writer;
        try
        {
            writer = _writer ??= WriterConnection.Open(_connections, _dialect, _writesOutbox, autoCheckpoint: _checkpointer is null);
            writer.Begin();
        }
        catch (Exception exception)
        {
            DropWriter();
            FailAll(batch, errors, exception);
            return Round.Done;
        }

        try
        {
            StoreTrace.Mark(batch, StoreTrace.BatchBegun);
            for (var i = 0; i < batch.Count; i++)
            {
                if (isolates)
                {
                    Interlocked.Add(ref _savepointStatements, 2);
                    writer.Savepoint();
                }

                var statementsBefore = writer.Session.RoundTrips;
                try
                {
                    await batch[i].ExecuteAsync(writer.Session);
                    if (isolates)
                    {
                        writer.Release();
                    }
                }
                catch (Exception exception) when (!isolates)
                {
                    writer.TryRollback();
                    if (!writer.IsOutsideTransaction)
                    {
                        DropWriter();
                    }

                    if (batch.Count > 1)
                    {
                        return Round.Isolate;
                    }

                    batch[0].Fail(exception);
                    return Round.Done;
                }
                catch (Exception exception)
                {
                    errors[i] = exception;
                    Interlocked.Increment(ref _savepointStatements);

                    // Throws when SQLite already rolled the whole transaction back (I/O error, full disk):
                    // the outer handler then fails the batch.
                    writer.RollbackToSavepoint();
                }
                finally
                {
                    Interlocked.Add(ref _statements, writer.Session.RoundTrips - statementsBefore);
                }
            }

            var commitStarted = Stopwatch.GetTimestamp();
            writer.Commit();
            StoreTelemetry.CommitDuration.Record(Stopwatch.GetElapsedTime(commitStarted).TotalMilliseconds);
        }
        catch (Exception exception)
        {
            // Nothing of this batch is durable. A fresh connection for the next batch leaves no doubt
            // about the state of this one.
            writer.TryRollback();
            DropWriter();
            FailAll(batch, errors, exception);
            return Round.Done;
        }

        Interlocked.Increment(ref _committedBatches);
        _checkpointer?.Committed(writer.TakePagesWritten());
        StoreTrace.Mark(batch, StoreTrace.Committed);
        for (var i = 0; i < batch.Count; i++)
        {
            if (errors[i] is { } error)
            {
                batch[i].Fail(error);
            }
            else
            {
                batch[i].Complete();
            }
        }

        return Round.Done;
    }

    private static void FailAll(List<PendingWrite> batch, Exception?[] errors, Exception batchError)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Fail(errors[i] ?? batchError);
        }
    }

    private enum Round
    {
        Done,
        Isolate,
    }

    private void DropWriter()
    {
        _writer?.Dispose();
        _writer = null;
    }

    private sealed class WriterConnection : IDisposable
    {
        private readonly ControlStatement _begin;
        private readonly ControlStatement _commit;
        private readonly ControlStatement _rollback;
        private readonly ControlStatement _savepoint;
        private readonly ControlStatement _release;
        private readonly ControlStatement _rollbackToSavepoint;
        private readonly SqliteConnection _connection;

        private WriterConnection(SqliteConnection connection, SqlDialect dialect, bool writesOutbox)
        {
            _connection = connection;
            Session = new SqlSession(connection, dialect) { WritesOutbox = writesOutbox };
            _begin = new(connection, "BEGIN IMMEDIATE");
            _commit = new(connection, "COMMIT");
            _rollback = new(connection, "ROLLBACK");
            _savepoint = new(connection, "SAVEPOINT operation");
            _release = new(connection, "RELEASE operation");
            _rollbackToSavepoint = new(connection, "ROLLBACK TO operation");
        }

        public SqlSession Session { get; }

        public static WriterConnection Open(SqliteConnectionFactory connections, SqlDialect dialect, bool writesOutbox, bool autoCheckpoint)
        {
            var connection = connections.OpenWriter(autoCheckpoint);
            try
            {
                return new WriterConnection(connection, dialect, writesOutbox);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        public void Begin() => _begin.Execute();

        /// <summary>Pages this connection wrote (to the log: it never checkpoints) since the last call.</summary>
        public long TakePagesWritten()
        {
            var rc = SQLitePCL.raw.sqlite3_db_status(_connection.Handle, SQLitePCL.raw.SQLITE_DBSTATUS_CACHE_WRITE, out var pages, out _, 1);
            return rc == SQLitePCL.raw.SQLITE_OK ? pages : 0;
        }

        public void Commit() => _commit.Execute();

        /// <summary>Whether no transaction is open (after a rollback, or SQLite's own of a failed transaction).</summary>
        public bool IsOutsideTransaction => SQLitePCL.raw.sqlite3_get_autocommit(_connection.Handle) != 0;

        public void Savepoint() => _savepoint.Execute();

        public void Release() => _release.Execute();

        public void RollbackToSavepoint()
        {
            // ROLLBACK TO keeps the savepoint open; RELEASE closes it, leaving the outer transaction.
            _rollbackToSavepoint.Execute();
            _release.Execute();
        }

        public void TryRollback()
        {
            try
            {
                _rollback.Execute();
            }
            catch (SqliteException)
            {
                // No transaction was active any more: SQLite had rolled it back itself.
            }
        }

        public void Dispose()
        {
            _begin.Dispose();
            _commit.Dispose();
            _rollback.Dispose();
            _savepoint.Dispose();
            _release.Dispose();
            _rollbackToSavepoint.Dispose();
            Session.Dispose();
        }
    }

    /// <summary>
    /// BEGIN, COMMIT and the savepoint statements, prepared once on the writer's handle and stepped directly.
    /// Two of them surround every operation; through SqliteCommand each would cost a data reader and
    /// parameter binding for a statement that has neither rows nor parameters.
    /// </summary>
    private sealed class ControlStatement : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SQLitePCL.sqlite3_stmt _statement;

        public ControlStatement(SqliteConnection connection, string sql)
        {
            _connection = connection;
            var rc = SQLitePCL.raw.sqlite3_prepare_v2(connection.Handle, sql, out _statement);
            SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        }

        public void Execute()
        {
            var rc = SQLitePCL.raw.sqlite3_step(_statement);
            SQLitePCL.raw.sqlite3_reset(_statement);
            if (rc != SQLitePCL.raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
            }
        }

        public void Dispose() => _statement.Dispose();
    }
}
