using FlowForge.Engine.Graphs;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql;
using FlowForge.Storage.Sql.Execution;
using FlowForge.Storage.Sql.Sqlite;
using Microsoft.Data.Sqlite;

namespace FlowForge.Providers.Tests.Sqlite;

public sealed class SqliteGroupCommitWriterTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private TestDatabase _database = null!;

    private SqlStorage Store => _database.Storage;

    private SqliteGroupCommitWriter Writer => ((SqliteExecutor)Store.Executor).Writer;

    public async Task InitializeAsync() => _database = await new SqliteStorageProvider().CreateDatabaseAsync(TimeProvider.System);

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task WriteAsync_ManyConcurrentOperations_AllCompleteInFewerTransactions()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var owner = Guid.NewGuid();
        var batchesBefore = Writer.CommittedBatches;

        var creations = await Task.WhenAll(Enumerable.Range(0, 2_000).Select(i =>
            Store.CreateRunAsync(new NewRun(Guid.CreateVersion7(), owner, plan.FlowId, 1, "{}", null, T0.AddTicks(i * 10)), plan, CancellationToken.None)));
        var claims = await Task.WhenAll(creations.Select(c =>
            Store.TryClaimAsync(c.Messages[0].Message, [], Guid.NewGuid(), T0, T0.AddMinutes(1), CancellationToken.None)));

        Assert.All(creations, c => Assert.True(c.Created));
        Assert.All(claims, Assert.NotNull);
        Assert.Equal(2_000, creations.Select(c => c.Messages[0].OutboxId).Distinct().Count());
        Assert.InRange(Writer.CommittedBatches - batchesBefore, 2, 3_999);
        var pending = await Store.ReadPendingAsync(5_000, CancellationToken.None);
        Assert.Equal(2_000, pending.Count);
    }

    [Fact]
    public async Task WriteAsync_OperationFailsInsideBatch_OnlyItsCallerFailsAndItsWritesAreUndone()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Hold the writer inside a batch so that everything below queues up into the next one.
        var holder = Writer.WriteAsync(static async (_, gates, _) =>
        {
            gates.Started.SetResult();
            await gates.Release.Task;
            return 0;
        }, (Started: started, Release: release), CancellationToken.None);
        await started.Task;
        var batchesBefore = Writer.CommittedBatches;
        var (isolatedBefore, savepointsBefore) = (Writer.IsolatedBatches, Writer.SavepointStatements);

        var before = Enumerable.Range(0, 50).Select(i => CreateUserAsync($"before{i}@example.com")).ToList();
        var failing = Writer.WriteAsync<int, int>(static async (session, _, ct) =>
        {
            await using var insert = session.Connection.CreateCommand();
            insert.CommandText = "INSERT INTO Settings (Name, Value) VALUES ('written-then-undone', 'x')";
            await insert.ExecuteNonQueryAsync(ct);
            throw new InvalidOperationException("this operation fails after writing");
        }, 0, CancellationToken.None);
        var after = Enumerable.Range(0, 50).Select(i => CreateUserAsync($"after{i}@example.com")).ToList();
        release.SetResult();

        await holder;
        Assert.All(await Task.WhenAll(before.Concat(after)), Assert.True);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal("this operation fails after writing", error.Message);
        Assert.Equal(batchesBefore + 2, Writer.CommittedBatches);

        // The batch of 101 ran once without savepoints, then again with one per operation: set and released, and for
        // the failing one rolled back to.
        Assert.Equal(isolatedBefore + 1, Writer.IsolatedBatches);
        Assert.Equal(savepointsBefore + (101 * 2) + 1, Writer.SavepointStatements);
        Assert.Equal("fresh", await Store.GetOrAddSettingAsync("written-then-undone", "fresh", CancellationToken.None));
        Assert.NotNull(await Store.FindByEmailAsync("before0@example.com", CancellationToken.None));
        Assert.NotNull(await Store.FindByEmailAsync("after49@example.com", CancellationToken.None));
    }

    [Fact]
    public async Task CreateRunAsync_ConstraintFailsMidway_RunIsAbsentAndConcurrentCreatesLand()
    {
        var good = TestPlans.Diamond(Guid.NewGuid());
        var broken = new ExecutionPlan(Guid.NewGuid(), 1,
        [
            new PlanNode("trigger", "core.manualTrigger", null, true, [], [new PlanEdge("e", "main", "bad")], []),
            new PlanNode("bad", null!, null, false, ["trigger"], [], ["trigger"]) { JoinCount = 1 },
        ]);
        var owner = Guid.NewGuid();
        var brokenRunId = Guid.CreateVersion7();

        var goods = Enumerable.Range(0, 100)
            .Select(_ => Store.CreateRunAsync(new NewRun(Guid.CreateVersion7(), owner, good.FlowId, 1, "{}", null, T0), good, CancellationToken.None))
            .ToList();
        var failing = Store.CreateRunAsync(new NewRun(brokenRunId, owner, broken.FlowId, 1, "{}", null, T0), broken, CancellationToken.None);
        goods.AddRange(Enumerable.Range(0, 100)
            .Select(_ => Store.CreateRunAsync(new NewRun(Guid.CreateVersion7(), owner, good.FlowId, 1, "{}", null, T0), good, CancellationToken.None)));

        await Assert.ThrowsAsync<SqliteException>(() => failing);
        var created = await Task.WhenAll(goods);
        Assert.All(created, c => Assert.True(c.Created));
        Assert.Null(await Store.GetRunAsync(brokenRunId, null, CancellationToken.None));
        Assert.Equal(200, (await Store.ReadPendingAsync(1_000, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task WriteAsync_CancelledBeforeItRuns_IsNotApplied()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = Writer.WriteAsync(static async (_, gates, _) =>
        {
            gates.Started.SetResult();
            await gates.Release.Task;
            return 0;
        }, (Started: started, Release: release), CancellationToken.None);
        await started.Task;
        using var cancel = new CancellationTokenSource();

        var queued = Store.GetOrAddSettingAsync("cancelled", "never", cancel.Token);
        await cancel.CancelAsync();
        release.SetResult();

        await holder;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        Assert.Equal("other", await Store.GetOrAddSettingAsync("cancelled", "other", CancellationToken.None));
    }

    [Fact]
    public async Task DisposeAsync_QueuedOperations_StillCommitAndLaterOnesAreRefused()
    {
        var storage = _database.OpenAnother();
        var queued = Enumerable.Range(0, 100).Select(i => storage.GetOrAddSettingAsync($"k{i}", "v", CancellationToken.None)).ToList();

        await storage.DisposeAsync();

        Assert.All(await Task.WhenAll(queued), v => Assert.Equal("v", v));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => storage.GetOrAddSettingAsync("late", "v", CancellationToken.None));
        Assert.False(await storage.IsReadyAsync(CancellationToken.None));
        Assert.Equal("v", await Store.GetOrAddSettingAsync("k99", "other", CancellationToken.None));
    }

    [Fact]
    public async Task Connection_IsInWalModeWithFullSync()
    {
        await Store.GetOrAddSettingAsync("touch", "x", CancellationToken.None);
        var pragmas = await Writer.WriteAsync(static async (session, _, ct) =>
        {
            await using var command = session.Connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode";
            var journal = (string?)await command.ExecuteScalarAsync(ct);
            command.CommandText = "PRAGMA synchronous";
            var synchronous = (long?)await command.ExecuteScalarAsync(ct);
            return (journal, synchronous);
        }, 0, CancellationToken.None);

        Assert.Equal("wal", pragmas.journal);
        Assert.Equal(2L, pragmas.synchronous);
    }

    [Fact]
    public async Task WriteAsync_BatchesWithoutAFailure_SetNoSavepoint()
    {
        var (isolatedBefore, savepointsBefore) = (Writer.IsolatedBatches, Writer.SavepointStatements);

        Assert.All(await Task.WhenAll(Enumerable.Range(0, 300).Select(i => CreateUserAsync($"user{i}@example.com"))), Assert.True);

        Assert.Equal(isolatedBefore, Writer.IsolatedBatches);
        Assert.Equal(savepointsBefore, Writer.SavepointStatements);
    }

    [Fact]
    public async Task WriteAsync_OperationAloneInItsBatchFails_ItsWritesUndoneWithoutASavepoint()
    {
        var (isolatedBefore, savepointsBefore) = (Writer.IsolatedBatches, Writer.SavepointStatements);

        var failing = Writer.WriteAsync<int, int>(static async (session, _, ct) =>
        {
            await using var insert = session.Connection.CreateCommand();
            insert.CommandText = "INSERT INTO Settings (Name, Value) VALUES ('alone-then-undone', 'x')";
            await insert.ExecuteNonQueryAsync(ct);
            throw new InvalidOperationException("the only operation fails after writing");
        }, 0, CancellationToken.None);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal("the only operation fails after writing", error.Message);
        Assert.Equal("fresh", await Store.GetOrAddSettingAsync("alone-then-undone", "fresh", CancellationToken.None));
        Assert.True(await CreateUserAsync("after-the-failure@example.com"));
        Assert.Equal(isolatedBefore, Writer.IsolatedBatches);
        Assert.Equal(savepointsBefore, Writer.SavepointStatements);
    }

    private Task<bool> CreateUserAsync(string email) =>
        Store.TryCreateAsync(new UserRecord(Guid.NewGuid(), email, "h", T0), CancellationToken.None);
}
