using FlowForge.Bench;

var options = BenchOptions.Parse(args);
return options.JoinParents > 0
    ? await JoinBenchmark.RunAsync(options, Console.Out)
    : await DiamondBenchmark.RunAsync(options, Console.Out);
