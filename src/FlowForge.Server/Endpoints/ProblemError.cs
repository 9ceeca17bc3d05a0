using System.Text.Json.Serialization;
using FlowForge.Engine.Graphs;

namespace FlowForge.Server.Endpoints;

/// <summary>One entry of a problem's <c>errors</c> list.</summary>
internal sealed record ProblemError(
    string Code,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NodeId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? EdgeId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Field,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? NodeIds)
{
    public static ProblemError From(GraphProblem problem) =>
        new(problem.Code, problem.Message, problem.NodeId, problem.EdgeId, problem.Field, problem.NodeIds);
}
