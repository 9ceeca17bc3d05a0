using FlowForge.Bench;

namespace FlowForge.Server.Tests.Bench;

public sealed class QuietAlternationTests
{
    [Fact]
    public void AllConsumeInPhase_TwelvePhases_AlternatesWhichCountGoesFirstInEachPair()
    {
        var order = Enumerable.Range(0, 12).Select(i => QuietAlternation.AllConsumeInPhase(i) ? 2 : 1);

        Assert.Equal([2, 1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2], order);
    }

    [Fact]
    public void ConsumersIn_MetricsText_ReadsTheGaugeWithOrWithoutLabelsAndNullWithout()
    {
        Assert.Equal(2, QuietAlternation.ConsumersIn("# TYPE flowforge_queue_consumers gauge\nflowforge_queue_consumers{otel_scope_name=\"FlowForge\"} 2\nflowforge_queue_depth 7\n"));
        Assert.Equal(0, QuietAlternation.ConsumersIn("flowforge_queue_depth 7\nflowforge_queue_consumers 0\n"));
        Assert.Null(QuietAlternation.ConsumersIn("flowforge_queue_depth 7\n# HELP flowforge_queue_consumers Consumers\n"));
    }

    // Pairs are taken as they ran, whichever count went first; the median of their ratios (1.036) is not the ratio of
    // the two counts' medians (520 / 500 = 1.04), and each count's machine CPU per flow is 1.9 cores × 20 s over its flows.
    [Fact]
    public void Compare_FourPairsOfAlternatedPhases_MediansOfEachCountAndOfThePairsRatios()
    {
        PhaseResult[] phases =
        [
            Phase(2, 500), Phase(1, 400),
            Phase(1, 600), Phase(2, 540),
            Phase(2, 700), Phase(1, 720),
            Phase(1, 300), Phase(2, 330),
        ];

        var comparison = Assert.Single(QuietAlternation.Compare(phases)!);

        Assert.Equal((2, 1, 4), (comparison.Workers, comparison.FewerWorkers, comparison.Pairs));
        Assert.Equal([1.25, 0.9, 0.972, 1.1], comparison.PairRatios);
        Assert.Equal(1.036, comparison.MedianPairRatio);
        Assert.Equal(520, comparison.FlowsPerSecond);
        Assert.Equal(500, comparison.FewerFlowsPerSecond);
        Assert.Equal(1.04, comparison.RatioOfMedians);
        Assert.Equal(3.659, comparison.MachineCpuMsPerFlow);
        Assert.Equal(3.958, comparison.FewerMachineCpuMsPerFlow);
    }

    [Fact]
    public void Compare_NoPhaseSaysHowManyWorkersConsumed_IsNull()
    {
        Assert.Null(QuietAlternation.Compare([Phase(null, 500), Phase(null, 520)]));
    }

    [Theory]
    [InlineData("--quiet-alternate", "3")]
    [InlineData("--workers", "1", "--quiet-alternate", "3")]
    [InlineData("--workers", "2", "--url", "http://127.0.0.1:5000", "--quiet-alternate", "3")]
    [InlineData("--workers", "2", "--quiet-alternate", "-1")]
    public void Parse_QuietAlternateWithoutTwoWorkersTheBenchStarts_IsRefused(params string[] args)
    {
        var error = Assert.Throws<ArgumentException>(() => BenchOptions.Parse(args));
        Assert.Contains("--quiet-alternate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_QuietAlternateWithTwoWorkers_KeepsThePairs()
    {
        Assert.Equal(6, BenchOptions.Parse(["--workers", "2", "--quiet-alternate", "6"]).QuietAlternate);
    }

    [Theory]
    [InlineData("--quiet-alternate 0", "takes a count from 1 to 99")]
    [InlineData("--quiet-alternate two", "takes a count from 1 to 99")]
    [InlineData("--alternate 2 --quiet-alternate 2", "take one")]
    public async Task RunAll_QuietAlternateBadOrBesideAlternate_ExitsTwoBeforeBuildingAnything(string arguments, string message)
    {
        var (exitCode, _, error) = await BenchScript.RunAsync("run-all.sh", arguments.Split(' '));

        Assert.Equal(2, exitCode);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    // A closed-loop phase: a 20 s window at its rate with 1.9 of the 2 cores busy.
    private static PhaseResult Phase(int? consuming, double flowsPerSecond) => new()
    {
        Scenario = "diamond",
        Mode = "closed",
        Seconds = 20,
        NodesPerFlow = 4,
        Flows = (long)(flowsPerSecond * 20),
        Errors = 0,
        FlowsPerSecond = flowsPerSecond,
        NodeExecutionsPerSecond = flowsPerSecond * 4,
        LatencySource = "server",
        LatencyMs = Stats.Of([1.0]),
        ServerLatencyMs = Stats.Of([1.0]),
        Processes = [],
        CountersPerFlow = new Dictionary<string, double>(),
        MachineBusyCores = 1.9,
        WindowSeconds = 20,
        Busiest = "",
        ConsumingWorkers = consuming,
    };
}
