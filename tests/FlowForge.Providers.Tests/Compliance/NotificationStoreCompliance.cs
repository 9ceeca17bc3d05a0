using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Compliance;

public abstract class NotificationStoreCompliance(StorageProvider provider) : StoreCompliance(provider)
{
    private static readonly NotificationLimits Limits = new(3, TimeSpan.FromMinutes(10), 2, TimeSpan.FromSeconds(60), 1, 100, QueueEmail: true);

    private async Task<Guid> UserAsync()
    {
        var id = Guid.NewGuid();
        Assert.True(await Store.TryCreateAsync(new UserRecord(id, $"{id:N}@example.com", "h", T0), CancellationToken.None));
        return id;
    }

    private static RunFailure Failure(Guid flowId, DateTimeOffset at, Guid? runId = null, int attempt = 1) =>
        new(runId ?? Guid.NewGuid(), attempt, flowId, "nightly import", "Node 'boom' failed: " + new string('x', 200), at);

    [Fact]
    public async Task RecordRunFailureAsync_SameRunTwice_RecordsOnceForOptedInUsersOnly()
    {
        var (watcher, bystander, flow) = (await UserAsync(), await UserAsync(), Guid.NewGuid());
        await Store.SetPreferenceAsync(new FlowNotificationPreference(watcher, flow, InApp: true, Email: true), T0, CancellationToken.None);
        await Store.SetPreferenceAsync(new FlowNotificationPreference(bystander, flow, InApp: false, Email: false), T0, CancellationToken.None);
        var failure = Failure(flow, T0);

        var first = await Store.RecordRunFailureAsync(failure, Limits, CancellationToken.None);
        var again = await Store.RecordRunFailureAsync(failure, Limits, CancellationToken.None);

        Assert.True(first.IsNew);
        Assert.False(again.IsNew);
        var item = Assert.Single(first.InApp);
        Assert.Equal(item, Assert.Single(again.InApp));
        Assert.Equal(100, item.Error!.Length);
        Assert.Equal(watcher, item.UserId);
        Assert.Equal(1, (await Store.ListNotificationsAsync(watcher, true, new PageRequest(10, null), CancellationToken.None)).UnreadCount);
        Assert.Empty((await Store.ListNotificationsAsync(bystander, false, new PageRequest(10, null), CancellationToken.None)).Items);
        Assert.Null(await Store.GetPreferenceAsync(bystander, flow, CancellationToken.None));
        Assert.True((await Store.RecordRunFailureAsync(failure with { Attempt = 2 }, Limits, CancellationToken.None)).IsNew);
    }

    [Fact]
    public async Task RecordRunFailureAsync_RepeatsCollapse_ItemsBoundedAndPaged_MarkReadCounts()
    {
        var user = await UserAsync();
        var flows = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToList();
        foreach (var flow in flows)
        {
            await Store.SetPreferenceAsync(new FlowNotificationPreference(user, flow, InApp: true, Email: false), T0, CancellationToken.None);
        }

        await Store.RecordRunFailureAsync(Failure(flows[0], T0), Limits, CancellationToken.None);
        var latest = Failure(flows[0], T0.AddMinutes(1));
        await Store.RecordRunFailureAsync(latest, Limits, CancellationToken.None);
        var collapsed = Assert.Single((await Store.ListNotificationsAsync(user, false, new PageRequest(10, null), CancellationToken.None)).Items);
        Assert.Equal((2, latest.RunId, T0), (collapsed.Count, collapsed.RunId, collapsed.CreatedAt));
        for (var i = 1; i < 5; i++)
        {
            await Store.RecordRunFailureAsync(Failure(flows[i], T0.AddMinutes(1 + i)), Limits, CancellationToken.None);
        }

        var first = await Store.ListNotificationsAsync(user, false, new PageRequest(2, null), CancellationToken.None);
        var second = await Store.ListNotificationsAsync(user, false, new PageRequest(2, first.NextCursor), CancellationToken.None);
        Assert.Equal([flows[4], flows[3]], first.Items.Select(i => i.FlowId));
        Assert.Equal([flows[2]], second.Items.Select(i => i.FlowId));
        Assert.Null(second.NextCursor);
        Assert.Equal(3, first.UnreadCount);

        Assert.Equal(1, await Store.MarkReadAsync(user, [first.Items[0].Id, Guid.NewGuid()], T0.AddHours(1), CancellationToken.None));
        Assert.Equal(2, await Store.MarkReadAsync(user, null, T0.AddHours(1), CancellationToken.None));
        Assert.Equal(0, (await Store.ListNotificationsAsync(user, true, new PageRequest(10, null), CancellationToken.None)).UnreadCount);
    }

    [Fact]
    public async Task ClaimDueDigestsAsync_TwoClaimers_OneGetsTheDigest_CompletedDigestIsGone()
    {
        var (user, flow) = (await UserAsync(), Guid.NewGuid());
        await Store.SetPreferenceAsync(new FlowNotificationPreference(user, flow, InApp: false, Email: true), T0, CancellationToken.None);
        for (var i = 0; i < 3; i++)
        {
            await Store.RecordRunFailureAsync(Failure(flow, T0.AddSeconds(i)), Limits, CancellationToken.None);
        }

        Assert.Empty(await Store.ClaimDueDigestsAsync(T0.AddSeconds(59), T0.AddMinutes(10), 10, CancellationToken.None));
        var due = T0.AddSeconds(61);
        var claims = await Task.WhenAll(
            Store.ClaimDueDigestsAsync(due, due.AddMinutes(10), 10, CancellationToken.None),
            Store.ClaimDueDigestsAsync(due, due.AddMinutes(10), 10, CancellationToken.None));

        var claim = Assert.Single(claims.SelectMany(c => c));
        Assert.Equal(2, claim.Items.Count);
        Assert.Equal(1, claim.Omitted);
        await Store.CompleteDigestAsync(user, claim.ClaimId, due, due.AddMinutes(1), CancellationToken.None);
        Assert.Empty(await Store.ClaimDueDigestsAsync(due.AddDays(1), due.AddDays(2), 10, CancellationToken.None));

        // The next failure waits for the user's interval after the digest just sent.
        await Store.RecordRunFailureAsync(Failure(flow, due.AddSeconds(1)), Limits, CancellationToken.None);
        Assert.Empty(await Store.ClaimDueDigestsAsync(due.AddSeconds(30), due.AddMinutes(10), 10, CancellationToken.None));
        var next = Assert.Single(await Store.ClaimDueDigestsAsync(due.AddSeconds(62), due.AddMinutes(10), 10, CancellationToken.None));
        Assert.Single(next.Items);
        Assert.Equal(0, next.Omitted);
    }
}
