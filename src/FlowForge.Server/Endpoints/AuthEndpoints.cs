using System.Globalization;
using System.Net.Mail;
using System.Security.Claims;
using FlowForge.Engine.Storage;
using FlowForge.Server.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Endpoints;

internal static class AuthEndpoints
{
    private const int MaxEmailLength = 254;

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
            return TooMany(context, addressWait);
        }

        var (credentials, problem) = await ReadCredentialsAsync(context.Request, options.Value, cancellationToken);
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

        var normalized = email.Trim().ToLowerInvariant();
        if (await limiter.AcquireForAccountAsync(normalized, cancellationToken) is { } accountWait)
        {
            return TooMany(context, accountWait);
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
        if (await limiter.AcquireForAddressAsync(context, registration: false, cancellationToken) is { } addressWait)
        {
            return TooMany(context, addressWait);
        }

        var (credentials, problem) = await ReadCredentialsAsync(context.Request, options.Value, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (email, password) = credentials!.Value;
        var normalized = email.Trim().ToLowerInvariant();
        if (await limiter.AcquireForAccountAsync(normalized, cancellationToken) is { } accountWait)
        {
            return TooMany(context, accountWait);
        }

        // An unknown email is hashed against a dummy like a wrong password is against the real hash: same answer, same work.
        var user = normalized.Length <= MaxEmailLength ? await users.FindByEmailAsync(normalized, cancellationToken) : null;
        var verdict = passwords.Verify(user, password);
        if (user is null || verdict == PasswordVerificationResult.Failed)
        {
            return ApiProblems.Create(StatusCodes.Status401Unauthorized, "Sign-in failed.", "The email or the password is wrong.");
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await users.UpdatePasswordHashAsync(user.Id, passwords.Hash(user, password), cancellationToken);
        }

        var (token, expiresAt) = tokens.Issue(user.Id, user.Email);
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

    private static ProblemHttpResult TooMany(HttpContext context, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return ApiProblems.Create(StatusCodes.Status429TooManyRequests, "Too many sign-in attempts.", $"Try again in {seconds} s.");
    }

    private static async Task<((string Email, string Password)? Credentials, ProblemHttpResult? Problem)> ReadCredentialsAsync(
        HttpRequest request, AuthOptions options, CancellationToken cancellationToken)
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

        if (email!.Length > MaxEmailLength)
        {
            return (null, ApiProblems.BadRequest($"'email' must have at most {MaxEmailLength} characters.", "email"));
        }

        var password = JsonBody.GetString(body!, "password", out problem);
        if (problem is not null)
        {
            return (null, problem);
        }

        // Refused before any hashing: the hash's cost grows with the password's length.
        return password!.Length > options.MaxPasswordLength
            ? (null, ApiProblems.BadRequest($"'password' must have at most {options.MaxPasswordLength} characters.", "password"))
            : ((email, password), null);
    }

    private static bool IsEmail(string email) =>
        email.Length <= MaxEmailLength && MailAddress.TryCreate(email.Trim(), out var address) && address.Address == email.Trim();

    internal sealed record Credentials(string Email, string Password);

    internal sealed record RegisteredUser(Guid Id, string Email);

    internal sealed record IssuedToken(string Token, DateTimeOffset ExpiresAt);
}
