using FlowForge.Bench;

var options = BenchOptions.Parse(args);
if (options.CodeSeconds > 0)
{
    return await CodeBenchmark.RunAsync(options, Console.Out);
}

if (options.WebhookSeconds > 0)
{
    return await WebhookBenchmark.RunAsync(options, Console.Out);
}

return options.JoinParents > 0
    ? await JoinBenchmark.RunAsync(options, Console.Out)
    : await LoadBenchmark.RunAsync(options, Console.Out);
