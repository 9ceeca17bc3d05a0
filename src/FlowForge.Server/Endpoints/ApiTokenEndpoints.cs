using System.Text.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Storage;
using FlowForge.Server.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Endpoints;

/// <summary>
/// Named API tokens for scripts: an opaque <c>ff_…</c> secret shown once at creation, sent as a bearer token,
/// stored only as its SHA-256 and refused by every process as soon as it is deleted.
/// </summary>
internal static class ApiTokenEndpoints
{
    public static IEndpointRouteBuilder MapApiTokenEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tokens").WithTags("Auth").RequireAuthorization();
        group.MapGet("", ListAsync)
            .WithSummary("The signed-in user's API tokens, without their secrets.");
        group.MapPost("", CreateAsync)
            .Accepts<NewApiToken>("application/json")
            .WithSummary("Creates a named API token and returns its secret, once: it cannot be read again. Limited by Auth:MaxApiTokensPerUser.");
        group.MapDelete("/{id:guid}", DeleteAsync)
            .WithSummary("Revokes the token on every API process at once.");
        return app;
    }

    private static async Task<Ok<ApiTokenView[]>> ListAsync(HttpContext context, IApiTokenStore tokens, CancellationToken cancellationToken)
    {
        var list = await tokens.ListApiTokensAsync(context.User.UserId(), cancellationToken);
        return TypedResults.Ok(list.Select(ApiTokenView.From).ToArray());
    }

    private static async Task<Results<Created<CreatedApiToken>, ProblemHttpResult>> CreateAsync(
        HttpContext context, IApiTokenStore tokens, IOptions<AuthOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var (body, problem) = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var name = JsonBody.GetString(body!, "name", out problem)?.Trim();
        if (problem is not null)
        {
            return problem;
        }

        if (name!.Length == 0 || name.Length > limits.MaxApiTokenNameLength || name.Any(char.IsControl))
        {
            return ApiProblems.BadRequest($"'name' must have 1 to {limits.MaxApiTokenNameLength} characters and no control characters.", "name");
        }

        var days = limits.MaxApiTokenDays;
        if (body!["expiresInDays"] is { } given)
        {
            if (given is not JsonValue value || value.GetValueKind() != JsonValueKind.Number || !value.TryGetValue<int>(out days) || days < 1 || days > limits.MaxApiTokenDays)
            {
                return ApiProblems.BadRequest($"'expiresInDays' must be a whole number from 1 to {limits.MaxApiTokenDays} (Auth:MaxApiTokenDays), or left out for {limits.MaxApiTokenDays}.", "expiresInDays");
            }
        }

        var now = time.GetUtcNow();
        var secret = ApiTokenSecret.Create();
        var token = new ApiTokenRecord(Guid.CreateVersion7(), context.User.UserId(), name, ApiTokenSecret.HashOf(secret)!, now, now.AddDays(days), null);
        if (!await tokens.TryAddApiTokenAsync(token, limits.MaxApiTokensPerUser, now, cancellationToken))
        {
            return ApiProblems.Conflict($"You have {limits.MaxApiTokensPerUser} API tokens already (Auth:MaxApiTokensPerUser); delete one you no longer use first.");
        }

        return TypedResults.Created((string?)null, new CreatedApiToken(token.Id, token.Name, token.CreatedAt, token.ExpiresAt, secret));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, HttpContext context, IApiTokenStore tokens, CancellationToken cancellationToken) =>
        await tokens.DeleteApiTokenAsync(context.User.UserId(), id, cancellationToken)
            ? TypedResults.NoContent()
            : ApiProblems.NotFound($"API token {id}");

    internal sealed record NewApiToken(string Name, int? ExpiresInDays);

    internal sealed record ApiTokenView(Guid Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt)
    {
        public static ApiTokenView From(ApiTokenRecord token) => new(token.Id, token.Name, token.CreatedAt, token.ExpiresAt, token.LastUsedAt);
    }

    /// <summary>The only answer that carries the token's secret.</summary>
    internal sealed record CreatedApiToken(Guid Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string Token);
}
