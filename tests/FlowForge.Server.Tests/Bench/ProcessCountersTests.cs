using FlowForge.Bench;

namespace FlowForge.Server.Tests.Bench;

public sealed class ProcessCountersTests
{
    [Fact]
    public void ReadCounters_MetricsText_SumsAFlowForgeCounterOverItsLabelsAndAnswersTheAllocatedBytes()
    {
        const string text = """
            # TYPE flowforge_store_transactions_total counter
            flowforge_store_transactions_total{shard="0"} 12
            flowforge_store_transactions_total{shard="1"} 3
            flowforge_store_round_trips_total 40 1700000000000
            flowforge_runs_active 5
            dotnet_gc_heap_total_allocated_bytes_total 2048
            """;
        var counters = new Dictionary<string, double>();

        var allocated = ResourceSnapshot.ReadCounters(text, counters);

        Assert.Equal(2048, allocated);
        Assert.Equal(15, counters["flowforge_store_transactions_total"]);
        Assert.Equal(40, counters["flowforge_store_round_trips_total"]);
        Assert.False(counters.ContainsKey("flowforge_runs_active"));
    }

    [Fact]
    public void MovedPerFlow_OneProcessBeforeAndAfter_DividesWhatMovedByTheFlowsAndLeavesOutWhatDidNot()
    {
        var before = new Dictionary<string, double> { ["flowforge_store_transactions_total"] = 100, ["flowforge_runs_started_total"] = 7 };
        var after = new Dictionary<string, double>
        {
            ["flowforge_store_transactions_total"] = 150,
            ["flowforge_runs_started_total"] = 7,
            ["flowforge_store_round_trips_total"] = 300,
        };

        var moved = LoadBenchmark.MovedPerFlow(before, after, flows: 200);

        Assert.Equal(0.25, moved["flowforge_store_transactions_total"]);
        Assert.Equal(1.5, moved["flowforge_store_round_trips_total"]);
        Assert.False(moved.ContainsKey("flowforge_runs_started_total"));
    }
}
