using FlowForge.Engine.Storage;
using FlowForge.Providers.Tests.Compliance;
using FlowForge.Providers.Tests.Infrastructure;
using FlowForge.Storage.Sql.Sqlite;
using FlowForge.Testing;

namespace FlowForge.Providers.Tests.Sqlite;

[Collection(AllocationCollection.Name)]
public sealed class SqliteStatementTests() : StatementCompliance(new SqliteStorageProvider())
{
    [Fact]
    public async Task CreateRunAsync_PureDiamondsInOneBatch_FourStatementsARunAndNoSavepoint()
    {
        // The writer's whole cost per diamond start: the run, its input, the node rows and the attempts. A savepoint and
        // its release around each operation were two more statements a run, and a copy of every page each one touched.
        const int runs = 100;
        var (plan, start) = PureStart("diamond");
        var writer = ((SqliteExecutor)Database.Storage.Executor).Writer;
        await ((IRunStore)Store).CreateRunAsync(start(Guid.CreateVersion7()), plan, CancellationToken.None);
        var (statements, savepoints, batches) = (writer.Statements, writer.SavepointStatements, writer.CommittedBatches);

        var created = await Task.WhenAll(Enumerable.Range(0, runs).Select(_ =>
            ((IRunStore)Store).CreateRunAsync(start(Guid.CreateVersion7()), plan, CancellationToken.None)));

        Assert.All(created, c => Assert.True(c.Created));
        Assert.Equal(4 * runs, writer.Statements - statements);
        Assert.Equal(0, writer.SavepointStatements - savepoints);
        Assert.InRange(writer.CommittedBatches - batches, 1, runs);
    }

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

    [Fact]
    public async Task GetAsync_Flow_ReadsItWithoutAReaderAnObjectPerValueOrItsTextAgain()
    {
        // Read on every run's start. Through Microsoft.Data.Sqlite each read made a reader, a binder and a box per parameter,
        // two strings per Guid, and the flow's name and JSON decoded again (3.2 KB a read of this flow in all).
        const int reads = 500;
        var flows = (IFlowStore)Store;
        var ownerId = Guid.CreateVersion7();
        var json = PureFlowJson;
        var flow = await flows.CreateAsync(ownerId, "diamond", json, CancellationToken.None);
        for (var i = 0; i < 20; i++)
        {
            await flows.GetAsync(flow.Id, ownerId, null, CancellationToken.None);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        FlowRecord? read = null;
        for (var i = 0; i < reads; i++)
        {
            read = await flows.GetAsync(flow.Id, ownerId, null, CancellationToken.None);
        }

        var perRead = (GC.GetAllocatedBytesForCurrentThread() - before) / reads;

        Assert.Equal((flow.Id, ownerId, "diamond", 1, json, flow.CreatedAt), (read!.Id, read.OwnerId, read.Name, read.Version, read.Json, read.CreatedAt));
        Assert.True(perRead < 600, $"a flow read allocated {perRead} bytes; its name and JSON are {2 * (json.Length + "diamond".Length)}");

        // What is checked is still read every time: the owner, the flow's current version, its deletion.
        Assert.Null(await flows.GetAsync(flow.Id, Guid.CreateVersion7(), null, CancellationToken.None));
        var changed = json.Replace("core.noop", "core.set", StringComparison.Ordinal);
        await flows.AddVersionAsync(flow.Id, ownerId, "diamond 2", changed, CancellationToken.None);
        Assert.Equal(("diamond 2", 2, changed), Text(await flows.GetAsync(flow.Id, ownerId, null, CancellationToken.None)));
        Assert.Equal(("diamond", 1, json), Text(await flows.GetAsync(flow.Id, ownerId, 1, CancellationToken.None)));
        Assert.Null(await flows.GetAsync(flow.Id, ownerId, 3, CancellationToken.None));
        Assert.True(await flows.DeleteAsync(flow.Id, ownerId, CancellationToken.None));
        Assert.Null(await flows.GetAsync(flow.Id, ownerId, null, CancellationToken.None));

        static (string, int, string) Text(FlowRecord? flow) => (flow!.Name, flow.Version, flow.Json);
    }

    private static string PureFlowJson => new FlowBuilder("diamond")
        .Node("trigger", "trigger.manual").Node("a", "core.noop").Node("b", "core.noop").Node("c", "core.noop").Node("d", "core.noop")
        .Edge("trigger", "a").Edge("a", "b").Edge("a", "c").Edge("b", "d").Edge("c", "d").ToJson();
}
