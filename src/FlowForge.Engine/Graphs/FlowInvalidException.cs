namespace FlowForge.Engine.Graphs;

/// <summary>A flow that cannot be compiled because it breaks the rules; <see cref="Problems"/> says what to fix.</summary>
public sealed class FlowInvalidException(IReadOnlyList<GraphProblem> problems)
    : Exception(Describe(problems))
{
    public IReadOnlyList<GraphProblem> Problems { get; } = problems;

    private static string Describe(IReadOnlyList<GraphProblem> problems) => problems.Count switch
    {
        0 => "The flow is invalid.",
        1 => $"The flow is invalid: {problems[0].Message}",
        _ => $"The flow is invalid ({problems.Count} problems). First: {problems[0].Message}",
    };
}
