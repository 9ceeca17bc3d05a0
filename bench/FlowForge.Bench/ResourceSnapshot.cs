using System.Diagnostics;
using System.Globalization;

namespace FlowForge.Bench;

/// <summary>
/// Counters read at one instant: CPU seconds of each process (and of watched process trees such as the database),
/// of the bench itself and of the machine, the <c>flowforge_*_total</c> counters of every FlowForge process, and the
/// managed bytes each FlowForge process has allocated. Two snapshots give a phase's figures.
/// </summary>
/// <param name="Counters">The <c>flowforge_*_total</c> counters summed over every FlowForge process.</param>
/// <param name="ProcessCounters">The same counters of each FlowForge process by its name, to tell the api's from a worker's.</param>
public sealed record ResourceSnapshot(
    long Timestamp, IReadOnlyDictionary<string, double> CpuSeconds, double MachineBusySeconds, double MachineTotalSeconds,
    IReadOnlyDictionary<string, double> Counters, IReadOnlyDictionary<string, double> AllocatedBytes,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> ProcessCounters)
{
    public const string LoadGenerator = "bench (load generator)";

    // The runtime's own meter (System.Runtime), exported beside FlowForge's counters.
    private const string AllocatedBytesCounter = "dotnet_gc_heap_total_allocated_bytes_total";

    /// <summary>The runtime's seconds spent compiling methods (tier 0, and tier 1 as methods get hot), per process.</summary>
    public const string JitSecondsCounter = "dotnet_jit_compilation_time_seconds_total";

    /// <summary>The runtime's seconds with managed threads paused for collections.</summary>
    public const string GcPauseSecondsCounter = "dotnet_gc_pause_time_seconds_total";

    /// <summary>Work items the runtime's thread pool ran: each hand-off of work from one thread to another.</summary>
    public const string ThreadPoolItemsCounter = "dotnet_thread_pool_work_item_count_total";

    // Read beside the flowforge_*_total counters: what the runtime spends apart from FlowForge's own work.
    private static readonly string[] RuntimeCounters = [JitSecondsCounter, GcPauseSecondsCounter, ThreadPoolItemsCounter];

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
        var allocated = new Dictionary<string, double>();
        var perProcess = new Dictionary<string, IReadOnlyDictionary<string, double>>();
        foreach (var process in processes)
        {
            string text;
            try
            {
                text = await client.GetStringAsync(new Uri(new Uri(process.Url), "/metrics"));
            }
            catch (HttpRequestException)
            {
                // Metrics served on another port (Server:ManagementUrls): no counters from this process.
                continue;
            }

            var own = new Dictionary<string, double>();
            if (ReadCounters(text, own) is { } bytes)
            {
                allocated[process.Name] = bytes;
            }

            perProcess[process.Name] = own;
            foreach (var (name, value) in own)
            {
                counters[name] = counters.GetValueOrDefault(name) + value;
            }
        }

        return new ResourceSnapshot(timestamp, cpu, busy, total, counters, allocated, perProcess);
    }

    /// <summary>
    /// Adds the <c>flowforge_*_total</c> counters of one process' <c>/metrics</c> text, and the runtime's JIT seconds, GC
    /// pause seconds and thread-pool work items, to <paramref name="counters"/> (the series of one name summed over their
    /// labels); returns the managed bytes the process has allocated, if exported.
    /// </summary>
    public static double? ReadCounters(string text, Dictionary<string, double> counters)
    {
        double? allocated = null;
        foreach (var line in text.Split('\n'))
        {
            var nameEnd = line.AsSpan().IndexOfAny(' ', '{');
            if (nameEnd <= 0)
            {
                continue;
            }

            var name = line[..nameEnd];
            if (name == AllocatedBytesCounter)
            {
                allocated = ValueOf(line, nameEnd) ?? allocated;
                continue;
            }

            var ours = name.StartsWith("flowforge_", StringComparison.Ordinal) && name.EndsWith("_total", StringComparison.Ordinal);
            if ((ours || Array.IndexOf(RuntimeCounters, name) >= 0) && ValueOf(line, nameEnd) is { } value)
            {
                counters[name] = counters.GetValueOrDefault(name) + value;
            }
        }

        return allocated;
    }

    // "name{labels} value [timestamp]": the value follows the labels' closing brace (or the name).
    private static double? ValueOf(string line, int nameEnd)
    {
        var rest = line[(line.LastIndexOf('}') is var brace and >= 0 ? brace + 1 : nameEnd)..].Trim().Split(' ');
        return double.TryParse(rest[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
    }
}
