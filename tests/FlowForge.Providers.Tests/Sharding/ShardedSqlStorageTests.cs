using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Compliance;
using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql;
using FlowForge.Storage.Sql.Sharding;
using Microsoft.Extensions.Logging;

namespace FlowForge.Providers.Tests.Sharding;

/// <summary>Where a sharded store puts things, on two SQLite files.</summary>
public sealed class ShardedSqlStorageTests() : StoreCompliance(new ShardedSqliteStorageProvider(shards: 2))
{
    private ShardedSqlStorage Sharded => (ShardedSqlStorage)Store;

    [Fact]
    public async Task CreateRunAsync_ManyRuns_EachLivesOnlyOnTheShardItsIdHashesTo()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var perShard = new int[2];
        for (var i = 0; i < 30; i++)
        {
            var runId = (await CreateRunAsync(plan)).RunId;
            var home = Sharded.ShardOf(runId);
            perShard[home]++;

            Assert.NotNull(await Sharded.Shard(home).GetRunAsync(runId, Owner, CancellationToken.None));
            Assert.Null(await Sharded.Shard(1 - home).GetRunAsync(runId, Owner, CancellationToken.None));
        }

        Assert.All(perShard, count => Assert.True(count > 0));
    }

    [Fact]
    public async Task FlowsUsersAndSettings_LiveOnShardZero()
    {
        var flow = await Store.CreateAsync(Owner, "f", "{}", CancellationToken.None);
        await Store.TryCreateAsync(new UserRecord(Guid.NewGuid(), "ada@example.com", "h", T0), CancellationToken.None);
        await Store.GetOrAddSettingAsync("signing-key", "k", CancellationToken.None);

        Assert.NotNull(await Sharded.Shard(0).GetAsync(flow.Id, Owner, null, CancellationToken.None));
        Assert.Null(await Sharded.Shard(1).GetAsync(flow.Id, Owner, null, CancellationToken.None));
        Assert.NotNull(await Sharded.Shard(0).FindByEmailAsync("ada@example.com", CancellationToken.None));
        Assert.Null(await Sharded.Shard(1).FindByEmailAsync("ada@example.com", CancellationToken.None));
        Assert.Equal("other", await Sharded.Shard(1).GetOrAddSettingAsync("signing-key", "other", CancellationToken.None));
        Assert.Equal("k", await Store.GetOrAddSettingAsync("signing-key", "other", CancellationToken.None));
    }

    [Fact]
    public async Task Outbox_MessagesOfBothShards_HaveDistinctIdsAndAcknowledgementsReachTheirShard()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var created = new List<OutboxMessageOf>();
        for (var i = 0; i < 20; i++)
        {
            var creation = await CreateRunAsync(plan);
            created.Add(new(creation.Messages[0].OutboxId, Sharded.ShardOf(creation.RunId)));
        }

        var pending = await Store.ReadPendingAsync(100, CancellationToken.None);

        Assert.Equal(created.Select(c => c.OutboxId).Order(), pending.Select(m => m.OutboxId).Order());
        Assert.All(created, c => Assert.Equal(c.Shard, (int)(c.OutboxId >> ShardedOutboxIds.LocalBits)));
        Assert.Contains(created, c => c.Shard == 0);
        Assert.Contains(created, c => c.Shard == 1);

        var acknowledged = created.Where((_, i) => i % 2 == 0).Select(c => c.OutboxId).ToList();
        await Store.AcknowledgeAsync([.. acknowledged, ShardedOutboxIds.ToGlobal(5, 1)], CancellationToken.None);

        var left = await Store.ReadPendingAsync(100, CancellationToken.None);
        Assert.Equal(created.Select(c => c.OutboxId).Except(acknowledged).Order(), left.Select(m => m.OutboxId).Order());
    }

    [Fact]
    public async Task ReadPendingAsync_ByIds_ReadsEachShardsOwnRows()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var created = new List<OutboxMessageOf>();
        for (var i = 0; i < 20; i++)
        {
            var creation = await CreateRunAsync(plan);
            created.Add(new(creation.Messages[0].OutboxId, Sharded.ShardOf(creation.RunId)));
        }

        Assert.Contains(created, c => c.Shard == 0);
        Assert.Contains(created, c => c.Shard == 1);
        var asked = created.Where((_, i) => i % 2 == 1).Select(c => c.OutboxId).ToList();

        // With an id of a shard that does not exist and one that shard 1 never issued.
        var read = await Store.ReadPendingAsync([.. asked, ShardedOutboxIds.ToGlobal(5, 1), ShardedOutboxIds.ToGlobal(1, 999_999)], CancellationToken.None);

        Assert.Equal(asked.Order(), read.Select(m => m.OutboxId).Order());
        var all = (await Store.ReadPendingAsync(100, CancellationToken.None)).ToDictionary(m => m.OutboxId);
        Assert.All(read, m => Assert.Equal(all[m.OutboxId], m));
    }

    [Fact]
    public async Task ReadPendingAsync_Limit_TakesFromEveryShardInTurn()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        for (var i = 0; i < 30; i++)
        {
            await CreateRunAsync(plan);
        }

        var page = await Store.ReadPendingAsync(4, CancellationToken.None);

        Assert.Equal(4, page.Count);
        Assert.Equal([0, 1, 0, 1], page.Select(m => (int)(m.OutboxId >> ShardedOutboxIds.LocalBits)));
    }

    [Fact]
    public async Task ListTimersAsync_TimersOnBothShards_SoonestFirst()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var shardsWithTimers = new HashSet<int>();
        for (var i = 0; i < 12; i++)
        {
            var creation = await CreateRunAsync(plan);
            var claim = await ClaimAsync(creation.Messages[0], plan);
            await WaitAsync(plan, claim, T0.AddMinutes(60 - i));
            shardsWithTimers.Add(Sharded.ShardOf(creation.RunId));
        }

        var timers = await Store.ListTimersAsync(DateTimeOffset.MaxValue, CancellationToken.None);

        Assert.Equal(2, shardsWithTimers.Count);
        Assert.Equal(12, timers.Count);
        Assert.Equal(timers.Select(t => t.DueAt).Order(), timers.Select(t => t.DueAt));
    }

    [Fact]
    public async Task CreateRunAsync_KeyClaimedButRunNeverWritten_RetryWritesTheClaimedRun()
    {
        // A crash between claiming the key on shard 0 and writing the run on its shard leaves only the claim.
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var claimedId = Guid.CreateVersion7();
        await Sharded.Shard(0).ClaimIdempotencyKeyAsync(Owner, plan.FlowId, "order-1", claimedId, CancellationToken.None);

        var retry = await CreateRunAsync(plan, idempotencyKey: "order-1");
        var again = await CreateRunAsync(plan, idempotencyKey: "order-1");

        Assert.True(retry.Created);
        Assert.Equal(claimedId, retry.RunId);
        Assert.False(again.Created);
        Assert.Equal(claimedId, again.RunId);
        Assert.NotNull(await Sharded.Shard(Sharded.ShardOf(claimedId)).GetRunAsync(claimedId, Owner, CancellationToken.None));
    }

    [Fact]
    public async Task Sweeps_OneShardUnavailable_TheOtherShardIsStillRecoveredTimedAndRelayed()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var onShardZero = new List<Guid>();
        for (var i = 0; i < 16; i++)
        {
            var creation = await CreateRunAsync(plan, createdAt: T0);
            if (Sharded.ShardOf(creation.RunId) == 0)
            {
                onShardZero.Add(creation.RunId);
            }
        }

        var parked = await CreateRunOnShardZeroAsync(plan);
        var claim = await ClaimAsync(parked.Messages[0], plan);
        await WaitAsync(plan, claim, T0.AddMinutes(11));
        await using var down = UnavailableShard();
        var logger = new RecordingLogger<ShardedSqlStorage>();
        var partial = new ShardedSqlStorage([Sharded.Shard(0), down], logger);
        var now = T0.AddMinutes(10);

        var requeued = await partial.RequeueAbandonedAsync(now, noOtherWorkers: false, TimeSpan.FromMinutes(5), 1_000, CancellationToken.None);
        var timers = await partial.ListTimersAsync(now.AddHours(1), CancellationToken.None);
        var pending = await partial.ReadPendingAsync(1_000, CancellationToken.None);
        var closed = await partial.CloseNodesOfEndedRunsAsync(now, 1_000, CancellationToken.None);

        Assert.NotEmpty(onShardZero);
        Assert.Equal(onShardZero.Order(), requeued.Select(m => m.Message.RunId).Order());
        Assert.Equal(parked.RunId, Assert.Single(timers).Message.RunId);
        Assert.All(pending, m => Assert.Equal(0, (int)(m.OutboxId >> ShardedOutboxIds.LocalBits)));
        Assert.Superset(requeued.Select(m => m.OutboxId).ToHashSet(), pending.Select(m => m.OutboxId).ToHashSet());
        Assert.Equal(0, closed);
        var failures = logger.Entries.Where(e => e.Level == LogLevel.Error).ToList();
        Assert.Equal(4, failures.Count);
        Assert.All(failures, f => Assert.Contains("shard 1 of 2", f.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sweeps_EveryShardUnavailable_TheFailureReachesTheCaller()
    {
        await using var down = UnavailableShard();
        await using var alsoDown = UnavailableShard();
        var unavailable = new ShardedSqlStorage([down, alsoDown]);

        await Assert.ThrowsAnyAsync<Exception>(() => unavailable.RequeueAbandonedAsync(T0, false, TimeSpan.FromMinutes(5), 100, CancellationToken.None));
        await Assert.ThrowsAnyAsync<Exception>(() => unavailable.ListTimersAsync(T0, CancellationToken.None));
        await Assert.ThrowsAnyAsync<Exception>(() => unavailable.ReadPendingAsync(100, CancellationToken.None));
    }

    // A SQLite file in a folder that does not exist, opened without permission to create it: every operation fails.
    private SqlStorage UnavailableShard() => SqlStorage.CreateShard(
        new SqlStorageOptions
        {
            Provider = SqlStorageOptions.Sqlite,
            ConnectionString = $"Data Source={Path.Combine(SqliteStorageProvider.TempDirectory, Guid.NewGuid().ToString("N"), "missing.db")};Mode=ReadWrite",
        },
        0,
        Time);

    private async Task<Engine.Storage.RunCreation> CreateRunOnShardZeroAsync(Engine.Graphs.ExecutionPlan plan)
    {
        for (var i = 0; i < 64; i++)
        {
            var runId = Guid.CreateVersion7();
            if (Sharded.ShardOf(runId) == 0)
            {
                return await CreateRunAsync(plan, runId: runId);
            }
        }

        throw new InvalidOperationException("No run id of 64 hashed to shard 0.");
    }

    private sealed record OutboxMessageOf(long OutboxId, int Shard);
}
