using FlowForge.Engine.Graphs;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FlowForge.Tests.Runs;

/// <summary>The managed bytes the pure start of a diamond of <c>core.noop</c> nodes (the bench's flow) costs.</summary>
[Collection(AllocationCollection.Name)]
public sealed class PureStartAllocationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task RunPureStartAsync_DiamondOfNoops_StaysWithinItsBytes()
    {
        await using var harness = await EngineHarness.StartAsync(configure: o => o.PureStartTime = TimeSpan.FromSeconds(10));
        var flow = new FlowBuilder("noop diamond").Node("trigger", "trigger.manual");
        foreach (var id in PureFlows.Diamond)
        {
            flow.Node(id, "core.noop");
        }

        var flowId = await harness.CreateFlowAsync(flow.Edge("trigger", "a").Edge("a", "b").Edge("a", "c").Edge("b", "d").Edge("c", "d").ToJson());
        var plan = await harness.Services.GetRequiredService<IPlanProvider>().GetPlanAsync(flowId, 1, null, CancellationToken.None);
        var executor = harness.Services.GetRequiredService<NodeExecutor>();
        const string input = """{"n":1}""";
        var parsed = StoredJson.Parse(input);
        NewRun Run() => new(Guid.CreateVersion7(), EngineHarness.Owner, flowId, 1, input, null, DateTimeOffset.UnixEpoch) { TriggerOutputJson = input };
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(4, (await executor.RunPureStartAsync(Run(), plan, parsed, null, CancellationToken.None)).Completions.Count);
        }

        const int Runs = 50;
        var runs = Enumerable.Range(0, Runs).Select(_ => Run()).ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Runs; i++)
        {
            // Every node of it finishes at once, on this thread: the counter sees the whole start.
            var start = executor.RunPureStartAsync(runs[i], plan, parsed, null, CancellationToken.None);
            Assert.True(start.IsCompletedSuccessfully);
        }

        var perStart = (GC.GetAllocatedBytesForCurrentThread() - before) / Runs;
        output.WriteLine($"{perStart} bytes per pure start");
        // 13,760 bytes before a node type's own task was handed back, the main port list shared, the region's loops
        // indexed, its maps sized once and one child claim shared; 11,728 after. 8,680 once the region's nodes read their
        // dependencies from one region object by plan index (no four maps and five arrays per node, no maps of the region
        // by node id) and a node's inputs are one object (no lazy, closure, delegate and upstream object beside it). 8,360
        // once a node run on this thread completes its ValueTask (no task object per node for its completion). 7,376 once a
        // completion's wait, retry and blob fields are one object made only for such a completion, a node's views of its
        // input and of the run input are made when read, and the node's outcome tag is not a boxed status.
        Assert.InRange(perStart, 1_000, 7_500);
    }
}
