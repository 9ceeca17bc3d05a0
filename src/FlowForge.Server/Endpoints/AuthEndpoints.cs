using System.Net.Mail;
using FlowForge.Engine.Storage;
using FlowForge.Server.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Endpoints;

internal static class AuthEndpoints
{
    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Auth").AllowAnonymous();
        group.MapPost("/register", RegisterAsync)
            .Accepts<Credentials>("application/json")
            .WithSummary("Creates an account (open on the embedded default; Auth:AllowRegistration=false closes it).");
        group.MapPost("/token", IssueTokenAsync)
            .Accepts<Credentials>("application/json")
            .WithSummary("Exchanges email and password for a bearer token.");
        return app;
    }

    private static async Task<Results<Created<RegisteredUser>, ProblemHttpResult>> RegisterAsync(
        HttpRequest request, IUserStore users, IPasswordHasher<UserRecord> hasher, IOptions<AuthOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!options.Value.AllowRegistration)
        {
            return ApiProblems.Create(StatusCodes.Status403Forbidden, "Registration is closed.", "Ask an administrator for an account.");
        }

        var (credentials, problem) = await ReadCredentialsAsync(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (email, password) = credentials!.Value;
        if (!IsEmail(email))
        {
            return ApiProblems.BadRequest("'email' must be an email address.", "email");
        }

        if (password.Length < options.Value.MinPasswordLength)
        {
            return ApiProblems.BadRequest($"'password' must have at least {options.Value.MinPasswordLength} characters.", "password");
        }

        var user = new UserRecord(Guid.CreateVersion7(), email.Trim().ToLowerInvariant(), "", time.GetUtcNow());
        user = user with { PasswordHash = hasher.HashPassword(user, password) };
        if (!await users.TryCreateAsync(user, cancellationToken))
        {
            return ApiProblems.Conflict($"An account for '{user.Email}' already exists.");
        }

        return TypedResults.Created((string?)null, new RegisteredUser(user.Id, user.Email));
    }

    private static async Task<Results<Ok<IssuedToken>, ProblemHttpResult>> IssueTokenAsync(
        HttpRequest request, IUserStore users, IPasswordHasher<UserRecord> hasher, TokenIssuer tokens, CancellationToken cancellationToken)
    {
        var (credentials, problem) = await ReadCredentialsAsync(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (email, password) = credentials!.Value;
        var user = await users.FindByEmailAsync(email.Trim().ToLowerInvariant(), cancellationToken);
        if (user is null || hasher.VerifyHashedPassword(user, user.PasswordHash, password) == PasswordVerificationResult.Failed)
        {
            return ApiProblems.Create(StatusCodes.Status401Unauthorized, "Sign-in failed.", "The email or the password is wrong.");
        }

        var (token, expiresAt) = tokens.Issue(user.Id, user.Email);
        return TypedResults.Ok(new IssuedToken(token, expiresAt));
    }

    private static async Task<((string Email, string Password)? Credentials, ProblemHttpResult? Problem)> ReadCredentialsAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadObjectAsync(request, cancellationToken);
        if (problem is not null)
        {
            return (null, problem);
        }

        var email = JsonBody.GetString(body!, "email", out problem);
        if (problem is not null)
        {
            return (null, problem);
        }

        var password = JsonBody.GetString(body!, "password", out problem);
        return problem is not null ? (null, problem) : ((email!, password!), null);
    }

    private static bool IsEmail(string email) =>
        email.Length <= 254 && MailAddress.TryCreate(email.Trim(), out var address) && address.Address == email.Trim();

    internal sealed record Credentials(string Email, string Password);

    internal sealed record RegisteredUser(Guid Id, string Email);

    internal sealed record IssuedToken(string Token, DateTimeOffset ExpiresAt);
}
