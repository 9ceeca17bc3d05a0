using System.Collections.Concurrent;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Compliance;

public abstract class RunQueriesCompliance(StorageProvider provider) : StoreCompliance(provider)
{
    [Fact]
    public async Task GetRunAsync_ReturnsNodesInPlanOrderWithTheirTypes()
    {
        var plan = TestPlans.Branch(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);

        var run = await GetRunAsync(creation.RunId);

        Assert.Equal(creation.RunId, run.Id);
        Assert.Equal(plan.FlowId, run.FlowId);
        Assert.Equal(1, run.FlowVersion);
        Assert.Equal(plan.Nodes.Select(n => (n.Id, n.Type)), run.Nodes.Select(n => (n.NodeId, n.Type)));
    }

    [Fact]
    public async Task GetRunAsync_OwnerScoped_HidesOtherOwnersRuns()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);

        Assert.NotNull(await Store.GetRunAsync(creation.RunId, Owner, CancellationToken.None));
        Assert.NotNull(await Store.GetRunAsync(creation.RunId, null, CancellationToken.None));
        Assert.Null(await Store.GetRunAsync(creation.RunId, Guid.NewGuid(), CancellationToken.None));
        Assert.Null(await Store.GetRunAsync(Guid.NewGuid(), null, CancellationToken.None));
    }

    [Fact]
    public async Task GetRunAsync_FinishedNodes_CarryTimesOutputAndAttempt()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var creation = await CreateRunAsync(plan);
        var claim = await ClaimAsync(creation.Messages[0], plan, T0.AddSeconds(1));
        await SucceedAsync(plan, claim, output: """{"a":1}""", at: T0.AddSeconds(2));

        var trigger = NodeOf(await GetRunAsync(creation.RunId), "trigger");

        Assert.Equal(new NodeInstanceView("trigger", "core.manualTrigger", NodeStatus.Succeeded, 1, T0.AddSeconds(1), T0.AddSeconds(2), """{"a":1}""", null, null), trigger);
    }

    [Fact]
    public async Task ListRunsAsync_PagesNewestFirstWithoutGapsOrDuplicates()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var expected = new List<(DateTimeOffset CreatedAt, Guid Id)>();
        for (var i = 0; i < 23; i++)
        {
            // Three runs share each timestamp, so the id has to break ties.
            var createdAt = T0.AddSeconds(i / 3);
            var creation = await CreateRunAsync(plan, createdAt: createdAt);
            expected.Add((createdAt, creation.RunId));
        }

        await CreateRunAsync(TestPlans.Diamond(Guid.NewGuid()));
        await CreateRunAsync(plan, owner: Guid.NewGuid());

        var seen = new List<RunSummary>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Store.ListRunsAsync(plan.FlowId, Owner, new PageRequest(5, cursor), CancellationToken.None);
            Assert.True(page.Items.Count <= 5);
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(5, pages);
        Assert.Equal(expected.Count, seen.Count);
        Assert.Equal(expected.Select(e => e.Id).Order(), seen.Select(s => s.Id).Order());
        Assert.Equal(seen.Select(s => s.CreatedAt).OrderDescending(), seen.Select(s => s.CreatedAt));
        Assert.All(seen, s => Assert.Equal(RunStatus.Pending, s.Status));
    }

    [Fact]
    public async Task ListRunsAsync_WhileRunsAreInserted_NoDuplicatesOrGaps()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var existing = new HashSet<Guid>();
        for (var i = 0; i < 60; i++)
        {
            existing.Add((await CreateRunAsync(plan, createdAt: T0.AddMilliseconds(i / 2))).RunId);
        }

        var inserted = new ConcurrentBag<Guid>();
        using var stop = new CancellationTokenSource();
        var inserter = Task.Run(async () =>
        {
            var i = 0;
            while (!stop.IsCancellationRequested)
            {
                inserted.Add((await CreateRunAsync(plan, createdAt: T0.AddSeconds(10).AddMilliseconds(i++))).RunId);
            }
        });

        var seen = new List<Guid>();
        string? cursor = null;
        try
        {
            do
            {
                var page = await Store.ListRunsAsync(plan.FlowId, Owner, new PageRequest(7, cursor), CancellationToken.None);
                seen.AddRange(page.Items.Select(r => r.Id));
                cursor = page.NextCursor;
                await Task.Yield();
            }
            while (cursor is not null);
        }
        finally
        {
            await stop.CancelAsync();
            await inserter;
        }

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Subset(seen.ToHashSet(), existing);
        Assert.All(seen.Where(id => !existing.Contains(id)), id => Assert.Contains(id, inserted));
    }

    [Fact]
    public async Task ListRunsAsync_LimitOutOfRange_IsClamped()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        for (var i = 0; i < 3; i++)
        {
            await CreateRunAsync(plan, createdAt: T0.AddSeconds(i));
        }

        var zero = await Store.ListRunsAsync(plan.FlowId, Owner, new PageRequest(0, null), CancellationToken.None);
        var huge = await Store.ListRunsAsync(plan.FlowId, Owner, new PageRequest(100_000, null), CancellationToken.None);

        Assert.Single(zero.Items);
        Assert.NotNull(zero.NextCursor);
        Assert.Equal(3, huge.Items.Count);
        Assert.Null(huge.NextCursor);
    }

    [Theory]
    [InlineData("not a cursor")]
    [InlineData("AAAA")]
    [InlineData("RkFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB")]
    public async Task ListRunsAsync_ForeignCursor_ThrowsInvalidCursor(string cursor)
    {
        await Assert.ThrowsAsync<InvalidCursorException>(() =>
            Store.ListRunsAsync(Guid.NewGuid(), Owner, new PageRequest(10, cursor), CancellationToken.None));
    }

    [Fact]
    public async Task ListRunsAsync_CursorOfFlowListing_ThrowsInvalidCursor()
    {
        for (var i = 0; i < 2; i++)
        {
            await Store.CreateAsync(Owner, $"flow {i}", "{}", CancellationToken.None);
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        var flows = await Store.ListAsync(Owner, new PageRequest(1, null), null, CancellationToken.None);

        Assert.NotNull(flows.NextCursor);
        await Assert.ThrowsAsync<InvalidCursorException>(() =>
            Store.ListRunsAsync(Guid.NewGuid(), Owner, new PageRequest(10, flows.NextCursor), CancellationToken.None));
    }

    [Fact]
    public async Task LastRunsAsync_SeveralFlows_ReturnsEachFlowsNewestRunOnly()
    {
        var busy = TestPlans.Diamond(Guid.NewGuid());
        var quiet = TestPlans.Diamond(Guid.NewGuid());
        for (var i = 0; i < 5; i++)
        {
            // The last runs share a timestamp, so the id has to break the tie as the run listing does.
            await CreateRunAsync(busy, createdAt: T0.AddSeconds(Math.Min(i, 3)));
        }

        await CreateRunAsync(quiet, createdAt: T0.AddSeconds(20), owner: Guid.NewGuid());
        var quietRun = await CreateRunAsync(quiet, createdAt: T0.AddSeconds(10));
        var listed = (await Store.ListRunsAsync(busy.FlowId, Owner, new PageRequest(1, null), CancellationToken.None)).Items[0];

        var last = await Store.LastRunsAsync(Owner, [busy.FlowId, quiet.FlowId, Guid.NewGuid()], CancellationToken.None);

        Assert.Equal(2, last.Count);
        Assert.Equal(
            new LastRun(busy.FlowId, listed.Id, listed.Status, T0.AddSeconds(3), null),
            Assert.Single(last, r => r.FlowId == busy.FlowId));
        Assert.Equal(
            new LastRun(quiet.FlowId, quietRun.RunId, listed.Status, T0.AddSeconds(10), null),
            Assert.Single(last, r => r.FlowId == quiet.FlowId));
    }

    [Fact]
    public async Task LastRunsAsync_AnotherOwnersFlows_ReturnsNothing()
    {
        var plan = TestPlans.Diamond(Guid.NewGuid());
        await CreateRunAsync(plan);

        Assert.Empty(await Store.LastRunsAsync(Guid.NewGuid(), [plan.FlowId], CancellationToken.None));
        Assert.Empty(await Store.LastRunsAsync(Owner, [], CancellationToken.None));
    }
}
