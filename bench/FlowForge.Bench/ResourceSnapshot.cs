using System.Diagnostics;
using System.Globalization;

namespace FlowForge.Bench;

/// <summary>
/// Counters read at one instant: CPU seconds of each process (and of watched process trees such as the database),
/// of the bench itself and of the machine, and the <c>flowforge_*_total</c> counters of every FlowForge process.
/// Two snapshots give a phase's figures.
/// </summary>
public sealed record ResourceSnapshot(
    long Timestamp, IReadOnlyDictionary<string, double> CpuSeconds, double MachineBusySeconds, double MachineTotalSeconds, IReadOnlyDictionary<string, double> Counters)
{
    public const string LoadGenerator = "bench (load generator)";

    public static async Task<ResourceSnapshot> TakeAsync(
        HttpClient client, IReadOnlyList<BenchProcess> processes, IReadOnlyList<(string Name, int Pid)> watched)
    {
        var timestamp = Stopwatch.GetTimestamp();
        var cpu = new Dictionary<string, double>();
        foreach (var process in processes)
        {
            cpu[process.Name] = BenchServer.CpuSeconds(process.Pid);
        }

        foreach (var (name, pid) in watched)
        {
            cpu[name] = BenchServer.CpuSeconds(pid);
        }

        // Its own CPU only: the serve processes it started are its children, living or reaped, and are counted under their names.
        cpu[LoadGenerator] = BenchServer.OwnCpuSeconds(Environment.ProcessId);
        var (busy, total) = BenchServer.MachineCpuSeconds();
        var counters = new Dictionary<string, double>();
        foreach (var process in processes)
        {
            await ReadCountersAsync(client, process, counters);
        }

        return new ResourceSnapshot(timestamp, cpu, busy, total, counters);
    }

    private static async Task ReadCountersAsync(HttpClient client, BenchProcess process, Dictionary<string, double> counters)
    {
        string text;
        try
        {
            text = await client.GetStringAsync(new Uri(new Uri(process.Url), "/metrics"));
        }
        catch (HttpRequestException)
        {
            // Metrics served on another port (Server:ManagementUrls): no counters from this process.
            return;
        }

        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith("flowforge_", StringComparison.Ordinal))
            {
                continue;
            }

            var nameEnd = line.IndexOfAny([' ', '{']);
            var name = nameEnd < 0 ? line : line[..nameEnd];
            if (!name.EndsWith("_total", StringComparison.Ordinal))
            {
                continue;
            }

            // "name{labels} value [timestamp]": the value follows the labels' closing brace (or the name).
            var rest = line[(line.LastIndexOf('}') is var brace and >= 0 ? brace + 1 : nameEnd)..].Trim().Split(' ');
            if (double.TryParse(rest[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                counters[name] = counters.GetValueOrDefault(name) + value;
            }
        }
    }
}
