using FlowForge.Engine.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowForge.Server.Endpoints;

internal static class Paging
{
    public const int DefaultLimit = 50;

    public static ProblemHttpResult? Read(int? limit, string? cursor, out PageRequest page)
    {
        page = new PageRequest(limit ?? DefaultLimit, string.IsNullOrEmpty(cursor) ? null : cursor);
        return limit is < 1 or > PageRequest.MaxLimit
            ? ApiProblems.BadRequest($"'limit' must be between 1 and {PageRequest.MaxLimit}.", "limit")
            : null;
    }
}
