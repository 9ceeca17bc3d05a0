using System.Text.Json;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Json;
using FlowForge.Engine.Storage;
using FlowForge.Server.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowForge.Server.Endpoints;

internal static class FlowEndpoints
{
    public static IEndpointRouteBuilder MapFlowEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/flows").WithTags("Flows").RequireAuthorization();
        group.MapPost("/", CreateAsync)
            .Accepts<JsonElement>("application/json")
            .WithSummary("Saves a new flow (React Flow JSON: name, nodes, edges, viewport) as version 1.");
        group.MapGet("/", ListAsync).WithSummary("Lists your flows, newest first, cursor paginated.");
        group.MapGet("/{id:guid}", GetAsync).WithSummary("A flow's newest version, or the one named by ?version=.");
        group.MapPut("/{id:guid}", UpdateAsync)
            .Accepts<JsonElement>("application/json")
            .WithSummary("Saves a new version of a flow; runs already started keep theirs.");
        group.MapDelete("/{id:guid}", DeleteAsync).WithSummary("Deletes a flow; its runs keep their pinned version.");
        return app;
    }

    private static async Task<Results<Created<FlowSaved>, ProblemHttpResult>> CreateAsync(
        HttpRequest request, IFlowStore flows, FlowChecker checker, CancellationToken cancellationToken)
    {
        var (check, json, problem) = await ReadFlowAsync(request, checker, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var saved = await flows.CreateAsync(request.HttpContext.User.UserId(), check!.Document!.Name, json!, cancellationToken);
        return TypedResults.Created($"/api/flows/{saved.Id}", new FlowSaved(saved.Id, saved.Version));
    }

    private static async Task<Results<Ok<FlowSaved>, ProblemHttpResult>> UpdateAsync(
        Guid id, HttpRequest request, IFlowStore flows, FlowChecker checker, CancellationToken cancellationToken)
    {
        var (check, json, problem) = await ReadFlowAsync(request, checker, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var saved = await flows.AddVersionAsync(id, request.HttpContext.User.UserId(), check!.Document!.Name, json!, cancellationToken);
        return saved is null ? ApiProblems.NotFound($"Flow {id}") : TypedResults.Ok(new FlowSaved(saved.Id, saved.Version));
    }

    private static async Task<Results<Ok<FlowDetails>, ProblemHttpResult>> GetAsync(
        Guid id, int? version, HttpContext context, IFlowStore flows, CancellationToken cancellationToken)
    {
        if (version is < 1)
        {
            return ApiProblems.BadRequest("'version' must be 1 or more.", "version");
        }

        var flow = await flows.GetAsync(id, context.User.UserId(), version, cancellationToken);
        if (flow is null)
        {
            return ApiProblems.NotFound(version is null ? $"Flow {id}" : $"Version {version} of flow {id}");
        }

        return TypedResults.Ok(new FlowDetails(flow.Id, flow.Name, flow.Version, flow.CreatedAt, flow.UpdatedAt, JsonPolicy.ParseStoredElement(flow.Json)));
    }

    private static async Task<Results<Ok<Page<FlowSummary>>, ProblemHttpResult>> ListAsync(
        int? limit, string? cursor, HttpContext context, IFlowStore flows, CancellationToken cancellationToken)
    {
        if (Paging.Read(limit, cursor, out var page) is { } problem)
        {
            return problem;
        }

        try
        {
            return TypedResults.Ok(await flows.ListAsync(context.User.UserId(), page, cancellationToken));
        }
        catch (InvalidCursorException ex)
        {
            return ApiProblems.BadRequest(ex.Message, "cursor");
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, HttpContext context, IFlowStore flows, IPlanCache plans, CancellationToken cancellationToken)
    {
        if (!await flows.DeleteAsync(id, context.User.UserId(), cancellationToken))
        {
            return ApiProblems.NotFound($"Flow {id}");
        }

        await plans.InvalidateAsync(id, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<(FlowCheck? Check, string? Json, ProblemHttpResult? Problem)> ReadFlowAsync(
        HttpRequest request, FlowChecker checker, CancellationToken cancellationToken)
    {
        var (json, problem) = await JsonBody.ReadTextAsync(request, cancellationToken);
        if (problem is not null)
        {
            return (null, null, problem);
        }

        if (string.IsNullOrWhiteSpace(json))
        {
            return (null, null, ApiProblems.BadRequest("The body must be a flow: { \"name\", \"nodes\", \"edges\" }.", "$"));
        }

        var check = checker.Check(json);
        return check.IsValid ? (check, json, null) : (null, null, ApiProblems.InvalidFlow(check.Problems));
    }

    internal sealed record FlowSaved(Guid Id, int Version);

    internal sealed record FlowDetails(Guid Id, string Name, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, JsonElement Definition);
}
