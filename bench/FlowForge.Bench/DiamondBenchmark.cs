using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace FlowForge.Bench;

/// <summary>
/// Runs the diamond flow (trigger → a → {b, c} → d, all core.noop) through the real HTTP API: a closed-loop
/// phase for sustained throughput, then an open-loop phase at a fixed rate for trigger-to-finish latency.
/// Latency is measured on the server's own timestamps (run created → run finished).
/// </summary>
public static class DiamondBenchmark
{
    private const string Diamond = """
        {"name":"bench diamond","nodes":[
          {"id":"trigger","type":"trigger.manual","position":{"x":0,"y":0},"data":{}},
          {"id":"a","type":"core.noop","position":{"x":0,"y":100},"data":{}},
          {"id":"b","type":"core.noop","position":{"x":-100,"y":200},"data":{}},
          {"id":"c","type":"core.noop","position":{"x":100,"y":200},"data":{}},
          {"id":"d","type":"core.noop","position":{"x":0,"y":300},"data":{}}],
         "edges":[{"id":"e1","source":"trigger","target":"a"},{"id":"e2","source":"a","target":"b"},{"id":"e3","source":"a","target":"c"},
                  {"id":"e4","source":"b","target":"d"},{"id":"e5","source":"c","target":"d"}]}
        """;

    public static async Task<int> RunAsync(BenchOptions options, TextWriter output)
    {
        var processes = new List<BenchProcess>();
        string? data = null;
        var url = options.Url;
        try
        {
            if (url is null)
            {
                data = Directory.CreateTempSubdirectory("flowforge-bench-").FullName;
                if (options.Workers == 0)
                {
                    processes.Add(StartServer(options, "serve", ["--data", data]));
                }
                else
                {
                    processes.Add(StartServer(options, "api", ["--role", "api"]));
                    for (var i = 0; i < options.Workers; i++)
                    {
                        processes.Add(StartServer(options, $"worker-{i + 1}", ["--role", "worker"]));
                    }
                }

                url = processes[0].Url;
            }
            else if (options.Pid is { } pid)
            {
                processes.Add(new BenchProcess("serve", null, pid, url));
            }

            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency + 16, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
            using var client = new HttpClient(handler) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
            foreach (var process in processes)
            {
                await WaitReadyAsync(client, process.Url);
            }

            await SignInAsync(client);

            var warmupFlow = await CreateFlowAsync(client);
            await ClosedLoopAsync(client, warmupFlow, options.Concurrency, TimeSpan.FromSeconds(options.WarmupSeconds));
            await WaitAllFinishedAsync(client, warmupFlow);

            var throughputFlow = await CreateFlowAsync(client);
            var cpuBefore = processes.ToDictionary(p => p.Name, p => ProcessCpu(p.Pid));
            var publishedBefore = await PublishedMessagesAsync(client, processes);
            var commitsBefore = await CommitCounter.ReadAsync(options.CountCommits);
            var clock = Stopwatch.StartNew();
            var accepted = await ClosedLoopAsync(client, throughputFlow, options.Concurrency, TimeSpan.FromSeconds(options.ThroughputSeconds));
            var acceptWindow = clock.Elapsed;
            var throughputRuns = await WaitAllFinishedAsync(client, throughputFlow);
            var drainWindow = clock.Elapsed;
            var cpu = processes.ToDictionary(p => p.Name, p => (ProcessCpu(p.Pid) - cpuBefore[p.Name]) / drainWindow.TotalSeconds);
            var published = await PublishedMessagesAsync(client, processes) - publishedBefore;
            var commits = await CommitCounter.ReadAsync(options.CountCommits) - commitsBefore;
            var first = throughputRuns.Min(r => r.Created);
            var last = throughputRuns.Max(r => r.Finished);
            var sustained = throughputRuns.Count / (last - first).TotalSeconds;
            var throughputLatency = Percentiles(throughputRuns);

            var latencyFlow = await CreateFlowAsync(client);
            var (sent, acceptLatency) = await OpenLoopAsync(client, latencyFlow, options.LatencyRate, TimeSpan.FromSeconds(options.LatencySeconds));
            var latencyRuns = await WaitAllFinishedAsync(client, latencyFlow);
            var latency = Percentiles(latencyRuns);

            var report = new StringBuilder();
            var shape = options.Workers == 0 ? "one serve process (embedded shape)" : $"1 api + {options.Workers} worker processes";
            report.AppendLine(CultureInfo.InvariantCulture, $"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; {shape}");
            report.AppendLine(CultureInfo.InvariantCulture, $"throughput phase: {options.Concurrency} concurrent clients for {options.ThroughputSeconds} s, {accepted} runs accepted ({accepted / acceptWindow.TotalSeconds:F0}/s), all {throughputRuns.Count} finished");
            report.AppendLine(CultureInfo.InvariantCulture, $"  sustained: {sustained:F0} diamond flows/s = {sustained * 5:F0} node executions/s (first created → last finished)");
            report.AppendLine(CultureInfo.InvariantCulture, $"  trigger→finish under saturation: p50 {throughputLatency.P50:F1} ms, p99 {throughputLatency.P99:F1} ms");
            foreach (var process in processes)
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"  {process.Name}: CPU {cpu[process.Name] * 100:F0}% of one core, peak RSS {PeakRssMb(process.Pid):F0} MB");
            }

            if (published > 0)
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"  broker messages per flow: {published / throughputRuns.Count:F2}");
            }

            if (commits > 0)
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"  database commits per flow: {commits / (double)throughputRuns.Count:F2} (all transactions the database counted, reads included)");
            }

            report.AppendLine(CultureInfo.InvariantCulture, $"latency phase: open loop at {options.LatencyRate} flows/s for {options.LatencySeconds} s, {sent} sent, {latencyRuns.Count} finished");
            report.AppendLine(CultureInfo.InvariantCulture, $"  trigger→finish: p50 {latency.P50:F1} ms, p99 {latency.P99:F1} ms, max {latency.Max:F1} ms");
            report.AppendLine(CultureInfo.InvariantCulture, $"  202 round trip (client): p50 {acceptLatency.P50:F1} ms, p99 {acceptLatency.P99:F1} ms");
            await output.WriteAsync(report.ToString());
            return 0;
        }
        finally
        {
            foreach (var process in processes.Where(p => p.Process is not null))
            {
                process.Process!.Kill(entireProcessTree: true);
                await process.Process.WaitForExitAsync();
                process.Process.Dispose();
            }

            if (data is not null)
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    private static async Task<double> PublishedMessagesAsync(HttpClient client, IReadOnlyList<BenchProcess> processes)
    {
        double total = 0;
        foreach (var process in processes)
        {
            var text = await client.GetStringAsync(new Uri(new Uri(process.Url), "/metrics"));
            foreach (var line in text.Split('\n'))
            {
                if (line.StartsWith("flowforge_queue_published_total", StringComparison.Ordinal))
                {
                    total += double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
                }
            }
        }

        return total;
    }

    internal static BenchProcess StartServer(BenchOptions options, string name, IReadOnlyList<string> role)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var info = new ProcessStartInfo(options.Flowforge) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["serve", "--urls", url, "--Logging:LogLevel:Default=Warning", .. role, .. options.ServeArgs])
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("flowforge did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"[{name}] {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new BenchProcess(name, process, process.Id, url);
    }

    internal static async Task WaitReadyAsync(HttpClient client, string url)
    {
        for (var i = 0; i < 1200; i++)
        {
            try
            {
                if ((await client.GetAsync(new Uri(new Uri(url), "/health/ready"))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Starting (the first start may build).
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("the server did not become ready");
    }

    internal static async Task SignInAsync(HttpClient client)
    {
        var credentials = new { email = $"bench-{Guid.NewGuid():N}@example.com", password = "benchmark password" };
        (await client.PostAsJsonAsync("/api/auth/register", credentials)).EnsureSuccessStatusCode();
        var token = (await (await client.PostAsJsonAsync("/api/auth/token", credentials)).Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    private static async Task<Guid> CreateFlowAsync(HttpClient client)
    {
        var response = await client.PostAsync("/api/flows", new StringContent(Diamond, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    private static async Task StartRunAsync(HttpClient client, Guid flowId)
    {
        // A 429 is the server asking to slow down: wait as long as it says, a bounded number of times.
        var response = await client.PostAsync($"/api/flows/{flowId}/runs", new StringContent("{\"input\":{\"n\":1}}", Encoding.UTF8, "application/json"));
        for (var retry = 0; retry < 30 && response.StatusCode == HttpStatusCode.TooManyRequests; retry++)
        {
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
            response.Dispose();
            response = await client.PostAsync($"/api/flows/{flowId}/runs", new StringContent("{\"input\":{\"n\":1}}", Encoding.UTF8, "application/json"));
        }

        using var answered = response;
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"start answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static async Task<long> ClosedLoopAsync(HttpClient client, Guid flowId, int concurrency, TimeSpan duration)
    {
        long accepted = 0;
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Stopwatch.GetTimestamp() < until)
            {
                await StartRunAsync(client, flowId);
                Interlocked.Increment(ref accepted);
            }
        }));
        return accepted;
    }

    private static async Task<(int Sent, Stats AcceptLatency)> OpenLoopAsync(HttpClient client, Guid flowId, int rate, TimeSpan duration)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var started = Stopwatch.GetTimestamp();
        var tasks = new List<Task<double>>(total);
        for (var i = 0; i < total; i++)
        {
            var due = started + (long)(i * (double)Stopwatch.Frequency / rate);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            tasks.Add(TimedStartAsync(client, flowId));
        }

        var latencies = await Task.WhenAll(tasks);
        return (total, Stats.Of(latencies));
    }

    private static async Task<double> TimedStartAsync(HttpClient client, Guid flowId)
    {
        var t = Stopwatch.GetTimestamp();
        await StartRunAsync(client, flowId);
        return Stopwatch.GetElapsedTime(t).TotalMilliseconds;
    }

    private static async Task<List<(DateTimeOffset Created, DateTimeOffset Finished)>> WaitAllFinishedAsync(HttpClient client, Guid flowId)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var runs = new List<(DateTimeOffset, DateTimeOffset)>();
            var unfinished = 0;
            string? cursor = null;
            for (var page = 0; page < 10_000; page++)
            {
                var body = (await client.GetFromJsonAsync<JsonObject>($"/api/flows/{flowId}/runs?limit=200{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}"))!;
                foreach (var item in body["items"]!.AsArray())
                {
                    var status = item!["status"]!.GetValue<string>();
                    if (status == "Succeeded")
                    {
                        runs.Add((item["createdAt"]!.GetValue<DateTimeOffset>(), item["finishedAt"]!.GetValue<DateTimeOffset>()));
                    }
                    else if (status is "Failed" or "Cancelled")
                    {
                        throw new InvalidOperationException($"run {item["id"]} ended {status}: {item["error"]}");
                    }
                    else
                    {
                        unfinished++;
                    }
                }

                cursor = body["nextCursor"]?.GetValue<string>();
                if (cursor is null)
                {
                    break;
                }
            }

            if (unfinished == 0)
            {
                return runs;
            }

            await Task.Delay(500);
        }

        throw new TimeoutException("runs did not finish within 5 minutes");
    }

    private static Stats Percentiles(List<(DateTimeOffset Created, DateTimeOffset Finished)> runs) =>
        Stats.Of([.. runs.Select(r => (r.Finished - r.Created).TotalMilliseconds)]);

    private static double ProcessCpu(int? pid)
    {
        if (pid is null || !File.Exists($"/proc/{pid}/stat"))
        {
            return 0;
        }

        var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / 100.0;
    }

    internal static double PeakRssMb(int? pid)
    {
        if (pid is null || !File.Exists($"/proc/{pid}/status"))
        {
            return 0;
        }

        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
