using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FlowForge.Bench.Http;

namespace FlowForge.Bench;

/// <summary>
/// Runs the scenarios (<see cref="Scenario"/>) in the load modes (<see cref="LoadMode"/>) through the real HTTP API
/// of <c>flowforge serve</c> processes it starts itself (or one given by <c>--url</c>), one phase per scenario and
/// mode, each on a flow of its own. For each phase it reports throughput, latency, the CPU time every process used
/// (from <c>/proc</c>) and its peak memory, node executions per CPU second of the processes that run nodes, the
/// database's transactions and the queue's messages per flow, and which process was busiest.
/// </summary>
public static class LoadBenchmark
{
    private const int PreferWaitSeconds = 60;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task<int> RunAsync(BenchOptions options, TextWriter output)
    {
        // With --json the document is all that goes to standard output; the readable lines go to standard error.
        var log = options.Json ? Console.Error : output;
        var processes = new List<BenchProcess>();
        string? data = null;
        var url = options.Url;
        var startedAt = DateTimeOffset.UtcNow;
        var loadAverage = LoadAverage();
        // Before any server starts: the machine's speed in this hour, one core and nothing of ours running.
        var referenceMs = ReferenceWork.Measure();
        try
        {
            if (url is null)
            {
                if (options.Workers == 0)
                {
                    data = Directory.CreateTempSubdirectory("flowforge-bench-").FullName;
                    processes.Add(BenchServer.Start(options, "serve", ["--data", data]));
                }
                else
                {
                    processes.Add(BenchServer.Start(options, "api", ["--role", "api"]));
                    for (var i = 0; i < options.Workers; i++)
                    {
                        processes.Add(BenchServer.Start(options, $"worker-{i + 1}", ["--role", "worker"]));
                    }
                }

                url = processes[0].Url;
            }
            else
            {
                processes.Add(new BenchProcess("serve", null, options.Pid, url));
            }

            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency + 64, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
            using var client = new HttpClient(handler) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(PreferWaitSeconds + 30) };
            foreach (var process in processes)
            {
                await BenchServer.WaitReadyAsync(client, process);
            }

            await BenchServer.SignInAsync(client);
            var shape = options.Workers == 0 ? "embedded: one serve process" : $"scaled out: 1 api + {options.Workers} worker processes";
            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; {shape}; load average {loadAverage:F1}; reference work {referenceMs:F1} ms; client {LoadClients.Name(options.Client)}"));

            var phases = new List<PhaseResult>();
            foreach (var scenario in options.Scenarios)
            {
                if (options.WarmupSeconds > 0)
                {
                    var warmup = await CreateFlowAsync(client, scenario);
                    var ignored = new PhaseErrors();
                    await ClosedLoopAsync(Starts(options, client, warmup, scenario, wait: false, ignored), options.Concurrency, TimeSpan.FromSeconds(options.WarmupSeconds), ignored);
                    // Only its end is waited for: its runs are not read.
                    await PhaseRuns.WaitUntilFinishedAsync(client, ignored, PhaseRuns.PollInterval);

                    // A snapshot discarded: a process' first /metrics answer compiles its exporter and the request's token
                    // check (about a thousand methods), which the measured window would otherwise count once per process.
                    await ResourceSnapshot.TakeAsync(client, processes, options.Watch);
                }

                foreach (var mode in options.Modes)
                {
                    for (var k = 0; k < Math.Max(1, 2 * options.QuietAlternate); k++)
                    {
                        int? consuming = null;
                        if (options.QuietAlternate > 0)
                        {
                            var all = QuietAlternation.AllConsumeInPhase(k);
                            await QuietAlternation.SetAsync(client, processes[^1], quiet: !all);
                            consuming = all ? options.Workers : options.Workers - 1;
                        }

                        var phase = await RunPhaseAsync(client, options, scenario, mode, processes) with { ConsumingWorkers = consuming };
                        phases.Add(phase);
                        await log.WriteAsync(Describe(phase));
                    }
                }
            }

            var report = new BenchReport(
                startedAt, Environment.ProcessorCount, Environment.OSVersion.ToString(), Environment.Version.ToString(), shape,
                [.. options.ServeArgs.Select(SecretRedaction.Redact)], loadAverage, LoadClients.Name(options.Client), phases)
            {
                WorkerArgs = [.. options.WorkerArgs.Select(SecretRedaction.Redact)],
                ApiArgs = [.. options.ApiArgs.Select(SecretRedaction.Redact)],
                WorkerCounts = QuietAlternation.Compare(phases),
                ReferenceWorkMs = referenceMs,
            };
            foreach (var comparison in report.WorkerCounts ?? [])
            {
                await log.WriteLineAsync(QuietAlternation.Describe(comparison));
            }

            if (options.Json)
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(report, Json));
            }

            if (options.Markdown is { } markdown)
            {
                await MarkdownTable.AppendAsync(markdown, report);
            }

            return report.Errors == 0 ? 0 : 1;
        }
        finally
        {
            foreach (var process in processes)
            {
                await BenchServer.StopAsync(process);
            }

            if (data is not null)
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    private static async Task<PhaseResult> RunPhaseAsync(HttpClient client, BenchOptions options, Scenario scenario, LoadMode mode, IReadOnlyList<BenchProcess> processes)
    {
        var flowId = await CreateFlowAsync(client, scenario);
        var errors = new PhaseErrors();
        var commitsBefore = await SettledCommitsAsync(options.CountCommits);
        var before = await ResourceSnapshot.TakeAsync(client, processes, options.Watch);
        var clock = Stopwatch.StartNew();
        var clients = mode switch { LoadMode.WaitSingle => 1, LoadMode.Open => (int?)null, _ => options.Concurrency };
        var seconds = mode == LoadMode.Open ? options.LatencySeconds : options.ThroughputSeconds;
        LoopResult loop;
        if (mode == LoadMode.Open)
        {
            using var pool = Starts(options, client, flowId, scenario, wait: false, errors, pooled: true)();
            loop = await OpenLoopAsync(pool, options.LatencyRate, TimeSpan.FromSeconds(seconds));
        }
        else
        {
            loop = await ClosedLoopAsync(Starts(options, client, flowId, scenario, wait: mode is LoadMode.Wait or LoadMode.WaitSingle, errors), clients!.Value, TimeSpan.FromSeconds(seconds), errors);
        }

        var sendWindow = clock.Elapsed;
        // The measured window ends when the last run has finished; the runs are listed after it (the listing is the
        // bench's load, not the flows'). The database's commit count settles before the listing adds its reads.
        var ((after, commitsAfter), runs) = await PhaseRuns.EndAsync(client, flowId, errors, async () =>
        {
            var snapshot = await ResourceSnapshot.TakeAsync(client, processes, options.Watch);
            return (snapshot, await SettledCommitsAsync(options.CountCommits));
        });
        var commits = commitsAfter - commitsBefore;
        var window = Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp);

        var flows = runs.Count;
        var waitMode = mode is LoadMode.Wait or LoadMode.WaitSingle;
        var serverSpan = flows == 0 ? TimeSpan.Zero : runs.Max(r => r.Finished) - runs.Min(r => r.Created);
        var flowsPerSecond = waitMode
            ? loop.Answered / sendWindow.TotalSeconds
            : flows / Math.Max(serverSpan.TotalSeconds, 0.001);
        var serverLatency = Stats.Of([.. runs.Select(r => (r.Finished - r.Created).TotalMilliseconds)]);

        var figures = new List<ProcessFigures>();
        foreach (var (name, cpu) in after.CpuSeconds)
        {
            var used = cpu - before.CpuSeconds.GetValueOrDefault(name);
            var process = processes.FirstOrDefault(p => p.Name == name);
            var runsNodes = process is not null && (name == "serve" || name.StartsWith("worker", StringComparison.Ordinal));
            double? rss = process is not null ? BenchServer.PeakRssMb(process.Pid) : name == ResourceSnapshot.LoadGenerator ? BenchServer.PeakRssMb(Environment.ProcessId) : null;
            double? allocated = flows > 0 && after.AllocatedBytes.TryGetValue(name, out var allocatedAfter) && before.AllocatedBytes.TryGetValue(name, out var allocatedBefore)
                ? Math.Round((allocatedAfter - allocatedBefore) / flows)
                : null;
            figures.Add(new ProcessFigures(name, process?.Pid, runsNodes, Math.Round(used, 3), Math.Round(used / window.TotalSeconds, 3), rss is null ? null : Math.Round(rss.Value, 1))
            {
                CpuMsPerFlow = flows > 0 ? Math.Round(used * 1000 / flows, 3) : null,
                AllocatedBytesPerFlow = allocated,
                CountersPerFlow = after.ProcessCounters.TryGetValue(name, out var own)
                    ? MovedPerFlow(before.ProcessCounters.GetValueOrDefault(name), own, flows)
                    : null,
            });
        }

        var nodeCpu = figures.Where(f => f.RunsNodes).Sum(f => f.CpuSeconds);
        var machineTotal = after.MachineTotalSeconds - before.MachineTotalSeconds;
        var machineBusy = machineTotal > 0 ? (after.MachineBusySeconds - before.MachineBusySeconds) / machineTotal * Environment.ProcessorCount : 0;
        var counters = MovedPerFlow(before.Counters, after.Counters, flows);

        return new PhaseResult
        {
            Scenario = scenario.Name,
            Mode = LoadModes.Name(mode),
            Clients = clients,
            Rate = mode == LoadMode.Open ? options.LatencyRate : null,
            Seconds = seconds,
            NodesPerFlow = scenario.NodesPerFlow,
            Flows = flows,
            Errors = errors.Count,
            FirstError = errors.First,
            FlowsPerSecond = Math.Round(flowsPerSecond, 1),
            NodeExecutionsPerSecond = Math.Round(flowsPerSecond * scenario.NodesPerFlow, 1),
            LatencySource = waitMode ? "client" : "server",
            LatencyMs = waitMode ? Stats.Of(loop.Latencies) : serverLatency,
            ServerLatencyMs = serverLatency,
            AcceptLatencyMs = waitMode ? null : Stats.Of(loop.Latencies),
            Processes = figures,
            NodeExecutionsPerWorkerCpuSecond = nodeCpu > 0 ? Math.Round(flows * scenario.NodesPerFlow / nodeCpu, 1) : null,
            DbTransactionsPerFlow = options.CountCommits is not null && flows > 0 ? Math.Round(commits / (double)flows, 2) : null,
            // A counter nothing has added to yet is not exported: with the run counters there, no message was published.
            QueueMessagesPerFlow = counters.TryGetValue("flowforge_queue_published_total", out var published) ? published
                : counters.ContainsKey("flowforge_runs_started_total") ? 0 : null,
            CountersPerFlow = counters,
            MachineBusyCores = Math.Round(machineBusy, 2),
            WindowSeconds = Math.Round(window.TotalSeconds, 3),
            WindowEnds = PhaseResult.WindowEndsAtLastFinish,
            Busiest = Busiest(figures, machineBusy),
        };
    }

    /// <summary>The counters that moved between two snapshots, each divided by the flows of the phase (none when there were none).</summary>
    public static SortedDictionary<string, double> MovedPerFlow(IReadOnlyDictionary<string, double>? before, IReadOnlyDictionary<string, double> after, int flows)
    {
        var moved = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in after)
        {
            var delta = value - (before?.GetValueOrDefault(name) ?? 0);
            if (delta != 0 && flows > 0)
            {
                moved[name] = RoundPerFlow(delta / flows);
            }
        }

        return moved;
    }

    // Three decimals, and three significant digits below 0.01 (a process' JIT seconds per flow are millionths).
    private static double RoundPerFlow(double value) =>
        value == 0 ? 0 : Math.Round(value, Math.Clamp(2 - (int)Math.Floor(Math.Log10(Math.Abs(value))), 3, 12));

    /// <summary>The database's commit count once its statistics have caught up (PostgreSQL publishes a backend's counts about a second late).</summary>
    private static async Task<long> SettledCommitsAsync(string? countCommits)
    {
        if (countCommits is null)
        {
            return 0;
        }

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        return await CommitCounter.ReadAsync(countCommits);
    }

    private static string Busiest(IReadOnlyList<ProcessFigures> figures, double machineBusy)
    {
        var top = figures.MaxBy(f => f.CpuCores);
        var known = figures.Sum(f => f.CpuCores);
        var others = Math.Max(0, machineBusy - known);
        var cores = Environment.ProcessorCount;
        var saturated = machineBusy >= 0.9 * cores ? "the machine's CPU was saturated; " : "";
        var leader = top is null || others > top.CpuCores
            ? $"other processes on the machine ({others:F2} cores)"
            : $"{top.Name} ({top.CpuCores:F2} cores)";
        return string.Create(CultureInfo.InvariantCulture, $"{saturated}busiest: {leader}; machine {machineBusy:F2} of {cores} cores busy");
    }

    private static string Describe(PhaseResult phase)
    {
        var text = new StringBuilder();
        var load = phase.Mode == "open" ? $"{phase.Rate}/s for {phase.Seconds} s" : $"{phase.Clients} client(s) for {phase.Seconds} s";
        var consuming = phase.ConsumingWorkers is { } workers ? $", {workers} worker(s) consuming" : "";
        text.AppendLine(CultureInfo.InvariantCulture, $"{phase.Scenario} / {phase.Mode} ({load}{consuming}): {phase.Flows} flows, {phase.Errors} errors{(phase.FirstError is null ? "" : $" (first: {phase.FirstError})")}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {phase.FlowsPerSecond:F0} flows/s = {phase.NodeExecutionsPerSecond:F0} node executions/s");
        text.AppendLine(CultureInfo.InvariantCulture, $"  latency ({phase.LatencySource}): {phase.LatencyMs}");
        if (phase.AcceptLatencyMs is { } accept)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  202 round trip (client): {accept}");
        }

        foreach (var process in phase.Processes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {process.Name}: CPU {process.CpuSeconds:F1} s ({process.CpuCores * 100:F0}% of one core{(process.CpuMsPerFlow is { } perFlow ? $", {perFlow:F3} ms per flow" : "")}){(process.PeakRssMb is { } rss ? $", peak RSS {rss:F0} MB" : "")}{(process.AllocatedBytesPerFlow is { } bytes ? $", {bytes / 1024:F1} KB allocated per flow" : "")}{StoreFigures(process)}{RuntimeFigures(process)}");
        }

        if (phase.NodeExecutionsPerWorkerCpuSecond is { } perCore)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  node executions per CPU second of the node-running processes: {perCore:F0}");
        }

        if (phase.DbTransactionsPerFlow is { } transactions)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  database transactions per flow: {transactions:F2}");
        }

        if (phase.QueueMessagesPerFlow is { } messages)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  queue messages per flow: {messages:F2}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  {phase.Busiest}");
        return text.ToString();
    }

    // The process' own store transactions and round trips per flow, where it counted any.
    private static string StoreFigures(ProcessFigures process) =>
        process.CountersPerFlow is { } own && own.TryGetValue("flowforge_store_transactions_total", out var transactions)
            ? string.Create(CultureInfo.InvariantCulture, $", store transactions {transactions:F3} and round trips {own.GetValueOrDefault("flowforge_store_round_trips_total"):F3} per flow")
            : "";

    // What the runtime spent beside the process' own work: compiling (a process still warming up), collection pauses and
    // the thread pool's hand-offs, per flow.
    private static string RuntimeFigures(ProcessFigures process) =>
        process.CountersPerFlow is { } own && own.ContainsKey(ResourceSnapshot.ThreadPoolItemsCounter)
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"; JIT {own.GetValueOrDefault(ResourceSnapshot.JitSecondsCounter) * 1000:F3} ms, GC pauses {own.GetValueOrDefault(ResourceSnapshot.GcPauseSecondsCounter) * 1000:F3} ms and {own[ResourceSnapshot.ThreadPoolItemsCounter]:F1} thread-pool work items per flow")
            : "";

    private static async Task<Guid> CreateFlowAsync(HttpClient client, Scenario scenario)
    {
        using var response = await client.PostAsync("/api/flows", new StringContent(scenario.Flow.ToJsonString(), Encoding.UTF8, "application/json"));
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"saving the {scenario.Name} flow answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    /// <summary>
    /// Makes the starts of one closed-loop client (a connection of its own) or, <paramref name="pooled"/>, the open
    /// loop's (connections up to <see cref="BenchOptions.Concurrency"/> + 64, as many as the <see cref="HttpClient"/>
    /// path may open), through the client <c>--client</c> chose.
    /// </summary>
    private static Func<IRunStarts> Starts(BenchOptions options, HttpClient client, Guid flowId, Scenario scenario, bool wait, PhaseErrors errors, bool pooled = false)
    {
        if (options.Client == LoadClient.HttpClient)
        {
            return () => new HttpClientRunStarts(client, flowId, scenario.StartBody, wait, PreferWaitSeconds, errors);
        }

        var request = new RunStartRequest(
            client.BaseAddress!, client.DefaultRequestHeaders.Authorization!.ToString(), flowId, scenario.StartBody, wait, PreferWaitSeconds, client.Timeout);
        return pooled
            ? () => new RawRunStartPool(request, errors, options.Concurrency + 64)
            : () => new RawRunStartConnection(request, errors, blocking: true);
    }

    private static async Task<LoopResult> ClosedLoopAsync(Func<IRunStarts> connect, int concurrency, TimeSpan duration, PhaseErrors errors)
    {
        var latencies = new ConcurrentQueue<double>();
        long answered = 0;
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ =>
        {
            var starts = connect();
            // A blocking client gets a thread of its own; its starts complete on it.
            return starts.Blocking
                ? Task.Factory.StartNew(() => RunClientAsync(starts).AsTask().GetAwaiter().GetResult(), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
                : RunClientAsync(starts).AsTask();
        }));
        return new LoopResult(answered, [.. latencies]);

        async ValueTask RunClientAsync(IRunStarts starts)
        {
            using (starts)
            {
                // Bounded by time; errors end a client early so a broken server does not spin.
                while (Stopwatch.GetTimestamp() < until && errors.Count < 1_000)
                {
                    var started = Stopwatch.GetTimestamp();
                    if (await starts.StartAsync())
                    {
                        latencies.Enqueue(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                        Interlocked.Increment(ref answered);
                    }
                }
            }
        }
    }

    private static async Task<LoopResult> OpenLoopAsync(IRunStarts starts, int rate, TimeSpan duration)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var started = Stopwatch.GetTimestamp();
        var tasks = new List<Task<double?>>(total);
        for (var i = 0; i < total; i++)
        {
            var due = started + (long)(i * (double)Stopwatch.Frequency / rate);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            tasks.Add(TimedAsync());
        }

        var latencies = (await Task.WhenAll(tasks)).OfType<double>().ToArray();
        return new LoopResult(latencies.Length, latencies);

        async Task<double?> TimedAsync()
        {
            var t = Stopwatch.GetTimestamp();
            return await starts.StartAsync() ? Stopwatch.GetElapsedTime(t).TotalMilliseconds : null;
        }
    }

    private static double LoadAverage() =>
        File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture) : 0;

    private sealed record LoopResult(long Answered, IReadOnlyCollection<double> Latencies);
}
