using System.Globalization;
using System.Text.Json;
using FlowForge.Engine.Storage;
using FlowForge.Server.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowForge.Server.Endpoints;

/// <summary>A flow's saved versions, for the editor's history (restore reads one through GET /api/flows/{id}?version=N).</summary>
internal static class FlowVersionEndpoints
{
    /// <summary>Each listed version is read in full to count its nodes, so a page holds at most this many.</summary>
    public const int MaxLimit = 50;

    public const int DefaultLimit = 20;

    public static IEndpointRouteBuilder MapFlowVersionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/flows").WithTags("Flows").RequireAuthorization()
            .MapGet("/{id:guid}/versions", ListAsync)
            .WithSummary("A flow's versions, newest first, cursor paginated: version, when it was saved and how many nodes it has.");
        return app;
    }

    private static async Task<Results<Ok<Page<FlowVersionSummary>>, ProblemHttpResult>> ListAsync(
        Guid id, int? limit, string? cursor, HttpContext context, IFlowStore flows, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return ApiProblems.BadRequest($"'limit' must be between 1 and {MaxLimit}.", "limit");
        }

        var owner = context.User.UserId();
        var newest = await flows.GetAsync(id, owner, null, cancellationToken);
        if (newest is null)
        {
            return ApiProblems.NotFound($"Flow {id}");
        }

        var start = newest.Version;
        if (!string.IsNullOrEmpty(cursor))
        {
            if (!int.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var below) || below < 2 || below > newest.Version)
            {
                return ApiProblems.BadRequest("'cursor' is not one this listing handed out; start again without it.", "cursor");
            }

            start = below - 1;
        }

        var take = limit ?? DefaultLimit;
        var items = new List<FlowVersionSummary>(Math.Min(take, start));
        for (var version = start; version >= 1 && items.Count < take; version--)
        {
            var record = version == newest.Version ? newest : await flows.GetAsync(id, owner, version, cancellationToken);
            if (record is not null)
            {
                items.Add(new FlowVersionSummary(record.Version, record.Name, record.UpdatedAt, CountNodes(record.Json)));
            }
        }

        var last = items.Count == 0 ? 1 : items[^1].Version;
        var next = items.Count == take && last > 1 ? last.ToString(CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new Page<FlowVersionSummary>(items, next));
    }

    private static int CountNodes(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("nodes", out var nodes)
                && nodes.ValueKind == JsonValueKind.Array
                ? nodes.GetArrayLength()
                : 0;
        }
        catch (JsonException)
        {
            return 0;
        }
    }
}
