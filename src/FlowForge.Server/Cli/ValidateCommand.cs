using System.CommandLine;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Nodes;
using FlowForge.Nodes.Core;
using Microsoft.Extensions.Options;
using FlowForge.Nodes.Http;

namespace FlowForge.Server.Cli;

/// <summary><c>flowforge validate FILE</c>: checks a flow file without a server and prints every problem.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var file = FlowFileArgument();
        var command = new Command("validate", "Check a flow file; prints every problem and exits 1 if there is any") { file };
        command.SetAction((parse, cancellationToken) =>
            RunAsync(parse.GetRequiredValue(file), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    public static Argument<string> FlowFileArgument() => new("FILE") { Description = "A flow file (*.flow.json, as the editor exports it)" };

    private static async Task<int> RunAsync(string path, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var json = await ReadFlowFileAsync(path, error, cancellationToken);
        if (json is null)
        {
            return FlowForgeCli.UsageError;
        }

        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System).AddNodeTypes(typeof(ManualTriggerNode).Assembly).AddOutboundHttp();
        await using var provider = services.BuildServiceProvider();
        var checker = new FlowChecker(provider.GetRequiredService<INodeTypeRegistry>(), Options.Create(new FlowLimits()));
        var check = checker.Check(json);
        if (check.IsValid)
        {
            var document = check.Document!;
            await output.WriteLineAsync($"OK: flow '{document.Name}' is valid ({document.Nodes.Count} nodes, {document.Edges.Count} edges).");
            return 0;
        }

        await WriteProblemsAsync(path, check.Problems, output);
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
