using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Compliance;

/// <summary>Flow activation, webhook keys found by hash only while the flow is active, and schedule firings claimed once.</summary>
public abstract class TriggerStoreCompliance(StorageProvider provider) : StoreCompliance(provider)
{
    private const string Json = """{"name":"f","nodes":[],"edges":[]}""";

    [Fact]
    public async Task SetActiveAsync_ActivateTwiceThenDeactivate_KeepsFirstActivationTimeAndListsOnlyWhileActive()
    {
        var flow = await Store.CreateAsync(Owner, "f", Json, CancellationToken.None);

        var first = await Store.SetActiveAsync(flow.Id, Owner, true, T0, CancellationToken.None);
        var again = await Store.SetActiveAsync(flow.Id, Owner, true, T0.AddHours(1), CancellationToken.None);
        var listed = await Store.ListActiveFlowsAsync(100, CancellationToken.None);
        var stranger = await Store.SetActiveAsync(flow.Id, Guid.NewGuid(), false, T0, CancellationToken.None);
        var off = await Store.SetActiveAsync(flow.Id, Owner, false, T0.AddHours(2), CancellationToken.None);

        Assert.Equal(new FlowActivation(flow.Id, true, T0), first);
        Assert.Equal(T0, again!.ActivatedAt);
        var active = Assert.Single(listed);
        Assert.Equal((flow.Id, Owner, 1, Json, T0), (active.FlowId, active.OwnerId, active.Version, active.Json, active.ActivatedAt));
        Assert.Null(stranger);
        Assert.False(off!.Active);
        Assert.Empty(await Store.ListActiveFlowsAsync(100, CancellationToken.None));
    }

    [Fact]
    public async Task EnsureWebhookKeysAsync_SecondCandidateForANode_KeepsTheFirstKey()
    {
        var flow = await Store.CreateAsync(Owner, "f", Json, CancellationToken.None);

        await Store.EnsureWebhookKeysAsync(flow.Id, [new NewWebhookKey("hook", "first-key", "hash-1")], T0, CancellationToken.None);
        var keys = await Store.EnsureWebhookKeysAsync(
            flow.Id, [new NewWebhookKey("hook", "second-key", "hash-2"), new NewWebhookKey("other", "other-key", "hash-3")], T0, CancellationToken.None);

        Assert.Equal([("hook", "first-key"), ("other", "other-key")], keys.Select(k => (k.NodeId, k.Key)).OrderBy(k => k.NodeId, StringComparer.Ordinal));
        Assert.Equal(keys, await Store.ListWebhookKeysAsync(flow.Id, CancellationToken.None));
    }

    [Fact]
    public async Task FindWebhookAsync_ByHash_OnlyWhileTheFlowIsActiveAndNotDeleted()
    {
        var flow = await Store.CreateAsync(Owner, "f", Json, CancellationToken.None);
        await Store.EnsureWebhookKeysAsync(flow.Id, [new NewWebhookKey("hook", "key", "hash")], T0, CancellationToken.None);

        var inactive = await Store.FindWebhookAsync("hash", CancellationToken.None);
        await Store.SetActiveAsync(flow.Id, Owner, true, T0, CancellationToken.None);
        var active = await Store.FindWebhookAsync("hash", CancellationToken.None);
        var byKeyText = await Store.FindWebhookAsync("key", CancellationToken.None);
        await Store.DeleteAsync(flow.Id, Owner, CancellationToken.None);
        var deleted = await Store.FindWebhookAsync("hash", CancellationToken.None);

        Assert.Null(inactive);
        Assert.Equal(new WebhookTarget(flow.Id, Owner, "hook"), active);
        Assert.Null(byKeyText);
        Assert.Null(deleted);
    }

    [Fact]
    public async Task TryClaimFiringAsync_SameDueTimeFromManyClaimers_ExactlyOneWins()
    {
        var flowId = Guid.NewGuid();
        var due = T0.AddMinutes(1);

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Store.TryClaimFiringAsync(new TriggerFiring(flowId, "clock", due, T0.AddMilliseconds(i)), CancellationToken.None)));
        var otherNode = await Store.TryClaimFiringAsync(new TriggerFiring(flowId, "other", due, T0), CancellationToken.None);
        var nextDue = await Store.TryClaimFiringAsync(new TriggerFiring(flowId, "clock", due.AddMinutes(1), T0), CancellationToken.None);
        await Store.SetFiringRunAsync(flowId, "clock", due, Guid.NewGuid(), CancellationToken.None);

        Assert.Equal(1, claims.Count(c => c));
        Assert.True(otherNode);
        Assert.True(nextDue);
        Assert.Equal(due.AddMinutes(1), await Store.LastFiringAsync(flowId, "clock", CancellationToken.None));
        Assert.Null(await Store.LastFiringAsync(flowId, "nowhere", CancellationToken.None));
    }

    [Fact]
    public async Task ListUnstartedFiringsAsync_ClaimedWithoutRunPastTheLease_ListedOnceTakenOverByOneClaimer()
    {
        var flow = await Store.CreateAsync(Owner, "f", Json, CancellationToken.None);
        await Store.SetActiveAsync(flow.Id, Owner, true, T0, CancellationToken.None);
        var due = T0.AddMinutes(1);
        await Store.TryClaimFiringAsync(new TriggerFiring(flow.Id, "clock", due, due) { Missed = true }, CancellationToken.None);
        await Store.TryClaimFiringAsync(new TriggerFiring(flow.Id, "clock", due.AddMinutes(1), due.AddMinutes(1)), CancellationToken.None);
        await Store.SetFiringRunAsync(flow.Id, "clock", due.AddMinutes(1), Guid.NewGuid(), CancellationToken.None);
        await Store.TryClaimFiringAsync(new TriggerFiring(flow.Id, "skipped", due, due) { PassedOver = true }, CancellationToken.None);
        await Store.TryClaimFiringAsync(new TriggerFiring(flow.Id, "given-up", due, due), CancellationToken.None);
        await Store.PassOverFiringAsync(flow.Id, "given-up", due, CancellationToken.None);

        var withinLease = await Store.ListUnstartedFiringsAsync(due, 10, CancellationToken.None);
        var unstarted = Assert.Single(await Store.ListUnstartedFiringsAsync(due.AddMinutes(5), 10, CancellationToken.None));
        var takeOvers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            Store.TryReclaimFiringAsync(unstarted, due.AddMinutes(5).AddMilliseconds(i), CancellationToken.None)));
        var afterTakeOver = await Store.ListUnstartedFiringsAsync(due.AddMinutes(5), 10, CancellationToken.None);

        Assert.Empty(withinLease);
        Assert.Equal(new UnstartedFiring(flow.Id, Owner, "clock", due, due, Missed: true), unstarted);
        Assert.Equal(1, takeOvers.Count(t => t));
        Assert.Empty(afterTakeOver);
    }

    [Fact]
    public async Task ListUnstartedFiringsAsync_FlowDeactivated_NotListed()
    {
        var flow = await Store.CreateAsync(Owner, "f", Json, CancellationToken.None);
        await Store.SetActiveAsync(flow.Id, Owner, true, T0, CancellationToken.None);
        await Store.TryClaimFiringAsync(new TriggerFiring(flow.Id, "clock", T0.AddMinutes(1), T0.AddMinutes(1)), CancellationToken.None);

        var active = await Store.ListUnstartedFiringsAsync(T0.AddHours(1), 10, CancellationToken.None);
        await Store.SetActiveAsync(flow.Id, Owner, false, T0.AddHours(1), CancellationToken.None);
        var inactive = await Store.ListUnstartedFiringsAsync(T0.AddHours(1), 10, CancellationToken.None);

        Assert.Single(active);
        Assert.Empty(inactive);
    }

    [Fact]
    public async Task ListDueSchedulesAsync_ActivateSaveDeactivate_DueListFollowsTheFlow()
    {
        var flow = await Store.CreateAsync(Owner, "f", Json, CancellationToken.None);
        var never = T0.AddYears(100);

        var inactive = await Store.ListDueSchedulesAsync(never, 100, CancellationToken.None);
        await Store.SetActiveAsync(flow.Id, Owner, true, T0, CancellationToken.None);
        var activated = Assert.Single(await Store.ListDueSchedulesAsync(T0, 100, CancellationToken.None));
        var planned = await Store.PlanSchedulesAsync(flow.Id, 1, [new PlannedSchedule("clock", """{"everyMs":60000}""", T0, T0.AddMinutes(1))], CancellationToken.None);
        var plannedTwice = await Store.PlanSchedulesAsync(flow.Id, 1, [], CancellationToken.None);
        var notYetDue = await Store.ListDueSchedulesAsync(T0.AddSeconds(59), 100, CancellationToken.None);
        var due = Assert.Single(await Store.ListDueSchedulesAsync(T0.AddMinutes(1), 100, CancellationToken.None));
        await Store.AdvanceScheduleAsync(due, T0.AddMinutes(1), T0.AddMinutes(2), CancellationToken.None);
        await Store.AdvanceScheduleAsync(due, T0.AddMinutes(1), T0.AddMinutes(9), CancellationToken.None);
        var advanced = Assert.Single(await Store.ListDueSchedulesAsync(never, 100, CancellationToken.None));
        await Store.AddVersionAsync(flow.Id, Owner, "f", Json, CancellationToken.None);
        var saved = Assert.Single(await Store.ListDueSchedulesAsync(T0, 100, CancellationToken.None));
        await Store.SetActiveAsync(flow.Id, Owner, false, T0.AddHours(1), CancellationToken.None);
        var deactivated = await Store.ListDueSchedulesAsync(never, 100, CancellationToken.None);

        Assert.Empty(inactive);
        Assert.True(activated.IsUnplanned);
        Assert.Equal((flow.Id, Owner, 1, T0), (activated.FlowId, activated.OwnerId, activated.Version, activated.ActivatedAt));
        Assert.True(planned);
        Assert.False(plannedTwice);
        Assert.Empty(notYetDue);
        Assert.Equal(new DueSchedule(flow.Id, "clock", Owner, 1, """{"everyMs":60000}""", T0, T0, T0.AddMinutes(1)), due);
        Assert.Equal((T0.AddMinutes(1), T0.AddMinutes(2)), (advanced.Baseline, advanced.NextDueAt));
        Assert.True(saved.IsUnplanned);
        Assert.Equal(2, saved.Version);
        Assert.Empty(deactivated);
    }

    [Fact]
    public async Task PlanSchedulesAsync_FlowSavedSinceTheRowWasRead_PlansNothing()
    {
        var flow = await Store.CreateAsync(Owner, "f", Json, CancellationToken.None);
        await Store.SetActiveAsync(flow.Id, Owner, true, T0, CancellationToken.None);
        await Store.AddVersionAsync(flow.Id, Owner, "f", Json, CancellationToken.None);

        var planned = await Store.PlanSchedulesAsync(flow.Id, 1, [new PlannedSchedule("clock", "{}", T0, T0.AddMinutes(1))], CancellationToken.None);
        await Store.DeleteAsync(flow.Id, Owner, CancellationToken.None);

        Assert.False(planned);
        Assert.Empty(await Store.ListDueSchedulesAsync(T0.AddYears(100), 100, CancellationToken.None));
    }

    [Fact]
    public async Task LastFiringsAsync_SeveralNodes_LatestDueTimeOfEach()
    {
        var flowId = Guid.NewGuid();
        await Store.TryClaimFiringAsync(new TriggerFiring(flowId, "a", T0.AddMinutes(1), T0), CancellationToken.None);
        await Store.TryClaimFiringAsync(new TriggerFiring(flowId, "a", T0.AddMinutes(3), T0), CancellationToken.None);
        await Store.TryClaimFiringAsync(new TriggerFiring(flowId, "b", T0.AddMinutes(2), T0) { PassedOver = true }, CancellationToken.None);

        var last = await Store.LastFiringsAsync(flowId, CancellationToken.None);

        Assert.Equal([("a", T0.AddMinutes(3)), ("b", T0.AddMinutes(2))], last.Select(p => (p.Key, p.Value)).OrderBy(p => p.Key, StringComparer.Ordinal));
    }
}
