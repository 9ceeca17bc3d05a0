using System.Data.Common;
using System.Runtime.CompilerServices;
using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql;
using FlowForge.Storage.Sql.Execution;
using static FlowForge.Providers.Tests.GroupCommit.ServerWriters;

namespace FlowForge.Providers.Tests.GroupCommit;

/// <summary>
/// The group-commit writer of the server databases, on a store of its own with set writer counts so that which
/// operations share a transaction is decided by the test, not by timing.
/// </summary>
public abstract class ServerGroupCommitWriterCompliance(ServerStorageProvider provider) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly int[] Untouched = [0, 0];
    private static readonly int[] EachRowTwice = [2, 2];
    private static readonly int[] BothResults = [1, 2];
    private static readonly int[] FirstOnceSecondEightTimes = [1, 8];
    private static readonly int[] FirstOnce = [1, 0];
    private static readonly int[] EachFiveTimes = [5, 5];
    private static readonly string[] KeyOrder = ["none", "a1", "a2", "b1", "b2"];

    private readonly List<SqlStorage> _stores = [];
    private TestDatabase _database = null!;

    private SqlStorage Store => _database.Storage;

    public async Task InitializeAsync()
    {
        _database = await provider.CreateDatabaseAsync(TimeProvider.System);
        await ExecuteAsync(Store, "CREATE TABLE GroupCommitProbe (Id INT NOT NULL PRIMARY KEY, N INT NOT NULL)");
        await ExecuteAsync(Store, "INSERT INTO GroupCommitProbe (Id, N) VALUES (1, 0), (2, 0)");
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        await _database.DisposeAsync();
    }

    /// <summary>The id of the server session of the connection a write runs on.</summary>
    protected abstract string SessionIdQuery { get; }

    /// <summary>A statement that ends another server session by its id.</summary>
    protected abstract string KillSessionStatement(long sessionId);

    [Fact]
    public async Task WriteAsync_ManyConcurrentOperations_CommitInFewerTransactions()
    {
        var store = Open(writers: 1, maxBatchSize: 50);
        var writer = WriterOf(store);
        var holder = Hold(writer, out var started, out var release);
        await started.Task.WaitAsync(Patience);
        var batchesBefore = writer.CommittedBatches;

        var writes = Enumerable.Range(0, 100).Select(i => store.GetOrAddSettingAsync($"k{i}", $"v{i}", CancellationToken.None)).ToList();
        release.SetResult();

        await holder.WaitAsync(Patience);
        var values = await Task.WhenAll(writes).WaitAsync(Patience);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"v{i}"), values);

        // The holder's own transaction, then the hundred queued writes in two batches of fifty.
        Assert.Equal(batchesBefore + 3, writer.CommittedBatches);
        Assert.Equal("v99", await Store.GetOrAddSettingAsync("k99", "other", CancellationToken.None));
    }

    [Fact]
    public async Task WriteAsync_BatchOfOperationsThatAllSucceed_SetsNoSavepointAndCommitsOnce()
    {
        var store = Open(writers: 1, maxBatchSize: 50);
        var writer = WriterOf(store);
        var holder = Hold(writer, out var started, out var release);
        await started.Task.WaitAsync(Patience);
        var (batchesBefore, savepointsBefore, roundTripsBefore) = (writer.CommittedBatches, writer.SavepointStatements, writer.RoundTrips);

        var writes = Enumerable.Range(0, 10).Select(i => writer.WriteAsync<int, int>(static async (session, id, ct) =>
        {
            await ExecuteAsync(session, $"UPDATE GroupCommitProbe SET N = N + 1 WHERE Id = {id}", ct);
            return id;
        }, 1 + (i % 2), CancellationToken.None)).ToList();
        release.SetResult();

        await holder.WaitAsync(Patience);
        await Task.WhenAll(writes).WaitAsync(Patience);
        Assert.Equal(batchesBefore + 2, writer.CommittedBatches);
        Assert.Equal(savepointsBefore, writer.SavepointStatements);
        Assert.Equal(0, writer.IsolatedRounds);

        // Two transactions (the holder's, the batch's), each a COMMIT and, where it is a round trip, a BEGIN, and nothing
        // else the writer sends (the probe's statements go to the connection directly, outside the store's count).
        var begin = store.Executor.Dialect.BeginIsRoundTrip ? 1 : 0;
        Assert.Equal(roundTripsBefore + (2 * (begin + 1)), writer.RoundTrips);
        Assert.Equal(EachFiveTimes, await ProbeAsync());
    }

    [Fact]
    public async Task WriteAsync_OperationsFailInsideBatch_OnlyTheirCallersFailAndTheirWritesAreUndone()
    {
        var store = Open(writers: 1, maxBatchSize: 200);
        var writer = WriterOf(store);
        var holder = Hold(writer, out var started, out var release);
        await started.Task.WaitAsync(Patience);
        var batchesBefore = writer.CommittedBatches;

        var before = Enumerable.Range(0, 20).Select(i => store.GetOrAddSettingAsync($"before{i}", "x", CancellationToken.None)).ToList();
        var throwing = writer.WriteAsync<int, int>(static async (session, _, ct) =>
        {
            await ExecuteAsync(session, "UPDATE GroupCommitProbe SET N = N + 100 WHERE Id = 1", ct);
            throw new InvalidOperationException("this operation fails after writing");
        }, 0, CancellationToken.None);

        // A statement the database refuses: PostgreSQL aborts the whole transaction until it is rolled back to the savepoint.
        var refused = writer.WriteAsync<int, int>(static async (session, _, ct) =>
        {
            await ExecuteAsync(session, "UPDATE GroupCommitProbe SET N = N + 100 WHERE Id = 2", ct);
            await ExecuteAsync(session, "INSERT INTO GroupCommitProbe (Id, N) VALUES (1, 0)", ct);
            return 0;
        }, 0, CancellationToken.None);
        var after = Enumerable.Range(0, 20).Select(i => store.GetOrAddSettingAsync($"after{i}", "x", CancellationToken.None)).ToList();
        release.SetResult();

        await holder.WaitAsync(Patience);
        Assert.All(await Task.WhenAll(before.Concat(after)).WaitAsync(Patience), v => Assert.Equal("x", v));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => throwing.WaitAsync(Patience));
        Assert.Equal("this operation fails after writing", error.Message);
        await Assert.ThrowsAnyAsync<DbException>(() => refused.WaitAsync(Patience));
        Assert.Equal(batchesBefore + 2, writer.CommittedBatches);
        Assert.Equal(Untouched, await ProbeAsync());
    }

    [Fact]
    public async Task WriteAsync_TwoBatchesDeadlock_TheVictimRunsAgainAndEachOperationCountsOnce()
    {
        var store = Open(writers: 2, maxBatchSize: 10);
        var writer = WriterOf(store);
        var firstLocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondLocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Each takes one row, waits until the other holds its row, then asks for the other's: a lock cycle the
        // database breaks by cancelling one of them. On the run again the gates are open and it goes straight through.
        var first = writer.WriteAsync(static async (session, gates, ct) =>
        {
            await ExecuteAsync(session, "UPDATE GroupCommitProbe SET N = N + 1 WHERE Id = 1", ct);
            gates.Mine.TrySetResult();
            await gates.Theirs.Task;
            await ExecuteAsync(session, "UPDATE GroupCommitProbe SET N = N + 1 WHERE Id = 2", ct);
            return 1;
        }, (Mine: firstLocked, Theirs: secondLocked), CancellationToken.None);
        await firstLocked.Task.WaitAsync(Patience);
        var second = writer.WriteAsync(static async (session, gates, ct) =>
        {
            await ExecuteAsync(session, "UPDATE GroupCommitProbe SET N = N + 1 WHERE Id = 2", ct);
            gates.Mine.TrySetResult();
            await gates.Theirs.Task;
            await ExecuteAsync(session, "UPDATE GroupCommitProbe SET N = N + 1 WHERE Id = 1", ct);
            return 2;
        }, (Mine: secondLocked, Theirs: firstLocked), CancellationToken.None);

        Assert.Equal(BothResults, await Task.WhenAll(first, second).WaitAsync(Patience));
        Assert.True(writer.ConflictRetries >= 1, $"expected a deadlock to be retried, saw {writer.ConflictRetries} retries");
        Assert.Equal(EachRowTwice, await ProbeAsync());
    }

    [Fact]
    public async Task WriteAsync_ConnectionDiesMidBatch_EveryCallerOfTheBatchFailsAsUnavailableAndTheNextBatchWorks()
    {
        var store = Open(writers: 1, maxBatchSize: 50);
        var writer = WriterOf(store);
        var holder = Hold(writer, out var started, out var release);
        await started.Task.WaitAsync(Patience);
        var session = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var victim = writer.WriteAsync(static async (s, a, ct) =>
        {
            await using (var command = s.Connection.CreateCommand())
            {
                command.Transaction = s.Transaction;
                command.CommandText = a.Query;
                a.Session.SetResult(Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture));
            }

            await a.Killed.Task;
            await ExecuteAsync(s, "UPDATE GroupCommitProbe SET N = N + 1 WHERE Id = 1", ct);
            return 0;
        }, (Query: SessionIdQuery, Session: session, Killed: killed), CancellationToken.None);
        var others = Enumerable.Range(0, 10).Select(i => AsTask(store.GetOrAddSettingAsync($"lost{i}", "x", CancellationToken.None))).ToList();
        release.SetResult();
        await holder.WaitAsync(Patience);

        await ExecuteAsync(Store, KillSessionStatement(await session.Task.WaitAsync(Patience)));
        killed.SetResult();

        foreach (var write in others.Prepend(victim))
        {
            await Assert.ThrowsAsync<StoreUnavailableException>(() => write.WaitAsync(Patience));
        }

        Assert.Equal("fresh", await store.GetOrAddSettingAsync("lost0", "fresh", CancellationToken.None).WaitAsync(Patience));
        Assert.Equal(Untouched, await ProbeAsync());
    }

    [Fact]
    public async Task WriteAsync_OperationAloneFails_ItsWritesAreUndoneWithoutAnySavepoint()
    {
        var store = Open(writers: 1, maxBatchSize: 50);
        var writer = WriterOf(store);
        var savepointsBefore = writer.SavepointStatements;

        var throwing = writer.WriteAsync<int, int>(static async (session, _, ct) =>
        {
            await ExecuteAsync(session, "UPDATE GroupCommitProbe SET N = N + 100 WHERE Id = 1", ct);
            throw new InvalidOperationException("this operation fails after writing");
        }, 0, CancellationToken.None);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => throwing.WaitAsync(Patience));
        Assert.Equal("this operation fails after writing", error.Message);

        var refused = writer.WriteAsync<int, int>(static async (session, _, ct) =>
        {
            await ExecuteAsync(session, "UPDATE GroupCommitProbe SET N = N + 100 WHERE Id = 2", ct);
            await ExecuteAsync(session, "INSERT INTO GroupCommitProbe (Id, N) VALUES (1, 0)", ct);
            return 0;
        }, 0, CancellationToken.None);
        await Assert.ThrowsAnyAsync<DbException>(() => refused.WaitAsync(Patience));

        Assert.Equal("v", await store.GetOrAddSettingAsync("alone", "v", CancellationToken.None).WaitAsync(Patience));
        Assert.Equal(savepointsBefore, writer.SavepointStatements);
        Assert.Equal(Untouched, await ProbeAsync());
    }

    [Fact]
    public async Task WriteAsync_BatchOfOperationsOneFailing_RunsAgainWithOneSavepointRoundTripPerOperationAndOnlyTheFailureUndone()
    {
        var store = Open(writers: 1, maxBatchSize: 50);
        var writer = WriterOf(store);
        var holder = Hold(writer, out var started, out var release);
        await started.Task.WaitAsync(Patience);
        var savepointsBefore = writer.SavepointStatements;

        var first = writer.WriteAsync<int, int>(static async (session, _, ct) =>
        {
            await ExecuteAsync(session, "UPDATE GroupCommitProbe SET N = N + 1 WHERE Id = 1", ct);
            return 1;
        }, 0, CancellationToken.None);
        var refused = writer.WriteAsync<int, int>(static async (session, _, ct) =>
        {
            await ExecuteAsync(session, "UPDATE GroupCommitProbe SET N = N + 100 WHERE Id = 2", ct);
            await ExecuteAsync(session, "INSERT INTO GroupCommitProbe (Id, N) VALUES (1, 0)", ct);
            return 0;
        }, 0, CancellationToken.None);
        var others = Enumerable.Range(0, 8).Select(i => writer.WriteAsync<int, int>(static async (session, _, ct) =>
        {
            await ExecuteAsync(session, "UPDATE GroupCommitProbe SET N = N + 1 WHERE Id = 2", ct);
            return 1;
        }, i, CancellationToken.None)).ToList();
        release.SetResult();

        await holder.WaitAsync(Patience);
        Assert.Equal(1, await first.WaitAsync(Patience));
        await Assert.ThrowsAnyAsync<DbException>(() => refused.WaitAsync(Patience));
        Assert.All(await Task.WhenAll(others).WaitAsync(Patience), v => Assert.Equal(1, v));

        // The batch ran without savepoints until the refused operation failed; then, everything rolled back, it ran again
        // isolated: ten operations, one savepoint statement each, and one rollback to the savepoint for the refused one.
        // The holder ran alone and set none. What the first round wrote before the failure counts once.
        Assert.Equal(savepointsBefore + 11, writer.SavepointStatements);
        Assert.Equal(1, writer.IsolatedRounds);
        Assert.Equal(FirstOnceSecondEightTimes, await ProbeAsync());
    }

    [Fact]
    public async Task WriteAsync_ConnectionDiesUnderOperationAlone_ItRunsAgainOnAFreshConnectionAndCountsOnce()
    {
        var store = Open(writers: 1, maxBatchSize: 50);
        var writer = WriterOf(store);
        var session = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = new StrongBox<int>();

        var victim = writer.WriteAsync(static async (s, a, ct) =>
        {
            Interlocked.Increment(ref a.Runs.Value);
            await using (var command = s.Connection.CreateCommand())
            {
                command.Transaction = s.Transaction;
                command.CommandText = a.Query;
                a.Session.TrySetResult(Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture));
            }

            await a.Killed.Task;
            await ExecuteAsync(s, "UPDATE GroupCommitProbe SET N = N + 1 WHERE Id = 1", ct);
            return 7;
        }, (Query: SessionIdQuery, Session: session, Killed: killed, Runs: runs), CancellationToken.None);

        await ExecuteAsync(Store, KillSessionStatement(await session.Task.WaitAsync(Patience)));
        killed.SetResult();

        Assert.Equal(7, await victim.WaitAsync(Patience));
        Assert.Equal(2, Volatile.Read(ref runs.Value));
        Assert.Equal(FirstOnce, await ProbeAsync());
    }

    [Fact]
    public async Task WriteAsync_BatchWithLockOrderKeys_RunsInKeyOrderAndInQueueOrderWithinAKey()
    {
        var store = Open(writers: 1, maxBatchSize: 50);
        var writer = WriterOf(store);
        var holder = Hold(writer, out var started, out var release);
        await started.Task.WaitAsync(Patience);
        var order = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var runA = new Guid("00000000-0000-0000-0000-00000000000a");
        var runB = new Guid("00000000-0000-0000-0000-00000000000b");

        Task<int> Queue(string name, Guid lockOrder) => writer.WriteAsync(static (_, a, _) =>
        {
            a.Order.Enqueue(a.Name);
            return ValueTask.FromResult(0);
        }, (Order: order, Name: name), lockOrder, CancellationToken.None);

        var writes = new[] { Queue("b1", runB), Queue("a1", runA), Queue("none", Guid.Empty), Queue("b2", runB), Queue("a2", runA) };
        release.SetResult();

        await holder.WaitAsync(Patience);
        await Task.WhenAll(writes).WaitAsync(Patience);
        Assert.Equal(KeyOrder, order.ToArray());
    }

    [Fact]
    public async Task WriteAsync_BacklogOfTwoSetKindsInterleaved_EachFullBatchHoldsOneKindAndTheLastMixedOneBoth()
    {
        var behind = await BehindHolderAsync(maxBatchSize: 4);
        var batchesBefore = behind.Writer.CommittedBatches;

        // A0 B0 A1 B1 … A5 B5 queued while the writer is busy: twelve operations, three batches of four.
        var writes = Enumerable.Range(0, 6).SelectMany(i => new[] { behind.Queue(behind.A, i), behind.Queue(behind.B, 100 + i) }).ToList();
        await behind.ReleaseAsync();
        var results = await Task.WhenAll(writes).WaitAsync(Patience);

        Assert.Equal(Enumerable.Range(0, 6).SelectMany(static i => new[] { i + 1, 101 + i }), results);

        // The holder's own transaction, then three batches.
        Assert.Equal(batchesBefore + 4, behind.Writer.CommittedBatches);

        // The first full batch keeps A (its oldest kind) and takes A2, A3 from behind; the B it passed over go first in the
        // next, which B3 fills; the last batch, with nothing queued behind it, runs as it came.
        Assert.Equal([4, 2], behind.A.SetSizes);
        Assert.Equal([4, 2], behind.B.SetSizes);
        Assert.Equal([0, 1, 2, 3, 4, 5], behind.A.Order);
        Assert.Equal([100, 101, 102, 103, 104, 105], behind.B.Order);
    }

    [Fact]
    public async Task WriteAsync_FullBatchWithOperationsThatRunAlone_KeepsThemBesideItsKind()
    {
        var behind = await BehindHolderAsync(maxBatchSize: 4);

        // A0 plain B0 plain A1 B1: the first batch keeps both plain writes with A0 and A1; B0 and B1 follow together.
        var writes = new List<Task<int>>
        {
            behind.Queue(behind.A, 0),
            AsTask(behind.Store.GetOrAddSettingAsync("plain1", "v1", CancellationToken.None)),
            behind.Queue(behind.B, 100),
            AsTask(behind.Store.GetOrAddSettingAsync("plain2", "v2", CancellationToken.None)),
            behind.Queue(behind.A, 1),
            behind.Queue(behind.B, 101),
        };
        await behind.ReleaseAsync();
        await Task.WhenAll(writes).WaitAsync(Patience);

        Assert.Equal([2], behind.A.SetSizes);
        Assert.Equal([2], behind.B.SetSizes);
        Assert.Equal("v2", await Store.GetOrAddSettingAsync("plain2", "other", CancellationToken.None));
    }

    [Fact]
    public async Task DisposeAsync_OperationsHeldBackForTheNextBatch_StillRun()
    {
        var behind = await BehindHolderAsync(maxBatchSize: 2);

        // A0 B0 B1 A1 behind a closed queue: the first batch keeps A0 and A1 and holds B0 and B1, which leaves the queue
        // empty and closed while they are still to run.
        var writes = new List<Task<int>> { behind.Queue(behind.A, 0), behind.Queue(behind.B, 100), behind.Queue(behind.B, 101), behind.Queue(behind.A, 1) };
        var disposed = behind.Store.DisposeAsync().AsTask();
        await behind.ReleaseAsync();
        await disposed.WaitAsync(Patience);

        var results = await Task.WhenAll(writes).WaitAsync(Patience);
        Assert.Equal([1, 101, 102, 2], results);
        Assert.Equal([2], behind.A.SetSizes);
        Assert.Equal([2], behind.B.SetSizes);
    }

    [Fact]
    public async Task DisposeAsync_QueuedOperations_StillCommitAndLaterOnesAreRefused()
    {
        var store = Open(writers: 2, maxBatchSize: 10);
        var queued = Enumerable.Range(0, 100).Select(i => store.GetOrAddSettingAsync($"k{i}", "v", CancellationToken.None)).ToList();

        await store.DisposeAsync();

        Assert.All(await Task.WhenAll(queued), v => Assert.Equal("v", v));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.GetOrAddSettingAsync("late", "v", CancellationToken.None));
        Assert.False(await store.IsReadyAsync(CancellationToken.None));
        Assert.Equal("v", await Store.GetOrAddSettingAsync("k99", "other", CancellationToken.None));
    }

    [Fact]
    public async Task WriteAsync_CancelledBeforeItRuns_IsNotApplied()
    {
        var store = Open(writers: 1, maxBatchSize: 10);
        var writer = WriterOf(store);
        var holder = Hold(writer, out var started, out var release);
        await started.Task.WaitAsync(Patience);
        using var cancel = new CancellationTokenSource();

        var queued = store.GetOrAddSettingAsync("cancelled", "never", cancel.Token);
        await cancel.CancelAsync();
        release.SetResult();

        await holder.WaitAsync(Patience);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued.WaitAsync(Patience));
        Assert.Equal("other", await Store.GetOrAddSettingAsync("cancelled", "other", CancellationToken.None));
    }

    [Fact]
    public async Task TakeOverSilentWorkersAsync_TwoLiveWorkersAndOneSilent_EachCommitsHalfTheWritersAndALoneWorkerAll()
    {
        var store = Open(writers: 4, maxBatchSize: 10);
        var writer = WriterOf(store);
        var now = DateTimeOffset.UtcNow;
        var timeout = TimeSpan.FromMinutes(1);
        await store.HeartbeatAsync(Guid.NewGuid(), now - (2 * timeout), now, CancellationToken.None);
        await store.HeartbeatAsync(Guid.NewGuid(), now, now + timeout, CancellationToken.None);
        await store.HeartbeatAsync(Guid.NewGuid(), now, now + timeout, CancellationToken.None);

        // The silent one is taken over and not counted.
        var taken = await store.TakeOverSilentWorkersAsync(now - timeout, now, CancellationToken.None);
        Assert.Equal(1, taken.Workers);
        Assert.Equal(2, writer.ActiveWriters);

        // Both fall silent and a third beats: alone, it commits all four batches at once again.
        var later = now + (2 * timeout);
        await store.HeartbeatAsync(Guid.NewGuid(), later, later + timeout, CancellationToken.None);
        await store.TakeOverSilentWorkersAsync(later - timeout, later, CancellationToken.None);
        Assert.Equal(4, writer.ActiveWriters);
    }

    [Fact]
    public async Task TakeOverSilentWorkersAsync_ShareWritersOff_EveryWorkerKeepsItsWriters()
    {
        var store = Open(writers: 4, maxBatchSize: 10, shareWriters: false);
        var writer = WriterOf(store);
        var now = DateTimeOffset.UtcNow;
        await store.HeartbeatAsync(Guid.NewGuid(), now, now + TimeSpan.FromMinutes(1), CancellationToken.None);
        await store.HeartbeatAsync(Guid.NewGuid(), now, now + TimeSpan.FromMinutes(1), CancellationToken.None);

        await store.TakeOverSilentWorkersAsync(now - TimeSpan.FromMinutes(1), now, CancellationToken.None);

        Assert.False(writer.SharesWriters);
        Assert.Equal(4, writer.ActiveWriters);
    }

    [Fact]
    public async Task ShareAmong_LoneWorkerUnderLoad_CommitsItsFullCountOfBatchesAtOnce()
    {
        var store = Open(writers: 4, maxBatchSize: 10);
        var writer = WriterOf(store);
        writer.ShareAmong(2);
        writer.ShareAmong(1);

        // Four batches held open at once: each holder, queued once the one before runs, takes a writer of its own.
        var holders = new List<(Task<int> Task, TaskCompletionSource Release)>();
        for (var i = 0; i < 4; i++)
        {
            holders.Add((Hold(writer, out var started, out var release), release));
            await started.Task.WaitAsync(Patience);
        }

        Assert.Equal(4, writer.ActiveWriters);
        foreach (var holder in holders)
        {
            holder.Release.SetResult();
        }

        await Task.WhenAll(holders.Select(h => h.Task)).WaitAsync(Patience);
    }

    [Fact]
    public async Task ShareAmong_TwoWorkers_AtMostTwoBatchesAtOnceAndAGrownShareTakesTheWaitingWriteAtOnce()
    {
        var store = Open(writers: 4, maxBatchSize: 10);
        var writer = WriterOf(store);
        writer.ShareAmong(2);
        Assert.Equal(2, writer.ActiveWriters);
        var first = Hold(writer, out var firstStarted, out var firstRelease);
        await firstStarted.Task.WaitAsync(Patience);
        var second = Hold(writer, out var secondStarted, out var secondRelease);
        await secondStarted.Task.WaitAsync(Patience);
        var batchesBefore = writer.CommittedBatches;

        // Both writers of this worker's share are held: the write waits in the queue (with all four writers it would run at
        // once, beside the holders), and once the share grows a third writer takes it while both holders still run.
        var written = writer.WriteAsync(static (_, held, _) => ValueTask.FromResult(!held.Item1.Task.IsCompleted && !held.Item2.Task.IsCompleted),
            (firstRelease, secondRelease), CancellationToken.None);
        try
        {
            Assert.NotSame(written, await Task.WhenAny(written, Task.Delay(QueuedWriteGrace)));
            writer.ShareAmong(1);

            Assert.True(await written.WaitAsync(Patience));
            Assert.Equal(batchesBefore + 1, writer.CommittedBatches);
        }
        finally
        {
            // Released also when a check fails, so that the store's disposal does not wait for them.
            firstRelease.TrySetResult();
            secondRelease.TrySetResult();
        }

        await Task.WhenAll(first, second).WaitAsync(Patience);
    }

    [Fact]
    public async Task WriteAsync_ManyWritersOneAtATimeWhileTheShareChanges_EveryWriteCommits()
    {
        var store = Open(writers: 4, maxBatchSize: 3);
        var writer = WriterOf(store);
        using var stop = new CancellationTokenSource();

        // The share moves under the writes, so that loops are parked and unparked while writes arrive: a write that no
        // active loop took would wait here until the next write, and the last write of every caller has none.
        var shares = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                writer.ShareAmong(1 + (i % 4));
                await Task.Delay(1);
            }
        });
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                Assert.Equal(i, await writer.WriteAsync(static (_, n, _) => ValueTask.FromResult(n), i, CancellationToken.None).WaitAsync(Patience));
                if (i % (w + 2) == 0)
                {
                    await Task.Delay(1);
                }
            }
        })).ToList();
        try
        {
            await Task.WhenAll(writers).WaitAsync(Patience);
        }
        finally
        {
            await stop.CancelAsync();
            await shares;
        }
    }

    [Fact]
    public async Task DisposeAsync_ParkedWriters_StopAndQueuedOperationsStillCommit()
    {
        var store = Open(writers: 4, maxBatchSize: 10);
        WriterOf(store).ShareAmong(4);
        var queued = Enumerable.Range(0, 30).Select(i => store.GetOrAddSettingAsync($"p{i}", "v", CancellationToken.None)).ToList();

        await store.DisposeAsync().AsTask().WaitAsync(Patience);

        Assert.All(await Task.WhenAll(queued), v => Assert.Equal("v", v));
        Assert.Equal("v", await Store.GetOrAddSettingAsync("p29", "other", CancellationToken.None));
    }

    // How long a write that must wait for a writer is watched not to run. Only a write that runs when it must not can
    // fail the check; a slow machine can only let such a write go unnoticed.
    private static readonly TimeSpan QueuedWriteGrace = TimeSpan.FromMilliseconds(300);

    protected SqlStorage Open(int writers, int maxBatchSize, bool shareWriters = true)
    {
        var options = new SqlStorageOptions
        {
            Provider = _database.Options.Provider,
            ConnectionString = _database.Options.ConnectionString,
            GroupCommit = new GroupCommitOptions { Writers = writers, MaxBatchSize = maxBatchSize, ShareWriters = shareWriters },
        };
        var store = SqlStorage.Create(options, TimeProvider.System);
        _stores.Add(store);
        return store;
    }

    private async Task<int[]> ProbeAsync() =>
        await Store.Executor.ReadAsync(static async (s, _, ct) =>
        {
            await using var command = s.Connection.CreateCommand();
            command.CommandText = "SELECT N FROM GroupCommitProbe ORDER BY Id";
            await using var reader = await command.ExecuteReaderAsync(ct);
            var values = new List<int>();
            while (await reader.ReadAsync(ct))
            {
                values.Add(reader.GetInt32(0));
            }

            return values.ToArray();
        }, 0, CancellationToken.None);

    private static Task ExecuteAsync(SqlStorage store, string sql) =>
        store.Executor.ReadAsync(static async (s, sql, ct) =>
        {
            await using var command = s.Connection.CreateCommand();
            command.CommandText = sql;
            return await command.ExecuteNonQueryAsync(ct);
        }, sql, CancellationToken.None);

    private static async Task ExecuteAsync(SqlSession session, string sql, CancellationToken cancellationToken)
    {
        await using var command = session.Connection.CreateCommand();
        command.Transaction = session.Transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<int> AsTask(Task<string> write)
    {
        await write;
        return 0;
    }

    /// <summary>A store of one writer with batches of <paramref name="maxBatchSize"/>, held busy inside a batch.</summary>
    private async Task<KindsBehindHolder> BehindHolderAsync(int maxBatchSize)
    {
        var store = Open(writers: 1, maxBatchSize);
        var writer = WriterOf(store);
        var holder = Hold(writer, out var started, out var release);
        await started.Task.WaitAsync(Patience);
        return new KindsBehindHolder(store, writer, holder, release);
    }

    /// <summary>Two set kinds to queue behind a held writer, and the release of the holder.</summary>
    private sealed class KindsBehindHolder(SqlStorage store, ServerGroupCommitWriter writer, Task<int> holder, TaskCompletionSource release)
    {
        public SqlStorage Store => store;

        public ServerGroupCommitWriter Writer => writer;

        public RecordingKind A { get; } = new();

        public RecordingKind B { get; } = new();

        public Task<int> Queue(RecordingKind kind, int state) => writer.WriteAsync(kind, state, Guid.Empty, CancellationToken.None);

        public async Task ReleaseAsync()
        {
            release.SetResult();
            await holder.WaitAsync(Patience);
        }
    }

    /// <summary>A set kind that answers each state plus one and records the size of every set it ran and the states in order.</summary>
    private sealed class RecordingKind : BatchedOperation<int, int>
    {
        private readonly Lock _lock = new();

        public List<int> SetSizes { get; } = [];

        public List<int> Order { get; } = [];

        public override ValueTask<int> ExecuteOneAsync(SqlSession session, int state, CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                Order.Add(state);
            }

            return ValueTask.FromResult(state + 1);
        }

        public override ValueTask ExecuteManyAsync(SqlSession session, IReadOnlyList<int> states, int[] results, CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                SetSizes.Add(states.Count);
                Order.AddRange(states);
            }

            for (var i = 0; i < states.Count; i++)
            {
                results[i] = states[i] + 1;
            }

            return ValueTask.CompletedTask;
        }
    }
}
