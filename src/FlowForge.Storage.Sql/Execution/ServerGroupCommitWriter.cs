using System.Data;
using System.Data.Common;
using System.Threading.Channels;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Dialects;

namespace FlowForge.Storage.Sql.Execution;

/// <summary>
/// Group commit for PostgreSQL and MySQL. Callers queue operations; each of <see cref="GroupCommitOptions.Writers"/>
/// loops takes what is queued (up to <see cref="GroupCommitOptions.MaxBatchSize"/>) and runs it on a connection it
/// holds, in one READ COMMITTED transaction, and completes the callers' tasks only after COMMIT returned. One commit
/// (one fsync) then makes a whole batch durable, and the connection's prepared statements serve every batch. Where a
/// batch holds more than one operation, each runs after a savepoint: one round trip per operation that ends the previous
/// operation's savepoint and sets the next (MySQL replaces a savepoint of the same name; PostgreSQL gets RELEASE and
/// SAVEPOINT in one command). An operation alone in its transaction runs without one.
/// <list type="bullet">
/// <item>A batch runs its operations in the order of their lock key (the run they lock), so two batches take the rows of
/// two runs in the same order and do not deadlock over them.</item>
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

    // How many batches' worth of the channel a full batch looks through for more of its kind.
    private const int HeldScanBatches = 4;

    private readonly DbDataSource _dataSource;
    private readonly SqlDialect _dialect;
    private readonly GroupCommitOptions _options;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(
        new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });

    private readonly Task[] _loops;

    // Operations a full batch passed over to keep one set kind (see OfOneSetKind), taken before the channel's; under _takeLock.
    private readonly Queue<PendingWrite> _held = new();
    private readonly Lock _takeLock = new();

    // Loops from this index on are parked: they take nothing from the queue until the share grows again.
    private int _activeWriters;
    private TaskCompletionSource _shareChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopping;
    private long _committedBatches;
    private long _committedOperations;
    private long _conflictRetries;
    private long _savepointStatements;
    private long _roundTrips;
    private long _isolatedRounds;
    private long _batchedOperations;
    private Exception? _fault;

    public ServerGroupCommitWriter(DbDataSource dataSource, SqlDialect dialect, GroupCommitOptions options)
    {
        options.Validate();
        _dataSource = dataSource;
        _dialect = dialect;
        _options = options;
        _loops = new Task[options.Writers];
        _activeWriters = options.Writers;
        for (var i = 0; i < _loops.Length; i++)
        {
            var index = i;
            _loops[i] = Task.Run(() => RunAsync(index));
        }
    }

    /// <summary>Whether <see cref="ShareAmong"/> follows the number of live workers (<see cref="GroupCommitOptions.ShareWriters"/>).</summary>
    public bool SharesWriters => _options.ShareWriters && _options.Writers > 1;

    /// <summary>Batches that may commit at once now: <see cref="GroupCommitOptions.Writers"/> unless <see cref="ShareAmong"/> lowered it.</summary>
    public int ActiveWriters => Volatile.Read(ref _activeWriters);

    /// <summary>
    /// Shares <see cref="GroupCommitOptions.Writers"/> among <paramref name="processes"/> processes that write to the same
    /// database: this one commits at most max(1, ceil(Writers / processes)) batches at once. Each process' load is then
    /// a share of the whole, and fewer writers each take a fuller batch; a process alone keeps every writer. A batch
    /// that is running ends as it would; a parked writer keeps its connection for when the share grows again.
    /// </summary>
    public void ShareAmong(int processes)
    {
        var share = WritersFor(_options.Writers, processes);
        if (Interlocked.Exchange(ref _activeWriters, share) != share)
        {
            Interlocked.Exchange(ref _shareChanged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    /// <summary>The writers of one of <paramref name="processes"/> processes sharing a budget of <paramref name="writers"/>.</summary>
    internal static int WritersFor(int writers, int processes) =>
        processes <= 1 ? writers : Math.Max(1, (writers + processes - 1) / processes);

    public bool IsRunning => !_queue.Reader.Completion.IsCompleted && Volatile.Read(ref _fault) is null;

    /// <summary>Physical transactions committed so far.</summary>
    public long CommittedBatches => Interlocked.Read(ref _committedBatches);

    /// <summary>Operations committed so far (those whose caller saw success).</summary>
    public long CommittedOperations => Interlocked.Read(ref _committedOperations);

    /// <summary>Operations (or whole batches) that ran again after a deadlock or serialization failure.</summary>
    public long ConflictRetries => Interlocked.Read(ref _conflictRetries);

    /// <summary>Round trips spent on savepoints (set, replaced or rolled back to) so far.</summary>
    public long SavepointStatements => Interlocked.Read(ref _savepointStatements);

    /// <summary>Batches that ran again with a savepoint per operation after one of their operations failed without.</summary>
    public long IsolatedRounds => Interlocked.Read(ref _isolatedRounds);

    /// <summary>Operations that ran together with others of their kind in one set-based step (see <see cref="BatchedOperation"/>).</summary>
    public long BatchedOperations => Interlocked.Read(ref _batchedOperations);

    /// <summary>Every round trip of the writers' transactions so far: the operations' statements, savepoints, BEGIN where it is one, COMMIT.</summary>
    public long RoundTrips => Interlocked.Read(ref _roundTrips);

    public Task<TResult> WriteAsync<TState, TResult>(
        Func<SqlSession, TState, CancellationToken, ValueTask<TResult>> body, TState state, CancellationToken cancellationToken) =>
        WriteAsync(body, state, Guid.Empty, cancellationToken);

    /// <summary>Queues an operation; <paramref name="lockOrder"/> orders it among the operations of its batch (see <see cref="SqlExecutor"/>).</summary>
    public Task<TResult> WriteAsync<TState, TResult>(
        Func<SqlSession, TState, CancellationToken, ValueTask<TResult>> body, TState state, Guid lockOrder, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TResult>(cancellationToken);
        }

        return Enqueue(new PendingWrite<TState, TResult>(body, state, cancellationToken) { LockOrder = lockOrder });
    }

    private Task<TResult> Enqueue<TState, TResult>(PendingWrite<TState, TResult> write)
    {
        if (_queue.Writer.TryWrite(write))
        {
            return write.Task;
        }

        return Task.FromException<TResult>(Volatile.Read(ref _fault) is { } fault
            ? new InvalidOperationException($"The {_dialect.Name} writer has stopped after an internal error.", fault)
            : new ObjectDisposedException(nameof(SqlStorage), "The SQL store has been disposed."));
    }

    /// <summary>
    /// Queues an operation that runs together with the other operations of <paramref name="operation"/>'s kind in its batch
    /// (one set-based statement for all of them, see <see cref="BatchedOperation"/>); alone, or when its batch runs again
    /// isolated, it runs on its own.
    /// </summary>
    public Task<TResult> WriteAsync<TState, TResult>(
        BatchedOperation<TState, TResult> operation, TState state, Guid lockOrder, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TResult>(cancellationToken);
        }

        var write = new PendingWrite<TState, TResult>(operation.ExecuteOneAsync, state, cancellationToken) { LockOrder = lockOrder, Batch = operation };
        return Enqueue(write);
    }

    /// <summary>Refuses new operations, lets the writers finish every queued one and closes their connections.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        _stopping = true;
        Volatile.Read(ref _shareChanged).TrySetResult();
        await Task.WhenAll(_loops);
    }

    private async Task RunAsync(int index)
    {
        var reader = _queue.Reader;
        var batch = new List<Entry>(_options.MaxBatchSize);
        WriterSession? session = null;
        try
        {
            while (true)
            {
                // Parked: the active writers drain the queue, also when the store is disposed, and what this writer held
                // back goes to them through it; once the queue is closed, this writer runs what is still held itself.
                if (index >= Volatile.Read(ref _activeWriters) && ReleaseHeld())
                {
                    var changed = Volatile.Read(ref _shareChanged).Task;
                    if (_stopping)
                    {
                        break;
                    }

                    if (index >= Volatile.Read(ref _activeWriters))
                    {
                        await changed;
                    }

                    continue;
                }

                if (!HasHeld() && !await reader.WaitToReadAsync())
                {
                    break;
                }

                if (index >= Volatile.Read(ref _activeWriters) && !HasHeld())
                {
                    continue;
                }

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

            lock (_takeLock)
            {
                while (_held.TryDequeue(out var held))
                {
                    held.Fail(exception);
                }
            }
        }
        finally
        {
            session?.Dispose();
        }
    }

    private void Take(ChannelReader<PendingWrite> reader, List<Entry> batch)
    {
        lock (_takeLock)
        {
            // Held operations are older than anything in the channel: they go first.
            while (batch.Count < _options.MaxBatchSize && _held.TryDequeue(out var held))
            {
                Admit(held, batch);
            }

            while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var write))
            {
                Admit(write, batch);
            }

            if (batch.Count == _options.MaxBatchSize && (_held.Count > 0 || reader.Count > 0))
            {
                OfOneSetKind(reader, batch);
            }

            // A writer waiting for the channel does not see what is held: with the channel empty, what is held is all that
            // is queued, and moving it there keeps its order and wakes that writer.
            if (reader.Count == 0)
            {
                MoveHeldToChannel();
            }
        }
    }

    private static void Admit(PendingWrite write, List<Entry> batch)
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

    /// <summary>
    /// With more queued than a batch holds, a full batch keeps the set-based operations of one kind only (that of its oldest
    /// one) and the operations that run alone; the others of its kind queued behind fill the places of the rest, which are
    /// held, in their order, for the next batch of any writer. Each set statement then covers as many operations as a batch
    /// holds, whatever mix of kinds arrives: several processes sharing the work each see a mix of claims and region writes
    /// as well as one process does. A batch that is not full is never sorted: nothing waits for it.
    /// </summary>
    private void OfOneSetKind(ChannelReader<PendingWrite> reader, List<Entry> batch)
    {
        var kind = batch.Find(static e => e.Write.Batch is not null)?.Write.Batch;
        if (kind is null || batch.TrueForAll(e => Fits(e.Write, kind)))
        {
            return;
        }

        // The batch, then what is still held, then the channel is the queue's order: each operation of it goes into the batch
        // while it fits the kind and there is room, and is held otherwise, in that order. The channel is looked through at most
        // a few batches' worth, so a deep queue costs a bounded scan per batch.
        var queued = batch.ConvertAll(static e => e.Write);
        batch.Clear();
        queued.AddRange(_held);
        _held.Clear();
        foreach (var write in queued)
        {
            Place(write);
        }

        for (var looked = 0; batch.Count < _options.MaxBatchSize && looked < HeldScanBatches * _options.MaxBatchSize && reader.TryRead(out var write); looked++)
        {
            Place(write);
        }

        void Place(PendingWrite write)
        {
            if (batch.Count < _options.MaxBatchSize && Fits(write, kind))
            {
                Admit(write, batch);
            }
            else
            {
                _held.Enqueue(write);
            }
        }
    }

    private static bool Fits(PendingWrite write, BatchedOperation kind) => write.Batch is null || ReferenceEquals(write.Batch, kind);

    // Back into the channel, where a waiting writer sees it; false when the channel is closed and some is still held.
    private bool ReleaseHeld()
    {
        lock (_takeLock)
        {
            MoveHeldToChannel();
            return _held.Count == 0;
        }
    }

    // Under _takeLock.
    private void MoveHeldToChannel()
    {
        while (_held.TryPeek(out var held) && _queue.Writer.TryWrite(held))
        {
            _held.Dequeue();
        }
    }

    private bool HasHeld()
    {
        lock (_takeLock)
        {
            return _held.Count > 0;
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
        var pending = InLockOrder(batch);
        var freshConnectionTried = false;

        // A batch first runs without savepoints; only once one of its operations failed does it run with one per operation.
        var isolated = false;
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
                outcome = await ExecuteRoundAsync(session, pending, isolated && pending.Count > 1);
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

            if (outcome.Isolate)
            {
                // Nothing of the round was kept and the failure was not a conflict with another transaction: the same
                // operations run again at once, each after a savepoint, so that the one that failed fails alone.
                Interlocked.Increment(ref _isolatedRounds);
                isolated = true;
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

    /// <summary>
    /// One transaction over <paramref name="batch"/>. Throws when the connection failed; what must run again is returned.
    /// With <paramref name="isolates"/> every operation runs after a savepoint, so one that fails is undone alone. Without,
    /// an operation alone that fails rolls the transaction back, which undoes exactly its own writes, and one of several
    /// that fails rolls back the whole transaction and asks for the batch to run again isolated.
    /// </summary>
    private async Task<RoundOutcome> ExecuteRoundAsync(WriterSession session, List<Entry> batch, bool isolates)
    {
        var again = new List<Entry>();
        var started = false;
        var savepointSet = false;
        var roundTripsBefore = session.Session.RoundTrips;
        await using var transaction = await Begin(session, _dialect);
        session.Session.Transaction = transaction is StatementTransaction ? null : transaction;
        try
        {
            foreach (var entry in batch)
            {
                entry.Error = null;
                entry.RunsAgain = false;
                entry.RanInSet = false;
            }

            foreach (var entry in batch)
            {
                if (entry.RanInSet)
                {
                    continue;
                }

                if (entry.Write.CancellationToken.IsCancellationRequested)
                {
                    entry.Cancelled = true;
                    continue;
                }

                // Without savepoints, the operations of one set-based kind run together where the first of them stands.
                if (!isolates && entry.Write.Batch is { } kind && SetOf(batch, entry, kind) is { } set)
                {
                    started = true;
                    try
                    {
                        await kind.ExecuteAsync(session.Session, set.Writes, CancellationToken.None);
                    }
                    catch (Exception exception)
                    {
                        return await UnisolatedFailedAsync(session, transaction, batch, exception);
                    }

                    foreach (var member in set.Entries)
                    {
                        member.RanInSet = true;
                    }

                    Interlocked.Add(ref _batchedOperations, set.Entries.Count);
                    continue;
                }

                if (isolates)
                {
                    try
                    {
                        await SavepointAsync(session, transaction, savepointSet ? _dialect.NextSavepoint(Savepoint) : $"SAVEPOINT {Savepoint}");
                    }
                    catch (Exception exception) when (!started)
                    {
                        throw new StaleConnectionException(exception);
                    }

                    savepointSet = true;
                }

                started = true;
                try
                {
                    await entry.Write.ExecuteAsync(session.Session, CancellationToken.None);
                }
                catch (Exception exception)
                {
                    if (!isolates)
                    {
                        return batch.Count == 1
                            ? await AloneFailedAsync(session, transaction, entry, exception)
                            : await UnisolatedFailedAsync(session, transaction, batch, exception);
                    }

                    if (!await TryRollbackToSavepointAsync(session, transaction))
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
                session.Session.CountRoundTrip();
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
            Interlocked.Add(ref _roundTrips, session.Session.RoundTrips - roundTripsBefore);
        }

        Interlocked.Increment(ref _committedBatches);
        StoreTelemetry.Transactions.Add(1);
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

    private static async Task<DbTransaction> Begin(WriterSession session, SqlDialect dialect)
    {
        try
        {
            if (dialect.BeginIsRoundTrip)
            {
                session.Session.CountRoundTrip();
            }

            if (session.Begin is { } begin)
            {
                await begin.ExecuteNonQueryAsync();
                return new StatementTransaction(session);
            }

            return await session.Session.Connection.BeginTransactionAsync(IsolationLevel.ReadCommitted);
        }
        catch (Exception exception)
        {
            throw new StaleConnectionException(exception);
        }
    }

    // The operations of the batch, from the given one on, of the same set-based kind and not yet cancelled; null when
    // fewer than two, which then run alone as any operation does.
    private static (List<Entry> Entries, List<PendingWrite> Writes)? SetOf(List<Entry> batch, Entry first, BatchedOperation kind)
    {
        List<Entry>? entries = null;
        var from = batch.IndexOf(first);
        for (var i = from + 1; i < batch.Count; i++)
        {
            var other = batch[i];
            if (ReferenceEquals(other.Write.Batch, kind) && !other.Write.CancellationToken.IsCancellationRequested)
            {
                (entries ??= [first]).Add(other);
            }
        }

        return entries is null ? null : (entries, entries.ConvertAll(static e => e.Write));
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

    // The savepoint stays set after ROLLBACK TO: the next operation's savepoint statement ends it, or COMMIT does.
    private async Task<bool> TryRollbackToSavepointAsync(WriterSession session, DbTransaction transaction)
    {
        try
        {
            await SavepointAsync(session, transaction, $"ROLLBACK TO SAVEPOINT {Savepoint}");
            return true;
        }
        catch (Exception exception) when (exception is DbException or InvalidOperationException)
        {
            return false;
        }
    }

    private Task SavepointAsync(WriterSession session, DbTransaction transaction, string statement)
    {
        Interlocked.Increment(ref _savepointStatements);
        session.Session.CountRoundTrip();
        return session.SetSavepointAsync(transaction, statement);
    }

    /// <summary>
    /// An operation of a batch that ran without savepoints failed: the transaction is rolled back and the batch runs again
    /// isolated, or, when the connection broke, every caller of the batch fails as when a connection breaks mid-batch.
    /// </summary>
    private static async Task<RoundOutcome> UnisolatedFailedAsync(WriterSession session, DbTransaction transaction, List<Entry> batch, Exception exception)
    {
        var broken = false;
        try
        {
            await transaction.RollbackAsync();
        }
        catch (Exception rollback) when (rollback is DbException or InvalidOperationException)
        {
            broken = true;
        }

        if (broken || session.Session.Connection.State != ConnectionState.Open)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(exception);
        }

        foreach (var entry in batch)
        {
            entry.Cancelled = false;
        }

        return new RoundOutcome([]) { Isolate = true };
    }

    /// <summary>The only operation of a transaction failed: the transaction is rolled back, and the operation runs again or its caller fails.</summary>
    private async Task<RoundOutcome> AloneFailedAsync(WriterSession session, DbTransaction transaction, Entry entry, Exception exception)
    {
        var broken = false;
        try
        {
            await transaction.RollbackAsync();
        }
        catch (Exception rollback) when (rollback is DbException or InvalidOperationException)
        {
            broken = true;
        }

        if (broken || session.Session.Connection.State != ConnectionState.Open)
        {
            // The connection broke. Nothing of the transaction is kept, so the operation may run once more on a fresh
            // connection, as a batch whose connection was found closed before it started does.
            throw new StaleConnectionException(exception);
        }

        if (exception is DbException conflict && _dialect.IsTransientConflict(conflict) && entry.Attempts < _options.MaxConflictRetries)
        {
            entry.Attempts++;
            return new RoundOutcome([entry]);
        }

        entry.Write.Fail(exception);
        return new RoundOutcome([]);
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

    // Two transactions that lock the rows of runs X and Y, one X first and the other Y first, can deadlock; ordered by run,
    // every batch takes them in the same order. The order is stable: operations of one key keep their queue order.
    private static List<Entry> InLockOrder(List<Entry> batch)
    {
        if (batch.Count < 2)
        {
            return batch;
        }

        var ordered = new List<Entry>(batch.Count);
        ordered.AddRange(batch.OrderBy(static e => e.Write.LockOrder));
        return ordered;
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

        /// <summary>Ran in this round together with others of its kind.</summary>
        public bool RanInSet { get; set; }
    }

    private readonly record struct RoundOutcome(List<Entry> Again)
    {
        /// <summary>Nothing was kept: run the same operations again, each after a savepoint.</summary>
        public bool Isolate { get; init; }
    }

    /// <summary>The connection failed before any operation of the batch ran.</summary>
    private sealed class StaleConnectionException(Exception inner) : Exception(inner.Message, inner);

    /// <summary>A connection held across batches, with its prepared commands.</summary>
    private sealed class WriterSession : IDisposable
    {
        private readonly Dictionary<string, DbCommand> _savepointCommands = new(StringComparer.Ordinal);

        private WriterSession(SqlSession session) => Session = session;

        public SqlSession Session { get; }

        /// <summary>Sets, replaces or rolls back to the batch's savepoint: one round trip, on a command kept per statement text.</summary>
        public async Task SetSavepointAsync(DbTransaction transaction, string statement)
        {
            if (!_savepointCommands.TryGetValue(statement, out var command))
            {
                command = Session.Connection.CreateCommand();
                command.CommandText = statement;
                _savepointCommands.Add(statement, command);
            }

            command.Transaction = transaction is StatementTransaction ? null : transaction;
            await command.ExecuteNonQueryAsync();
        }

        /// <summary>Where the session's isolation level was set once (<see cref="SqlDialect.HeldSessionReadCommitted"/>), the command that begins a transaction.</summary>
        public DbCommand? Begin { get; private init; }

        /// <summary>COMMIT and ROLLBACK, where the writer begins its transactions itself.</summary>
        public DbCommand? Commit { get; private init; }

        public DbCommand? Rollback { get; private init; }

        public static async Task<WriterSession> OpenAsync(DbDataSource dataSource, SqlDialect dialect)
        {
            var connection = await dataSource.OpenConnectionAsync();
            if (dialect.HeldSessionReadCommitted is not { } readCommitted)
            {
                return new WriterSession(new SqlSession(connection, dialect, dialect.PreparesHeldCommands));
            }

            try
            {
                await using (var set = connection.CreateCommand())
                {
                    set.CommandText = readCommitted;
                    await set.ExecuteNonQueryAsync();
                }
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }

            return new WriterSession(new SqlSession(connection, dialect, dialect.PreparesHeldCommands))
            {
                Begin = Text(connection, dialect.BeginStatement),
                Commit = Text(connection, "COMMIT"),
                Rollback = Text(connection, "ROLLBACK"),
            };
        }

        public void Dispose()
        {
            foreach (var command in _savepointCommands.Values)
            {
                command.Dispose();
            }

            Begin?.Dispose();
            Commit?.Dispose();
            Rollback?.Dispose();
            Session.Dispose();
        }

        private static DbCommand Text(DbConnection connection, string text)
        {
            var command = connection.CreateCommand();
            command.CommandText = text;
            return command;
        }
    }

    /// <summary>
    /// A transaction the writer began itself with <see cref="SqlDialect.BeginStatement"/> on a session already READ COMMITTED;
    /// the driver does not know of it, so commands run with no transaction object, and COMMIT and ROLLBACK are the writer's
    /// own statements. Disposed before either, it rolls back, as the driver's would.
    /// </summary>
    private sealed class StatementTransaction(WriterSession session) : DbTransaction
    {
        private bool _ended;

        public override IsolationLevel IsolationLevel => IsolationLevel.ReadCommitted;

        protected override DbConnection DbConnection => session.Session.Connection;

        public override void Commit() => throw new NotSupportedException("The writer commits asynchronously.");

        public override void Rollback() => throw new NotSupportedException("The writer rolls back asynchronously.");

        public override async Task CommitAsync(CancellationToken cancellationToken = default)
        {
            _ended = true;
            await session.Commit!.ExecuteNonQueryAsync(cancellationToken);
        }

        public override async Task RollbackAsync(CancellationToken cancellationToken = default)
        {
            _ended = true;
            await session.Rollback!.ExecuteNonQueryAsync(cancellationToken);
        }

        public override async ValueTask DisposeAsync()
        {
            if (!_ended && session.Session.Connection.State == ConnectionState.Open)
            {
                _ended = true;
                try
                {
                    await session.Rollback!.ExecuteNonQueryAsync();
                }
                catch (Exception exception) when (exception is DbException or InvalidOperationException)
                {
                    // The connection broke: the server rolls the transaction back when the session ends.
                }
            }

            await base.DisposeAsync();
        }
    }
}
