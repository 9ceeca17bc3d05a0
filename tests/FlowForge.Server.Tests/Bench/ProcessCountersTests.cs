using FlowForge.Bench;

namespace FlowForge.Server.Tests.Bench;

public sealed class ProcessCountersTests
{
    [Fact]
    public void ReadCounters_MetricsText_SumsAFlowForgeCounterOverItsLabelsKeepsTheRuntimesJitAndThreadPoolCountersAndAnswersTheAllocatedBytes()
    {
        const string text = """
            # TYPE flowforge_store_transactions_total counter
            flowforge_store_transactions_total{shard="0"} 12
            flowforge_store_transactions_total{shard="1"} 3
            flowforge_store_round_trips_total 40 1700000000000
            flowforge_runs_active 5
            dotnet_gc_heap_total_allocated_bytes_total 2048
            dotnet_jit_compilation_time_seconds_total{otel_scope_name="System.Runtime"} 1.5
            dotnet_jit_compiled_methods_total{otel_scope_name="System.Runtime"} 4932
            dotnet_thread_pool_work_item_count_total{otel_scope_name="System.Runtime"} 1087
            """;
        var counters = new Dictionary<string, double>();

        var allocated = ResourceSnapshot.ReadCounters(text, counters);

        Assert.Equal(2048, allocated);
        Assert.Equal(15, counters["flowforge_store_transactions_total"]);
        Assert.Equal(40, counters["flowforge_store_round_trips_total"]);
        Assert.False(counters.ContainsKey("flowforge_runs_active"));
        Assert.Equal(1.5, counters[ResourceSnapshot.JitSecondsCounter]);
        Assert.Equal(1087, counters[ResourceSnapshot.ThreadPoolItemsCounter]);
        Assert.False(counters.ContainsKey("dotnet_jit_compiled_methods_total"));
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

    [Fact]
    public void MovedPerFlow_SecondsPerFlow_KeepsThreeSignificantDigits()
    {
        var moved = LoadBenchmark.MovedPerFlow(
            new Dictionary<string, double> { [ResourceSnapshot.JitSecondsCounter] = 1.0 },
            new Dictionary<string, double> { [ResourceSnapshot.JitSecondsCounter] = 1.4567 },
            flows: 20_000);

        Assert.Equal(0.0000228, moved[ResourceSnapshot.JitSecondsCounter]);
    }
}
