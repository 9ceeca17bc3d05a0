using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Compliance;

/// <summary>What a dialect claims about its database, checked against the database.</summary>
public abstract class DialectCompliance(StorageProvider provider) : StoreCompliance(provider)
{
    [Fact]
    public async Task IdOrder_AgreesWithTheDatabasesOrderBy()
    {
        // The sharded store merges listings with IdOrder: a disagreement would repeat or skip runs across pages.
        var plan = TestPlans.Diamond(Guid.NewGuid());
        var ids = new List<Guid>();
        for (var i = 0; i < 40; i++)
        {
            var runId = i % 2 == 0 ? Guid.NewGuid() : Guid.CreateVersion7();
            ids.Add((await CreateRunAsync(plan, runId: runId)).RunId);
        }

        var page = await Store.ListRunsAsync(plan.FlowId, Owner, new PageRequest(100, null), CancellationToken.None);

        ids.Sort(Database.Storage.Executor.Dialect.IdOrder);
        ids.Reverse();
        Assert.Equal(ids, page.Items.Select(r => r.Id));
    }
}
