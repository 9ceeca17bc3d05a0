namespace FlowForge.Engine.Graphs;

/// <summary>The result of reading and validating a flow: the parsed document when it could be read, and every problem found.</summary>
public sealed record FlowCheck(FlowDocument? Document, IReadOnlyList<GraphProblem> Problems)
{
    public bool IsValid => Document is not null && Problems.Count == 0;
}
