using System.Security.Claims;
using FlowForge.Engine.Storage;
using FlowForge.Server.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Endpoints;

/// <summary>Browser sessions: sign in with a password for an HttpOnly session cookie, see who is signed in, sign out.</summary>
internal static class SessionEndpoints
{
    public static IEndpointRouteBuilder MapSessionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/session").WithTags("Auth");
        group.MapPost("", SignInAsync)
            .AllowAnonymous()
            .Accepts<AuthEndpoints.Credentials>("application/json")
            .WithSummary("Signs in with email and password: sets the session cookie and the readable XSRF-TOKEN cookie. Rate limited as /api/auth/token.");
        group.MapGet("", GetAsync)
            .RequireAuthorization()
            .WithSummary("The signed-in user, with the session's CSRF token (null for bearer requests); 401 when nobody is signed in.");
        group.MapDelete("", SignOutAsync)
            .RequireAuthorization()
            .WithSummary("Signs out: the session is refused by every API process from now on.");
        return app;
    }

    private static async Task<Results<Ok<SessionUser>, ProblemHttpResult>> SignInAsync(
        HttpContext context, IUserStore users, PasswordVerifier passwords, SignInLimiter limiter, SessionSignIn sessions, IOptions<AuthOptions> options, CancellationToken cancellationToken)
    {
        var (user, problem) = await SignInChecks.VerifyAsync(context, users, passwords, limiter, options.Value, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var csrf = await sessions.SignInAsync(context, user!);
        return TypedResults.Ok(new SessionUser(user!.Id, user.Email, user.IsOwner, csrf));
    }

    private static async Task<Results<Ok<SessionUser>, ProblemHttpResult>> GetAsync(HttpContext context, IUserStore users, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(context.User.UserId(), cancellationToken);
        if (user is null)
        {
            return ApiProblems.Create(StatusCodes.Status401Unauthorized, "Not signed in.", "The account no longer exists; sign in again.");
        }

        var csrf = context.User.FindFirstValue(SessionCookie.CsrfClaim);
        if (csrf is not null && context.Request.Cookies[SessionCookie.CsrfCookie] != csrf)
        {
            // The readable cookie was cleared or overwritten while the session lives on: the page needs it back to send it.
            context.Response.Cookies.Append(SessionCookie.CsrfCookie, csrf, SessionCookie.CsrfCookieOptions(context.Request));
        }

        return TypedResults.Ok(new SessionUser(user.Id, user.Email, user.IsOwner, csrf));
    }

    private static async Task<NoContent> SignOutAsync(HttpContext context, SessionSignIn sessions, CancellationToken cancellationToken)
    {
        await sessions.SignOutAsync(context, cancellationToken);
        return TypedResults.NoContent();
    }
}
