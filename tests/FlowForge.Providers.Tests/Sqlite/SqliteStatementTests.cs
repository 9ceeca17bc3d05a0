using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Compliance;
using FlowForge.Providers.Tests.Infrastructure;

namespace FlowForge.Providers.Tests.Sqlite;

[Collection(AllocationCollection.Name)]
public sealed class SqliteStatementTests() : StatementCompliance(new SqliteStorageProvider())
{
    [Fact]
    public async Task CreateRunAsync_PureDiamond_BindsItsRowsWithoutAnObjectPerValue()
    {
        // The diamond's write binds about 130 values (the run, 5 node rows, 4 attempts). Through Microsoft.Data.Sqlite's
        // parameters each cost a binder, a box, an encoded copy of its text (and two strings for a Guid): 22.7 KB a run
        // in all against 4.2 KB.
        const int runs = 200;
        var (plan, start) = PureStart("diamond");
        var store = (IRunStore)Store;
        for (var i = 0; i < 20; i++)
        {
            await store.CreateRunAsync(start(Guid.CreateVersion7()), plan, CancellationToken.None);
        }

        var starts = Enumerable.Range(0, runs).Select(_ => start(Guid.CreateVersion7())).ToArray();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        foreach (var run in starts)
        {
            await store.CreateRunAsync(run, plan, CancellationToken.None);
        }

        var perRun = (GC.GetTotalAllocatedBytes(precise: true) - before) / runs;

        Assert.True(perRun < 8_000, $"the diamond's write allocated {perRun} bytes a run");
    }
}
