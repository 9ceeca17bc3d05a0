using System.Net;

namespace FlowForge.Server.Auth;

/// <summary>
/// Names and rules of the browser session's cookies. Every cookie is Secure, and the session cookie carries the
/// <c>__Host-</c> prefix, unless the request is plain HTTP to a loopback host (localhost, 127.0.0.1, [::1]), where a
/// developer runs the server without TLS. Behind a TLS-terminating proxy the browser speaks HTTPS, so the Secure cookie
/// the server sets over the proxy's plain HTTP is kept.
/// </summary>
internal static class SessionCookie
{
    public const string Name = "ff_session";

    /// <summary>Readable by the page's scripts: the web app copies it into <see cref="CsrfHeader"/> on unsafe requests.</summary>
    public const string CsrfCookie = "XSRF-TOKEN";

    public const string CsrfHeader = "X-CSRF-Token";

    public const string SessionIdClaim = "sid";

    public const string CsrfClaim = "csrf";

    /// <summary>Sign-in time (Unix seconds): the sliding renewal moves the ticket's own issue time, so the maximum age needs its own.</summary>
    public const string StartedClaim = "session_start";

    public static bool IsSecure(HttpRequest request) => request.IsHttps || !IsLoopbackHost(request.Host.Host);

    public static string NameFor(HttpRequest request) => IsSecure(request) ? "__Host-" + Name : Name;

    /// <summary>Options for the readable CSRF cookie: the same lifetime rules as the session cookie, without HttpOnly.</summary>
    public static CookieOptions CsrfCookieOptions(HttpRequest request) => new()
    {
        HttpOnly = false,
        Secure = IsSecure(request),
        SameSite = SameSiteMode.Strict,
        Path = "/",
        IsEssential = true,
    };

    private static bool IsLoopbackHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
