using System.Data;
using System.Data.Common;
using System.Threading.Channels;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Dialects;

namespace FlowForge.Storage.Sql.Execution;

/// <summary>
/// Group commit for PostgreSQL and MySQL. Callers queue operations; each of <see cref="GroupCommitOptions.Writers"/>
/// loops takes what is queued (up to <see cref="GroupCommitOptions.MaxBatchSize"/>) and runs it on a connection it
/// holds, in one READ COMMITTED transaction with a savepoint around each operation, and completes the callers' tasks
/// only after COMMIT returned. One commit (one fsync) then makes a whole batch durable, and the connection's prepared
/// statements serve every batch.
/// <list type="bullet">
/// <item>An operation that throws is rolled back to its savepoint; only its caller sees the exception.</item>
/// <item>An operation the database cancelled for a deadlock or a serialization failure runs again in a later transaction
/// of the same writer, after a short random pause; where the database rolled the whole transaction back (InnoDB on a
/// deadlock) the whole batch runs again. Either at most <see cref="GroupCommitOptions.MaxConflictRetries"/> times.</item>
/// <item>A broken connection fails every caller of the batch (the caller's executor turns it into
/// <see cref="StoreUnavailableException"/>); the next batch opens a fresh connection.</item>
/// </list>
/// Once an operation has started it runs to its end: the caller's token is checked before, never during, so a
/// cancellation never interrupts a statement in the middle of someone else's batch.
/// </summary>
internal sealed class ServerGroupCommitWriter : IAsyncDisposable
{
    private const string Savepoint = "operation";

    private readonly DbDataSource _dataSource;
    private readonly SqlDialect _dialect;
    private readonly GroupCommitOptions _options;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(
        new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });

    private readonly Task[] _loops;
    private long _committedBatches;
    private long _committedOperations;
    private long _conflictRetries;
    private Exception? _fault;

    public ServerGroupCommitWriter(DbDataSource dataSource, SqlDialect dialect, GroupCommitOptions options)
    {
        options.Validate();
        _dataSource = dataSource;
        _dialect = dialect;
        _options = options;
        _loops = new Task[options.Writers];
        for (var i = 0; i < _loops.Length; i++)
        {
            _loops[i] = Task.Run(RunAsync);
        }
    }

    public bool IsRunning => !_queue.Reader.Completion.IsCompleted && Volatile.Read(ref _fault) is null;

    /// <summary>Physical transactions committed so far.</summary>
    public long CommittedBatches => Interlocked.Read(ref _committedBatches);

    /// <summary>Operations committed so far (those whose caller saw success).</summary>
    public long CommittedOperations => Interlocked.Read(ref _committedOperations);

    /// <summary>Operations (or whole batches) that ran again after a deadlock or serialization failure.</summary>
    public long ConflictRetries => Interlocked.Read(ref _conflictRetries);

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
            ? new InvalidOperationException($"The {_dialect.Name} writer has stopped after an internal error.", fault)
            : new ObjectDisposedException(nameof(SqlStorage), "The SQL store has been disposed."));
    }

    /// <summary>Refuses new operations, lets the writers finish every queued one and closes their connections.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_loops);
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<Entry>(_options.MaxBatchSize);
        WriterSession? session = null;
        try
        {
            while (await reader.WaitToReadAsync())
            {
                Take(reader, batch);
                if (batch.Count > 0 && batch.Count < _options.MaxBatchSize && _options.MaxWait > TimeSpan.Zero)
                {
                    await WaitForMoreAsync(reader, batch);
                }

                if (batch.Count == 0)
                {
                    continue;
                }

                session = await ExecuteBatchAsync(session, batch);
                batch.Clear();
            }
        }
        catch (Exception exception)
        {
            // A fault of the loop itself, not of an operation: nobody may be left waiting for a writer that is gone.
            Volatile.Write(ref _fault, exception);
            _queue.Writer.TryComplete(exception);
            foreach (var entry in batch)
            {
                entry.Write.Fail(exception);
            }

            while (reader.TryRead(out var write))
            {
                write.Fail(exception);
            }
        }
        finally
        {
            session?.Dispose();
        }
    }

    private void Take(ChannelReader<PendingWrite> reader, List<Entry> batch)
    {
        while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var write))
        {
            if (write.CancellationToken.IsCancellationRequested)
            {
                write.Cancel();
            }
            else
            {
                batch.Add(new Entry(write));
            }
        }
    }

    private async Task WaitForMoreAsync(ChannelReader<PendingWrite> reader, List<Entry> batch)
    {
        using var wait = new CancellationTokenSource(_options.MaxWait);
        try
        {
            while (batch.Count < _options.MaxBatchSize && await reader.WaitToReadAsync(wait.Token))
            {
                Take(reader, batch);
            }
        }
        catch (OperationCanceledException) when (wait.IsCancellationRequested)
        {
            // The wait is over: commit what there is.
        }
    }

    /// <summary>Runs a batch to its end (every caller completed or failed) and returns the session for the next one.</summary>
    private async Task<WriterSession?> ExecuteBatchAsync(WriterSession? session, List<Entry> batch)
    {
        var pending = batch;
        var freshConnectionTried = false;
        for (var round = 1; pending.Count > 0; round++)
        {
            if (round > 1)
            {
                await Task.Delay(Backoff(round - 1));
            }

            RoundOutcome outcome;
            try
            {
                session ??= await WriterSession.OpenAsync(_dataSource, _dialect);
                outcome = await ExecuteRoundAsync(session, pending);
            }
            catch (Exception exception)
            {
                // Past opening the connection, an exception that leaves the round means the transaction is lost (the
                // connection broke, or the server ended the session), whatever the driver calls the error.
                var lost = session is not null;
                session?.Dispose();
                session = null;

                // A held connection the server closed while it was idle shows up on the first statement of a batch; nothing
                // ran yet, so a fresh connection can take the same batch once.
                if (exception is not StaleConnectionException stale)
                {
                    if (lost)
                    {
                        // An operation that failed first may have failed for the same reason: none of the batch is kept,
                        // and every caller hears that the database was lost, which tells it to try again.
                        FailAll(pending, exception is StoreUnavailableException ? exception : TransientFailures.Wrap(_dialect, exception), ownErrors: false);
                    }
                    else
                    {
                        FailAll(pending, exception, ownErrors: true);
                    }

                    return null;
                }

                if (freshConnectionTried)
                {
                    FailAll(pending, TransientFailures.Wrap(_dialect, stale.InnerException!), ownErrors: false);
                    return null;
                }

                freshConnectionTried = true;
                round--;
                continue;
            }

            pending = outcome.Again;
            if (pending.Count > 0)
            {
                Interlocked.Add(ref _conflictRetries, pending.Count);
            }
        }

        return session;
    }

    /// <summary>One transaction over <paramref name="batch"/>. Throws when the connection failed; what must run again is returned.</summary>
    private async Task<RoundOutcome> ExecuteRoundAsync(WriterSession session, List<Entry> batch)
    {
        var again = new List<Entry>();
        var started = false;
        await using var transaction = await Begin(session);
        session.Session.Transaction = transaction;
        try
        {
            foreach (var entry in batch)
            {
                entry.Error = null;
                entry.RunsAgain = false;
                if (entry.Write.CancellationToken.IsCancellationRequested)
                {
                    entry.Cancelled = true;
                    continue;
                }

                try
                {
                    await transaction.SaveAsync(Savepoint);
                }
                catch (Exception exception) when (!started)
                {
                    throw new StaleConnectionException(exception);
                }

                started = true;
                try
                {
                    await entry.Write.ExecuteAsync(session.Session, CancellationToken.None);
                    await transaction.ReleaseAsync(Savepoint);
                }
                catch (Exception exception)
                {
                    if (!await TryRollbackToSavepointAsync(transaction))
                    {
                        // The database rolled the whole transaction back (an InnoDB deadlock) or the connection broke.
                        if (exception is DbException db && _dialect.IsTransientConflict(db))
                        {
                            return WholeBatchAgain(batch, exception);
                        }

                        throw;
                    }

                    if (exception is DbException conflict && _dialect.IsTransientConflict(conflict) && entry.Attempts < _options.MaxConflictRetries)
                    {
                        entry.Attempts++;
                        entry.RunsAgain = true;
                        again.Add(entry);
                    }
                    else
                    {
                        entry.Error = exception;
                    }
                }
            }

            try
            {
                await transaction.CommitAsync();
            }
            catch (DbException exception) when (_dialect.IsTransientConflict(exception))
            {
                return WholeBatchAgain(batch, exception);
            }
        }
        finally
        {
            session.Session.Transaction = null;
        }

        Interlocked.Increment(ref _committedBatches);
        foreach (var entry in batch)
        {
            if (entry.RunsAgain)
            {
                continue;
            }

            if (entry.Cancelled)
            {
                entry.Write.Cancel();
            }
            else if (entry.Error is { } error)
            {
                entry.Write.Fail(error);
            }
            else
            {
                Interlocked.Increment(ref _committedOperations);
                entry.Write.Complete();
            }
        }

        return new RoundOutcome(again);
    }

    private static async Task<DbTransaction> Begin(WriterSession session)
    {
        try
        {
            return await session.Session.Connection.BeginTransactionAsync(IsolationLevel.ReadCommitted);
        }
        catch (Exception exception)
        {
            throw new StaleConnectionException(exception);
        }
    }

    // Nothing of this transaction is kept: every operation that had not yet failed for its own reason runs again.
    private RoundOutcome WholeBatchAgain(List<Entry> batch, Exception conflict)
    {
        var again = new List<Entry>(batch.Count);
        foreach (var entry in batch)
        {
            if (entry.Cancelled)
            {
                entry.Write.Cancel();
            }
            else if (entry.Attempts >= _options.MaxConflictRetries)
            {
                entry.Write.Fail(conflict);
            }
            else
            {
                entry.Attempts++;
                entry.Error = null;
                again.Add(entry);
            }
        }

        return new RoundOutcome(again);
    }

    private static async Task<bool> TryRollbackToSavepointAsync(DbTransaction transaction)
    {
        try
        {
            await transaction.RollbackAsync(Savepoint);
            await transaction.ReleaseAsync(Savepoint);
            return true;
        }
        catch (Exception exception) when (exception is DbException or InvalidOperationException)
        {
            return false;
        }
    }

    private static void FailAll(List<Entry> batch, Exception exception, bool ownErrors)
    {
        foreach (var entry in batch)
        {
            if (entry.Cancelled)
            {
                entry.Write.Cancel();
            }
            else
            {
                entry.Write.Fail(ownErrors ? entry.Error ?? exception : exception);
            }
        }
    }

    // Full jitter on an exponential ceiling (10, 20, 40 … ms): two transactions that deadlocked do not meet again in step.
    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 << Math.Min(attempt, 6)));

    private sealed class Entry(PendingWrite write)
    {
        public PendingWrite Write { get; } = write;

        public int Attempts { get; set; }

        public Exception? Error { get; set; }

        public bool Cancelled { get; set; }

        public bool RunsAgain { get; set; }
    }

    private readonly record struct RoundOutcome(List<Entry> Again);

    /// <summary>The connection failed before any operation of the batch ran.</summary>
    private sealed class StaleConnectionException(Exception inner) : Exception(inner.Message, inner);

    /// <summary>A connection held across batches, with its prepared commands.</summary>
    private sealed class WriterSession : IDisposable
    {
        private WriterSession(SqlSession session) => Session = session;

        public SqlSession Session { get; }

        public static async Task<WriterSession> OpenAsync(DbDataSource dataSource, SqlDialect dialect)
        {
            var connection = await dataSource.OpenConnectionAsync();
            return new WriterSession(new SqlSession(connection, dialect, dialect.PreparesHeldCommands));
        }

        public void Dispose() => Session.Dispose();
    }
}
