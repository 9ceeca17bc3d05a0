using FlowForge.Engine.Storage;
using FlowForge.Server.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Endpoints;

/// <summary>First-run setup: until an account exists, anyone who reaches the server may create the owner account.</summary>
internal static class SetupEndpoints
{
    public static IEndpointRouteBuilder MapSetupEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/setup").WithTags("Auth");
        group.MapGet("", GetAsync)
            .AllowAnonymous()
            .WithSummary("Tells whether the server still needs its owner account.");
        group.MapPost("", CreateOwnerAsync)
            .AllowAnonymous()
            .Accepts<AuthEndpoints.Credentials>("application/json")
            .WithSummary("Creates the owner account while no account exists (409 after), signs it in and returns it. Open even when Auth:AllowRegistration is false.");
        return app;
    }

    private static async Task<Ok<SetupState>> GetAsync(IUserStore users, CancellationToken cancellationToken) =>
        TypedResults.Ok(new SetupState(!await users.AnyUserAsync(cancellationToken)));

    private static async Task<Results<Created<SessionUser>, ProblemHttpResult>> CreateOwnerAsync(
        HttpContext context, IUserStore users, PasswordVerifier passwords, SignInLimiter limiter, SessionSignIn sessions,
        IOptions<AuthOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await limiter.AcquireForAddressAsync(context, registration: true, cancellationToken) is { } addressWait)
        {
            return SignInChecks.TooMany(context, addressWait);
        }

        // Checked before hashing too, so that calls after setup cost no hashing.
        if (await users.AnyUserAsync(cancellationToken))
        {
            return OwnerExists();
        }

        var (credentials, problem) = await SignInChecks.ReadCredentialsAsync(context.Request, options.Value, cancellationToken);
        var (email, password) = credentials ?? default;
        problem ??= SignInChecks.CheckNewAccount(email, password, options.Value);
        if (problem is not null)
        {
            return problem;
        }

        var owner = new UserRecord(Guid.CreateVersion7(), email.Trim().ToLowerInvariant(), "", time.GetUtcNow(), IsOwner: true);
        owner = owner with { PasswordHash = passwords.Hash(owner, password) };
        if (!await users.TryCreateOwnerAsync(owner, cancellationToken))
        {
            return OwnerExists();
        }

        var csrf = await sessions.SignInAsync(context, owner);
        return TypedResults.Created((string?)null, new SessionUser(owner.Id, owner.Email, true, csrf));
    }

    private static ProblemHttpResult OwnerExists() =>
        ApiProblems.Conflict("The server is set up already: its owner account exists. Sign in instead.");

    internal sealed record SetupState(bool NeedsOwner);
}
