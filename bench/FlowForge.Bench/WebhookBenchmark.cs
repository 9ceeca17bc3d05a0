using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FlowForge.Bench;

/// <summary>
/// A webhook flow end to end: <c>trigger.webhook</c> (respond <c>whenFinished</c>) → <c>core.if</c> on the body →
/// true: <c>http.request</c> to a small JSON endpoint this process hosts on 127.0.0.1 → <c>core.code</c> that
/// transforms the response; false: <c>core.set</c>. C clients call the webhook in a closed loop for N seconds; the
/// latency is the client's (call sent → answer read). Then the same with <c>respond: immediately</c> (202).
/// </summary>
public static class WebhookBenchmark
{
    private static readonly int[] QuoteItems = [1, 2, 3];

    public static async Task<int> RunAsync(BenchOptions options, TextWriter output)
    {
        await using var target = await StartTargetAsync();
        var targetUrl = target.Urls.First();
        var data = Directory.CreateTempSubdirectory("flowforge-bench-webhook-").FullName;
        var server = BenchServer.Start(
            options with { ServeArgs = [.. options.ServeArgs, "--Http:AllowedHosts:0=127.0.0.1", "--Webhooks:PermitsPerSecond=1000000", "--Webhooks:Burst=10000000"] },
            "serve",
            ["--data", data]);
        try
        {
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency + 16, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
            using var client = new HttpClient(handler) { BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromSeconds(60) };
            await BenchServer.WaitReadyAsync(client, server);
            await BenchServer.SignInAsync(client);

            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture, $"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; one serve process (embedded shape); load average at start {LoadAverage()}");

            var finishedHook = await CreateActiveFlowAsync(client, "whenFinished", targetUrl);
            await ClosedLoopAsync(client, finishedHook, options.Concurrency, TimeSpan.FromSeconds(options.WarmupSeconds), expect: HttpStatusCode.OK);
            var finished = await ClosedLoopAsync(client, finishedHook, options.Concurrency, TimeSpan.FromSeconds(options.WebhookSeconds), expect: HttpStatusCode.OK);
            report.AppendLine(CultureInfo.InvariantCulture, $"respond whenFinished: {options.Concurrency} concurrent clients for {options.WebhookSeconds} s");
            Describe(report, finished);

            var immediateHook = await CreateActiveFlowAsync(client, "immediately", targetUrl);
            var immediate = await ClosedLoopAsync(client, immediateHook, options.Concurrency, TimeSpan.FromSeconds(options.WebhookSeconds), expect: HttpStatusCode.Accepted);
            report.AppendLine(CultureInfo.InvariantCulture, $"respond immediately (202, run on disk): {options.Concurrency} concurrent clients for {options.WebhookSeconds} s");
            Describe(report, immediate);
            report.AppendLine(CultureInfo.InvariantCulture, $"  server peak RSS {BenchServer.PeakRssMb(server.Pid):F0} MB; load average at end {LoadAverage()}");
            await output.WriteAsync(report.ToString());
            return finished.Errors + immediate.Errors == 0 ? 0 : 1;
        }
        finally
        {
            server.Process!.Kill(entireProcessTree: true);
            await server.Process.WaitForExitAsync();
            server.Process.Dispose();
            Directory.Delete(data, recursive: true);
        }
    }

    private static void Describe(StringBuilder report, LoopResult result)
    {
        var sorted = result.Latencies.Order().ToArray();
        double At(double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        var total = Math.Max(1, result.Latencies.Count);
        report.AppendLine(CultureInfo.InvariantCulture, $"  {result.Latencies.Count} calls answered, {result.Latencies.Count / result.Elapsed.TotalSeconds:F0}/s; errors {result.Errors}{(result.FirstError is null ? "" : $" (first: {result.FirstError})")}");
        report.AppendLine(CultureInfo.InvariantCulture, $"  latency: p50 {At(0.50):F1} ms, p95 {At(0.95):F1} ms, p99 {At(0.99):F1} ms, max {(sorted.Length == 0 ? 0 : sorted[^1]):F1} ms");
        if (result.TrueBranch + result.FalseBranch > 0)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"  branches: true (http.request → core.code) {100.0 * result.TrueBranch / total:F1} %, false (core.set) {100.0 * result.FalseBranch / total:F1} %");
        }
    }

    private static async Task<WebApplication> StartTargetAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/quote", (int? n) => Results.Json(new { price = 10 * (n ?? 0), currency = "EUR", items = QuoteItems }));
        await app.StartAsync();
        return app;
    }

    private static async Task<Uri> CreateActiveFlowAsync(HttpClient client, string respond, string targetUrl)
    {
        var created = await client.PostAsync("/api/flows", new StringContent(Flow(respond, targetUrl).ToJsonString(), Encoding.UTF8, "application/json"));
        if (!created.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"saving the flow answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
        }

        var flowId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        var activated = await client.PostAsync($"/api/flows/{flowId}/activate", null);
        activated.EnsureSuccessStatusCode();
        var flow = (await client.GetFromJsonAsync<JsonObject>($"/api/flows/{flowId}"))!;
        return new Uri(flow["webhooks"]!.AsArray().Single()!["url"]!.GetValue<string>());
    }

    private static JsonObject Flow(string respond, string targetUrl)
    {
        static JsonObject Node(string id, string type, JsonObject config) => new()
        {
            ["id"] = id,
            ["type"] = type,
            ["position"] = new JsonObject { ["x"] = 0, ["y"] = 0 },
            ["data"] = new JsonObject { ["config"] = config },
        };

        static JsonObject Edge(string source, string target, string? port = null) => new()
        {
            ["id"] = $"{source}-{target}",
            ["source"] = source,
            ["target"] = target,
            ["sourceHandle"] = port,
        };

        return new JsonObject
        {
            ["name"] = $"bench webhook ({respond})",
            ["nodes"] = new JsonArray(
                Node("hook", "trigger.webhook", new JsonObject { ["respond"] = respond }),
                Node("check", "core.if", new JsonObject { ["condition"] = "{{ input.body.order }}" }),
                Node("fetch", "http.request", new JsonObject { ["method"] = "GET", ["url"] = $"{targetUrl}/quote", ["query"] = new JsonObject { ["n"] = "{{ input.body.n }}" } }),
                Node("shape", "core.code", new JsonObject { ["source"] = "const b = nodes.fetch.output.body;\nreturn { branch: 'true', total: b.price * b.items.length, currency: b.currency };" }),
                Node("skip", "core.set", new JsonObject { ["values"] = new JsonObject { ["branch"] = "false", ["n"] = "{{ input.body.n }}" } })),
            ["edges"] = new JsonArray(
                Edge("hook", "check"),
                Edge("check", "fetch", "true"),
                Edge("fetch", "shape"),
                Edge("check", "skip", "false")),
        };
    }

    private static async Task<LoopResult> ClosedLoopAsync(HttpClient client, Uri hook, int concurrency, TimeSpan duration, HttpStatusCode expect)
    {
        var result = new LoopResult();
        var clock = Stopwatch.StartNew();
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async c =>
        {
            var i = 0;
            while (Stopwatch.GetTimestamp() < until)
            {
                // Three calls in four order (true branch), one does not (false branch).
                var order = (c + i++) % 4 != 0;
                var body = new JsonObject { ["order"] = order, ["n"] = i };
                var t = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.PostAsync(hook, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
                    var text = await response.Content.ReadAsStringAsync();
                    var elapsed = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                    var branch = response.StatusCode == HttpStatusCode.OK ? JsonNode.Parse(text)?["branch"]?.GetValue<string>() : null;
                    var ok = response.StatusCode == expect && (expect != HttpStatusCode.OK || branch == (order ? "true" : "false"));
                    lock (result)
                    {
                        if (!ok)
                        {
                            result.Errors++;
                            result.FirstError ??= $"{(int)response.StatusCode} {text[..Math.Min(200, text.Length)]}";
                            continue;
                        }

                        result.Latencies.Add(elapsed);
                        if (branch == "true")
                        {
                            result.TrueBranch++;
                        }
                        else if (branch == "false")
                        {
                            result.FalseBranch++;
                        }
                    }
                }
                catch (HttpRequestException e)
                {
                    lock (result)
                    {
                        result.Errors++;
                        result.FirstError ??= e.Message;
                    }
                }
            }
        }));
        result.Elapsed = clock.Elapsed;
        return result;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private sealed class LoopResult
    {
        public List<double> Latencies { get; } = [];

        public int Errors { get; set; }

        public string? FirstError { get; set; }

        public int TrueBranch { get; set; }

        public int FalseBranch { get; set; }

        public TimeSpan Elapsed { get; set; }
    }
}
