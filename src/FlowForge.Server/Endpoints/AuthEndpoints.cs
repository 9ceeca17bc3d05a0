using System.Globalization;
using System.Security.Claims;
using FlowForge.Engine.Storage;
using FlowForge.Server.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Endpoints;

internal static class AuthEndpoints
{
    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Auth");
        group.MapPost("/register", RegisterAsync)
            .AllowAnonymous()
            .Accepts<Credentials>("application/json")
            .WithSummary("Creates an account (open on the embedded default; Auth:AllowRegistration=false closes it). Rate limited per address and per account.");
        group.MapPost("/token", IssueTokenAsync)
            .AllowAnonymous()
            .Accepts<Credentials>("application/json")
            .WithSummary("Exchanges email and password for a bearer token. Rate limited per address and per account.");
        group.MapPost("/logout", LogoutAsync)
            .RequireAuthorization()
            .WithSummary("Revokes the presented token on every API process.");
        return app;
    }

    private static async Task<Results<Created<RegisteredUser>, ProblemHttpResult>> RegisterAsync(
        HttpContext context, IUserStore users, PasswordVerifier passwords, SignInLimiter limiter, IOptions<AuthOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!options.Value.AllowRegistration)
        {
            return ApiProblems.Create(StatusCodes.Status403Forbidden, "Registration is closed.", "Ask an administrator for an account.");
        }

        if (await limiter.AcquireForAddressAsync(context, registration: true, cancellationToken) is { } addressWait)
        {
            return SignInChecks.TooMany(context, addressWait);
        }

        var (credentials, problem) = await SignInChecks.ReadCredentialsAsync(context.Request, options.Value, cancellationToken);
        var (email, password) = credentials ?? default;
        problem ??= SignInChecks.CheckNewAccount(email, password, options.Value);
        if (problem is not null)
        {
            return problem;
        }

        var normalized = email.Trim().ToLowerInvariant();
        if (await limiter.AcquireForAccountAsync(normalized, cancellationToken) is { } accountWait)
        {
            return SignInChecks.TooMany(context, accountWait);
        }

        var user = new UserRecord(Guid.CreateVersion7(), normalized, "", time.GetUtcNow());
        user = user with { PasswordHash = passwords.Hash(user, password) };
        if (!await users.TryCreateAsync(user, cancellationToken))
        {
            return ApiProblems.Conflict($"An account for '{user.Email}' already exists.");
        }

        return TypedResults.Created((string?)null, new RegisteredUser(user.Id, user.Email));
    }

    private static async Task<Results<Ok<IssuedToken>, ProblemHttpResult>> IssueTokenAsync(
        HttpContext context, IUserStore users, PasswordVerifier passwords, SignInLimiter limiter, TokenIssuer tokens, IOptions<AuthOptions> options, CancellationToken cancellationToken)
    {
        var (user, problem) = await SignInChecks.VerifyAsync(context, users, passwords, limiter, options.Value, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (token, expiresAt) = tokens.Issue(user!.Id, user.Email);
        return TypedResults.Ok(new IssuedToken(token, expiresAt));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> LogoutAsync(HttpContext context, TokenRevocations revocations, CancellationToken cancellationToken)
    {
        var tokenId = context.User.FindFirstValue("jti");
        if (string.IsNullOrEmpty(tokenId) || !long.TryParse(context.User.FindFirstValue("exp"), NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
        {
            return ApiProblems.BadRequest("The token has no id or expiry, so it cannot be revoked; sign in again for a token that can.");
        }

        await revocations.RevokeAsync(tokenId, DateTimeOffset.FromUnixTimeSeconds(expires), cancellationToken);
        return TypedResults.NoContent();
    }

    internal sealed record Credentials(string Email, string Password);

    internal sealed record RegisteredUser(Guid Id, string Email);

    internal sealed record IssuedToken(string Token, DateTimeOffset ExpiresAt);
}
