using FlowForge.Engine.Graphs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace FlowForge.Server.Endpoints;

/// <summary>problem+json answers that name the field or node at fault and say what to do.</summary>
internal static class ApiProblems
{
    public static ProblemHttpResult Create(int status, string title, string detail, string? field = null, IReadOnlyList<ProblemError>? errors = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Type = $"https://httpstatuses.io/{status}",
        };
        if (field is not null)
        {
            problem.Extensions["field"] = field;
        }

        if (errors is not null)
        {
            problem.Extensions["errors"] = errors;
        }

        return TypedResults.Problem(problem);
    }

    public static ProblemHttpResult BadRequest(string detail, string? field = null) => Create(StatusCodes.Status400BadRequest, "The request is invalid.", detail, field);

    public static ProblemHttpResult NotFound(string what) => Create(StatusCodes.Status404NotFound, "Not found.", $"{what} was not found.");

    public static ProblemHttpResult Conflict(string detail) => Create(StatusCodes.Status409Conflict, "Conflict.", detail);

    public static ProblemHttpResult InvalidFlow(IReadOnlyList<GraphProblem> problems) => Create(
        StatusCodes.Status400BadRequest,
        "The flow is invalid.",
        problems.Count == 1 ? problems[0].Message : $"The flow has {problems.Count} problems; each is listed in 'errors'.",
        errors: [.. problems.Select(ProblemError.From)]);
}
