using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Nodes.Core;
using FlowForge.Nodes.Core.Code;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlowForge.Bench;

/// <summary>
/// <c>core.code</c> executions per second in this process, with the default Code settings: a trivial script and one
/// that maps a 100-item input, on one thread and on every core. Measures the node alone, without the engine or a store.
/// </summary>
public static class CodeBenchmark
{
    private const string Trivial = "return { doubled: input.n * 2 };";

    private const string Mapping = "return input.items.map(item => ({ sku: item.sku, total: item.price * item.quantity })).filter(line => line.total > 10);";

    public static async Task<int> RunAsync(BenchOptions options, TextWriter output)
    {
        var node = new CodeNode(Options.Create(new CodeOptions()), Options.Create(new EngineOptions()));
        var items = new JsonArray();
        for (var i = 0; i < 100; i++)
        {
            items.Add(new JsonObject { ["sku"] = $"sku-{i}", ["price"] = i * 0.5, ["quantity"] = 1 + (i % 3) });
        }

        var duration = TimeSpan.FromSeconds(options.CodeSeconds);
        output.WriteLine($"core.code, {Environment.ProcessorCount} cores, {duration.TotalSeconds:0} s per measure");
        foreach (var (name, source, input) in new (string, string, JsonNode)[]
        {
            ("trivial", Trivial, new JsonObject { ["n"] = 21 }),
            ("map 100 items", Mapping, new JsonObject { ["items"] = items }),
        })
        {
            foreach (var threads in new[] { 1, Environment.ProcessorCount })
            {
                // Warm up: the script is parsed once and cached, and the JIT has compiled the interpreter.
                await MeasureAsync(node, source, input, 1, TimeSpan.FromSeconds(1));
                var perSecond = await MeasureAsync(node, source, input, threads, duration);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-14} threads {threads}: {perSecond,10:N0} executions/s"));
            }
        }

        return 0;
    }

    private static async Task<double> MeasureAsync(INodeType node, string source, JsonNode input, int threads, TimeSpan duration)
    {
        var config = new JsonObject { ["source"] = source };
        var clock = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, threads).Select(_ => Task.Run(async () =>
        {
            var count = 0L;
            while (clock.Elapsed < duration)
            {
                var context = new NodeContext
                {
                    RunId = Guid.NewGuid(), NodeId = "code", Attempt = 1, Config = config, RunInput = input, Input = input,
                    Upstream = new Dictionary<string, JsonNode?>(), Time = TimeProvider.System, Logger = NullLogger.Instance,
                };
                var result = await node.ExecuteAsync(context, CancellationToken.None);
                if (result.Kind != NodeResultKind.Succeeded)
                {
                    throw new InvalidOperationException($"The benchmark script failed: {result.Error}");
                }

                count++;
            }

            return count;
        })));
        return counts.Sum() / clock.Elapsed.TotalSeconds;
    }
}
