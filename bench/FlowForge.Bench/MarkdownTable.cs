using System.Globalization;
using System.Text;

namespace FlowForge.Bench;

/// <summary>Appends a report's phases to a markdown table (the header is written when the file is new).</summary>
public static class MarkdownTable
{
    private const string Header = """
        | shape | scenario | mode | load | flows | errors | flows/s | node executions/s | latency p50 / p95 / p99 / max (ms) | node executions per node-process CPU s | DB transactions per flow | queue messages per flow | peak RSS (MB) | CPU (cores) | busiest |
        |---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|

        """;

    public static async Task AppendAsync(string path, BenchReport report)
    {
        var text = new StringBuilder();
        if (!File.Exists(path) || new FileInfo(path).Length == 0)
        {
            text.Append(Header);
        }

        foreach (var phase in report.Phases)
        {
            var load = (phase.Mode == "open" ? $"{phase.Rate}/s × {phase.Seconds} s" : $"{phase.Clients} clients × {phase.Seconds} s")
                + (phase.ConsumingWorkers is { } consuming ? $", {consuming} worker(s) consuming" : "");
            var latency = phase.LatencyMs;
            var rss = string.Join(", ", phase.Processes.Where(p => p.Pid is not null && p.PeakRssMb is not null).Select(p => $"{p.Name} {p.PeakRssMb:F0}"));
            var cpu = string.Join(", ", phase.Processes.Select(p => $"{p.Name} {p.CpuCores:F2}"));
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {report.Shape} | {phase.Scenario} | {phase.Mode} | {load} | {phase.Flows} | {phase.Errors} | {phase.FlowsPerSecond:F0} | {phase.NodeExecutionsPerSecond:F0} | {latency.P50:F1} / {latency.P95:F1} / {latency.P99:F1} / {latency.Max:F1} ({phase.LatencySource}) | {Figure(phase.NodeExecutionsPerWorkerCpuSecond, "F0")} | {Figure(phase.DbTransactionsPerFlow, "F2")} | {Figure(phase.QueueMessagesPerFlow, "F2")} | {rss} | {cpu} | {phase.Busiest} |");
        }

        await File.AppendAllTextAsync(path, text.ToString());
    }

    private static string Figure(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "—";
}
