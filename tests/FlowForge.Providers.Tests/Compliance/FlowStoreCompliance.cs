using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Compliance;

public abstract class FlowStoreCompliance(StorageProvider provider) : StoreCompliance(provider)
{
    // Odd spacing, key order, escapes and non-ASCII text: the store must hand back these exact characters.
    private const string OddJson = "{ \"nodes\" :[ {\"id\":\"t\", \"name\":\"Grüße 👋\\u00e9\"} ],\n\t\"b\": 1.50, \"a\":null }";

    [Fact]
    public async Task CreateAsync_NewFlow_SavesVersion1WithJsonByteForByte()
    {
        var created = await Store.CreateAsync(Owner, "Order sync", OddJson, CancellationToken.None);

        Assert.Equal(1, created.Version);
        Assert.Equal(7, created.Id.Version);
        Assert.Equal(T0, created.CreatedAt);
        var loaded = await Store.GetAsync(created.Id, Owner, null, CancellationToken.None);
        Assert.Equal(created, loaded);
        Assert.Equal(OddJson, loaded!.Json);
    }

    [Fact]
    public async Task AddVersionAsync_ExistingFlow_AddsNextVersionAndKeepsOldOnes()
    {
        var created = await Store.CreateAsync(Owner, "v1 name", """{"v":1}""", CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(1));

        var v2 = await Store.AddVersionAsync(created.Id, Owner, "v2 name", """{"v":2}""", CancellationToken.None);
        var v3 = await Store.AddVersionAsync(created.Id, Owner, "v3 name", """{"v":3}""", CancellationToken.None);

        Assert.Equal(2, v2!.Version);
        Assert.Equal(3, v3!.Version);
        Assert.Equal(T0, v3.CreatedAt);
        Assert.Equal(T0.AddMinutes(1), v3.UpdatedAt);
        Assert.Equal(v3, await Store.GetAsync(created.Id, Owner, null, CancellationToken.None));
        Assert.Equal("""{"v":2}""", (await Store.GetAsync(created.Id, Owner, 2, CancellationToken.None))!.Json);
        Assert.Equal("v1 name", (await Store.GetAsync(created.Id, Owner, 1, CancellationToken.None))!.Name);
        Assert.Null(await Store.GetAsync(created.Id, Owner, 4, CancellationToken.None));
    }

    [Fact]
    public async Task AddVersionAsync_Concurrently_GivesEveryVersionOnce()
    {
        var created = await Store.CreateAsync(Owner, "f", "{}", CancellationToken.None);

        var versions = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Task.Run(() => Store.AddVersionAsync(created.Id, Owner, "f", $$"""{"i":{{i}}}""", CancellationToken.None))));

        Assert.Equal(Enumerable.Range(2, 10), versions.Select(v => v!.Version).Order());
    }

    [Fact]
    public async Task AddVersionAsync_MissingDeletedOrOtherOwner_ReturnsNull()
    {
        var created = await Store.CreateAsync(Owner, "f", "{}", CancellationToken.None);
        var deleted = await Store.CreateAsync(Owner, "g", "{}", CancellationToken.None);
        await Store.DeleteAsync(deleted.Id, Owner, CancellationToken.None);

        Assert.Null(await Store.AddVersionAsync(Guid.NewGuid(), Owner, "f", "{}", CancellationToken.None));
        Assert.Null(await Store.AddVersionAsync(created.Id, Guid.NewGuid(), "f", "{}", CancellationToken.None));
        Assert.Null(await Store.AddVersionAsync(deleted.Id, Owner, "g", "{}", CancellationToken.None));
        Assert.Equal(1, (await Store.GetAsync(created.Id, Owner, null, CancellationToken.None))!.Version);
    }

    [Fact]
    public async Task GetAsync_OtherOwnerOrDeleted_ReturnsNull()
    {
        var created = await Store.CreateAsync(Owner, "f", "{}", CancellationToken.None);

        Assert.Null(await Store.GetAsync(created.Id, Guid.NewGuid(), null, CancellationToken.None));
        Assert.True(await Store.DeleteAsync(created.Id, Owner, CancellationToken.None));
        Assert.Null(await Store.GetAsync(created.Id, Owner, null, CancellationToken.None));
        Assert.Null(await Store.GetAsync(created.Id, Owner, 1, CancellationToken.None));
    }

    [Fact]
    public async Task GetVersionAsync_IgnoresOwnerAndDeletion()
    {
        var created = await Store.CreateAsync(Owner, "pinned", OddJson, CancellationToken.None);
        await Store.AddVersionAsync(created.Id, Owner, "pinned 2", "{}", CancellationToken.None);
        await Store.DeleteAsync(created.Id, Owner, CancellationToken.None);

        var v1 = await Store.GetVersionAsync(created.Id, 1, CancellationToken.None);

        Assert.Equal(created, v1);
        Assert.Equal("pinned 2", (await Store.GetVersionAsync(created.Id, 2, CancellationToken.None))!.Name);
        Assert.Null(await Store.GetVersionAsync(created.Id, 3, CancellationToken.None));
        Assert.Null(await Store.GetVersionAsync(Guid.NewGuid(), 1, CancellationToken.None));
    }

    [Fact]
    public async Task ListAsync_PagesOwnersLiveFlowsNewestFirst()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add((await Store.CreateAsync(Owner, $"flow {i}", "{}", CancellationToken.None)).Id);
            if (i % 2 == 1)
            {
                Time.Advance(TimeSpan.FromSeconds(1));
            }
        }

        await Store.CreateAsync(Guid.NewGuid(), "someone else's", "{}", CancellationToken.None);
        await Store.DeleteAsync(ids[3], Owner, CancellationToken.None);
        await Store.AddVersionAsync(ids[0], Owner, "flow 0 renamed", "{}", CancellationToken.None);

        var seen = new List<FlowSummary>();
        string? cursor = null;
        do
        {
            var page = await Store.ListAsync(Owner, new PageRequest(2, cursor), null, CancellationToken.None);
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(6, seen.Count);
        Assert.Equal(ids.Where(id => id != ids[3]).Order(), seen.Select(f => f.Id).Order());
        Assert.Equal(seen.Select(f => f.CreatedAt).OrderDescending(), seen.Select(f => f.CreatedAt));
        var first = Assert.Single(seen, f => f.Id == ids[0]);
        Assert.Equal(("flow 0 renamed", 2), (first.Name, first.Version));
    }

    [Fact]
    public async Task ListAsync_NameContains_MatchesIgnoringCaseWithWildcardsTakenLiterally()
    {
        foreach (var name in new[] { "Order sync", "Nightly ORDERS", "100% done", "1000 done", "a_b", "axb", "c!d" })
        {
            await Store.CreateAsync(Owner, name, "{}", CancellationToken.None);
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        await Store.CreateAsync(Guid.NewGuid(), "someone else's order", "{}", CancellationToken.None);

        async Task<string[]> NamesAsync(string text) =>
            [.. (await Store.ListAsync(Owner, new PageRequest(10, null), text, CancellationToken.None)).Items.Select(f => f.Name)];

        Assert.Equal(["Nightly ORDERS", "Order sync"], await NamesAsync("oRdEr"));
        Assert.Equal(["100% done"], await NamesAsync("0%"));
        Assert.Equal(["a_b"], await NamesAsync("_"));
        Assert.Equal(["c!d"], await NamesAsync("!"));
        Assert.Empty(await NamesAsync("nothing like it"));
    }

    [Fact]
    public async Task ListAsync_NameContains_PagesWithinTheMatches()
    {
        for (var i = 0; i < 5; i++)
        {
            await Store.CreateAsync(Owner, i % 2 == 0 ? $"match {i}" : $"other {i}", "{}", CancellationToken.None);
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        var first = await Store.ListAsync(Owner, new PageRequest(2, null), "MATCH", CancellationToken.None);
        var second = await Store.ListAsync(Owner, new PageRequest(2, first.NextCursor), "MATCH", CancellationToken.None);

        Assert.Equal(["match 4", "match 2"], first.Items.Select(f => f.Name));
        Assert.Equal(["match 0"], second.Items.Select(f => f.Name));
        Assert.Null(second.NextCursor);
    }

    [Fact]
    public async Task ListAsync_Items_CarryActivationAndNodeTypesOfNewestVersion()
    {
        var created = await Store.CreateAsync(Owner, "f", """{"nodes":[{"id":"a","type":"trigger.manual"}]}""", CancellationToken.None);
        await Store.AddVersionAsync(
            created.Id, Owner, "f",
            """{"name":"f","nodes":[{"id":"w","data":{"type":"not this"},"type":"trigger.webhook"},{"id":"s","type":"core.set"},{"id":"w2","type":"trigger.webhook"}],"edges":[{"type":"x"}]}""",
            CancellationToken.None);
        await ((ITriggerStore)Store).SetActiveAsync(created.Id, Owner, true, T0, CancellationToken.None);

        var item = Assert.Single((await Store.ListAsync(Owner, new PageRequest(10, null), null, CancellationToken.None)).Items);

        Assert.True(item.Active);
        Assert.Equal(["trigger.webhook", "core.set"], item.NodeTypes);
    }

    [Fact]
    public async Task ListAsync_BadCursor_ThrowsInvalidCursor()
    {
        await Assert.ThrowsAsync<InvalidCursorException>(() => Store.ListAsync(Owner, new PageRequest(10, "%%%"), null, CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAsync_ReturnsTrueOnlyWhenSomethingWasDeleted()
    {
        var created = await Store.CreateAsync(Owner, "f", "{}", CancellationToken.None);

        Assert.False(await Store.DeleteAsync(created.Id, Guid.NewGuid(), CancellationToken.None));
        Assert.True(await Store.DeleteAsync(created.Id, Owner, CancellationToken.None));
        Assert.False(await Store.DeleteAsync(created.Id, Owner, CancellationToken.None));
        Assert.False(await Store.DeleteAsync(Guid.NewGuid(), Owner, CancellationToken.None));
    }
}
