using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using FlowForge.Server.Endpoints;

namespace FlowForge.Server.Auth;

/// <summary>
/// Refuses unsafe requests (POST, PUT, PATCH, DELETE) authenticated by the session cookie unless their
/// <see cref="SessionCookie.CsrfHeader"/> header holds the session's CSRF token, which the page reads from the
/// <see cref="SessionCookie.CsrfCookie"/> cookie (double submit). The token is also in the session ticket, so a cookie
/// planted by a sibling site cannot stand in for it. Bearer requests carry no ambient credential and are exempt.
/// </summary>
internal sealed class CsrfProtection(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method)
            || context.User.Identity is not { IsAuthenticated: true, AuthenticationType: AuthSchemes.Session }
            || IsExempt(context.Request)
            || Matches(context.Request.Headers[SessionCookie.CsrfHeader].ToString(), context.User.FindFirstValue(SessionCookie.CsrfClaim)))
        {
            return next(context);
        }

        return ApiProblems.Create(
            StatusCodes.Status403Forbidden,
            "The CSRF token is missing or wrong.",
            $"Requests signed in with the session cookie that change something must send the '{SessionCookie.CsrfCookie}' cookie's value in the '{SessionCookie.CsrfHeader}' header.",
            SessionCookie.CsrfHeader).ExecuteAsync(context);
    }

    // Webhooks authenticate nobody. Signing in and setup start a new session from a password, not from the cookie.
    // The hub's POSTs (negotiate, long-polling sends) need the connection token that only a same-origin negotiate answer reveals.
    private static bool IsExempt(HttpRequest request) =>
        request.Path.StartsWithSegments("/hooks", StringComparison.OrdinalIgnoreCase)
        || request.Path.StartsWithSegments(Realtime.RunsHub.Path, StringComparison.OrdinalIgnoreCase)
        || (HttpMethods.IsPost(request.Method) && (request.Path.Equals("/api/session", StringComparison.OrdinalIgnoreCase) || request.Path.Equals("/api/setup", StringComparison.OrdinalIgnoreCase)));

    private static bool Matches(string presented, string? expected) =>
        !string.IsNullOrEmpty(presented) && expected is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
}
