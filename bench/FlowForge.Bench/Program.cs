using FlowForge.Bench;

return await DiamondBenchmark.RunAsync(BenchOptions.Parse(args), Console.Out);
