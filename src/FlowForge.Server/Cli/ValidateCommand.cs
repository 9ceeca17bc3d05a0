using FlowForge.Engine.Graphs;
using FlowForge.Engine.Nodes;
using FlowForge.Nodes.Core;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Cli;

internal static class ValidateCommand
{
    public static async Task<int> RunAsync(CommandLine line, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (line.Arguments.Count != 1)
        {
            await error.WriteLineAsync("Usage: flowforge validate FILE");
            return 2;
        }

        var json = await ReadFlowFileAsync(line.Arguments[0], error, cancellationToken);
        if (json is null)
        {
            return 2;
        }

        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System).AddNodeTypes(typeof(ManualTriggerNode).Assembly);
        await using var provider = services.BuildServiceProvider();
        var checker = new FlowChecker(provider.GetRequiredService<INodeTypeRegistry>(), Options.Create(new FlowLimits()));
        var check = checker.Check(json);
        if (check.IsValid)
        {
            var document = check.Document!;
            await output.WriteLineAsync($"OK: flow '{document.Name}' is valid ({document.Nodes.Count} nodes, {document.Edges.Count} edges).");
            return 0;
        }

        await WriteProblemsAsync(line.Arguments[0], check.Problems, output);
        return 1;
    }

    public static async Task<string?> ReadFlowFileAsync(string path, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            await error.WriteLineAsync($"Cannot read '{path}': {ex.Message}");
            return null;
        }
    }

    public static async Task WriteProblemsAsync(string path, IReadOnlyList<GraphProblem> problems, TextWriter output)
    {
        await output.WriteLineAsync($"{path}: {problems.Count} problem{(problems.Count == 1 ? "" : "s")}");
        foreach (var problem in problems)
        {
            var where = string.Join(", ", new[]
            {
                problem.NodeId is null ? null : $"node '{problem.NodeId}'",
                problem.EdgeId is null ? null : $"edge '{problem.EdgeId}'",
                problem.Field is null ? null : problem.Field,
            }.Where(s => s is not null));
            await output.WriteLineAsync($"  {problem.Code}{(where.Length > 0 ? $" [{where}]" : "")}: {problem.Message}");
        }
    }
}
