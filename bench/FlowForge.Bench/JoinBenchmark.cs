using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace FlowForge.Bench;

/// <summary>
/// One run of a wide join: trigger → N <c>core.noop</c> nodes, each passing on the run input (a text of
/// <see cref="BenchOptions.JoinBytes"/>) → one <c>core.set</c> join with all of them as parents. Reports how long
/// the run took and how much memory the server process held at its peak.
/// </summary>
public static class JoinBenchmark
{
    public static async Task<int> RunAsync(BenchOptions options, TextWriter output)
    {
        var data = Directory.CreateTempSubdirectory("flowforge-bench-join-").FullName;
        var server = BenchServer.Start(options, "serve", ["--data", data]);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromMinutes(5) };
            await BenchServer.WaitReadyAsync(client, server);
            await BenchServer.SignInAsync(client);

            var created = await client.PostAsync("/api/flows", new StringContent(Flow(options.JoinParents).ToJsonString(), Encoding.UTF8, "application/json"));
            created.EnsureSuccessStatusCode();
            var flowId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
            var rssBefore = BenchServer.RssMb(server.Pid);

            var input = new JsonObject { ["input"] = new JsonObject { ["n"] = 1, ["s"] = new string('x', options.JoinBytes) } };
            var clock = Stopwatch.StartNew();
            var started = await client.PostAsync($"/api/flows/{flowId}/runs", new StringContent(input.ToJsonString(), Encoding.UTF8, "application/json"));
            started.EnsureSuccessStatusCode();
            var location = started.Headers.Location!;
            JsonObject run;
            var polls = 0;
            do
            {
                await Task.Delay(500);
                run = (await client.GetFromJsonAsync<JsonObject>(location))!;
            }
            while (run["status"]!.GetValue<string>() is "Pending" or "Running" && ++polls < 2_400);

            var elapsed = clock.Elapsed;
            var join = run["nodes"]!.AsArray().Single(n => n!["nodeId"]!.GetValue<string>() == "join")!;
            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture, $"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
            report.AppendLine(CultureInfo.InvariantCulture, $"join of {options.JoinParents} parents, each passing {options.JoinBytes:N0} bytes ({options.JoinParents * (long)options.JoinBytes / (1024.0 * 1024):F0} MiB in all)");
            report.AppendLine(CultureInfo.InvariantCulture, $"  run: {run["status"]}, join: {join["status"]} {join["error"]}, {elapsed.TotalSeconds:F1} s");
            report.AppendLine(CultureInfo.InvariantCulture, $"  server RSS before the run {rssBefore:F0} MB, peak {BenchServer.PeakRssMb(server.Pid):F0} MB");
            await output.WriteAsync(report.ToString());
            return run["status"]!.GetValue<string>() == "Succeeded" ? 0 : 1;
        }
        finally
        {
            server.Process!.Kill(entireProcessTree: true);
            await server.Process.WaitForExitAsync();
            server.Process.Dispose();
            Directory.Delete(data, recursive: true);
        }
    }

    private static JsonObject Flow(int parents)
    {
        static JsonObject Node(string id, string type, JsonObject? config = null) => new()
        {
            ["id"] = id,
            ["type"] = type,
            ["position"] = new JsonObject { ["x"] = 0, ["y"] = 0 },
            ["data"] = config is null ? new JsonObject() : new JsonObject { ["config"] = config },
        };

        var nodes = new JsonArray(Node("trigger", "trigger.manual"), Node("join", "core.set", new JsonObject { ["values"] = new JsonObject { ["n"] = "{{ nodes.p0.output.n }}" } }));
        var edges = new JsonArray();
        for (var i = 0; i < parents; i++)
        {
            nodes.Add(Node($"p{i}", "core.noop"));
            edges.Add(new JsonObject { ["id"] = $"t-p{i}", ["source"] = "trigger", ["target"] = $"p{i}" });
            edges.Add(new JsonObject { ["id"] = $"p{i}-join", ["source"] = $"p{i}", ["target"] = "join" });
        }

        return new JsonObject { ["name"] = $"join of {parents}", ["nodes"] = nodes, ["edges"] = edges };
    }
}
