using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace FlowForge.Bench;

/// <summary>
/// Compares N consuming workers with N − 1 in the same minutes (<c>--quiet-alternate PAIRS</c>): between phases the last
/// worker process goes quiet (<c>SIGTSTP</c>: its broker consumers cancelled, the process up and its runtime warm) and
/// consumes again (<c>SIGCONT</c>), in the order all, fewer, fewer, all, all, fewer, … So the machine's drift over
/// minutes falls on both counts alike, and neither count pays a process' start and tier-up inside its window. The quiet
/// process' own idle CPU (timers, heartbeats) stays in the fewer count's figures.
/// </summary>
public static partial class QuietAlternation
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Whether phase <paramref name="index"/> (from 0) runs with every worker consuming: pairs alternate which count goes first.</summary>
    public static bool AllConsumeInPhase(int index) => (index / 2 % 2 == 0) == (index % 2 == 0);

    /// <summary>Signals <paramref name="worker"/> and waits until its <c>/metrics</c> show it holds no consumer (quiet) or holds one again.</summary>
    public static async Task SetAsync(HttpClient client, BenchProcess worker, bool quiet)
    {
        var pid = worker.Pid ?? throw new InvalidOperationException($"{worker.Name} has no process id to signal");
        var signal = quiet ? "TSTP" : "CONT";
        await SignalAsync(pid, signal);

        var deadline = Stopwatch.GetTimestamp() + (long)(SettleTimeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var consumers = ConsumersIn(await client.GetStringAsync(new Uri(new Uri(worker.Url), "/metrics")))
                ?? throw new InvalidOperationException($"{worker.Name}'s /metrics have no flowforge_queue_consumers: a build that cannot go quiet");
            if (quiet ? consumers == 0 : consumers > 0)
            {
                return;
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new InvalidOperationException($"{worker.Name} held {consumers} queue consumers {SettleTimeout.TotalSeconds} s after SIG{signal}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Sends <c>SIG</c><paramref name="signal"/> (<c>TSTP</c>, <c>CONT</c>) to process <paramref name="pid"/> with <c>kill</c>; throws when it fails.</summary>
    public static async Task SignalAsync(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]))!;
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {pid} exited with {kill.ExitCode}");
        }
    }

    /// <summary>The <c>flowforge_queue_consumers</c> gauge of a <c>/metrics</c> text; null when it has none.</summary>
    public static long? ConsumersIn(string metrics)
    {
        var match = ConsumersLine().Match(metrics);
        return match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>
    /// Per scenario and mode, the phases of the two worker counts compared: taken in pairs as they ran (0 and 1, 2 and 3,
    /// …), the median of each count's flows per second, the median of the pairs' ratios and each count's median machine
    /// CPU per flow. Null when no phase says how many workers consumed.
    /// </summary>
    public static IReadOnlyList<WorkerCountComparison>? Compare(IReadOnlyList<PhaseResult> phases)
    {
        var comparisons = new List<WorkerCountComparison>();
        foreach (var group in phases.Where(p => p.ConsumingWorkers is not null).GroupBy(p => (p.Scenario, p.Mode)))
        {
            var all = group.Max(p => p.ConsumingWorkers!.Value);
            var ordered = group.ToList();
            var ratios = new List<double>();
            for (var i = 0; i + 1 < ordered.Count; i += 2)
            {
                var (a, b) = (ordered[i], ordered[i + 1]);
                var (more, fewer) = a.ConsumingWorkers == all ? (a, b) : (b, a);
                if (more.ConsumingWorkers != fewer.ConsumingWorkers && fewer.FlowsPerSecond > 0)
                {
                    ratios.Add(more.FlowsPerSecond / fewer.FlowsPerSecond);
                }
            }

            var withAll = ordered.Where(p => p.ConsumingWorkers == all).ToList();
            var withFewer = ordered.Where(p => p.ConsumingWorkers != all).ToList();
            if (withAll.Count == 0 || withFewer.Count == 0)
            {
                continue;
            }

            var flowsAll = Median(withAll.Select(p => p.FlowsPerSecond));
            var flowsFewer = Median(withFewer.Select(p => p.FlowsPerSecond));
            comparisons.Add(new WorkerCountComparison(
                group.Key.Scenario, group.Key.Mode, all, all - 1, ratios.Count,
                Math.Round(flowsAll, 1), Math.Round(flowsFewer, 1),
                flowsFewer > 0 ? Math.Round(flowsAll / flowsFewer, 3) : null,
                ratios.Count > 0 ? Math.Round(Median(ratios), 3) : null,
                [.. ratios.Select(r => Math.Round(r, 3))],
                MachineCpu(withAll), MachineCpu(withFewer)));
        }

        return comparisons.Count > 0 ? comparisons : null;
    }

    public static string Describe(WorkerCountComparison c) => string.Create(
        CultureInfo.InvariantCulture,
        $"{c.Scenario} / {c.Mode}, {c.Workers} consuming workers against {c.FewerWorkers}, alternated in {c.Pairs} pairs: median {c.FlowsPerSecond:F1} against {c.FewerFlowsPerSecond:F1} flows/s ({c.RatioOfMedians:F3}×); median of the pairs' ratios {c.MedianPairRatio:F3} ({string.Join(", ", c.PairRatios.Select(r => r.ToString("F3", CultureInfo.InvariantCulture)))}); machine CPU per flow {c.MachineCpuMsPerFlow:F3} against {c.FewerMachineCpuMsPerFlow:F3} ms");

    // The whole machine's CPU (every process, ours or not) over the phase's window, per flow.
    private static double? MachineCpu(IEnumerable<PhaseResult> phases)
    {
        var values = phases.Where(p => p.Flows > 0 && p.WindowSeconds is not null)
            .Select(p => p.MachineBusyCores * p.WindowSeconds!.Value * 1000 / p.Flows).ToList();
        return values.Count > 0 ? Math.Round(Median(values), 3) : null;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    [GeneratedRegex(@"^flowforge_queue_consumers(?:\{[^}]*\})? (\d+)", RegexOptions.Multiline)]
    private static partial Regex ConsumersLine();
}

/// <summary>Two worker counts alternated in the same minutes (<see cref="QuietAlternation"/>).</summary>
public sealed record WorkerCountComparison(
    string Scenario, string Mode, int Workers, int FewerWorkers, int Pairs, double FlowsPerSecond, double FewerFlowsPerSecond,
    double? RatioOfMedians, double? MedianPairRatio, IReadOnlyList<double> PairRatios, double? MachineCpuMsPerFlow, double? FewerMachineCpuMsPerFlow);
