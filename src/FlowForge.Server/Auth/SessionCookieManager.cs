using Microsoft.AspNetCore.Authentication.Cookies;

namespace FlowForge.Server.Auth;

/// <summary>Gives the session cookie its per-request name and Secure flag (<see cref="SessionCookie"/>); chunking as the default manager does.</summary>
internal sealed class SessionCookieManager : ICookieManager
{
    private readonly ChunkingCookieManager _inner = new();

    public string? GetRequestCookie(HttpContext context, string key) => _inner.GetRequestCookie(context, SessionCookie.NameFor(context.Request));

    public void AppendResponseCookie(HttpContext context, string key, string? value, CookieOptions options)
    {
        options.Secure = SessionCookie.IsSecure(context.Request);
        _inner.AppendResponseCookie(context, SessionCookie.NameFor(context.Request), value, options);
    }

    public void DeleteCookie(HttpContext context, string key, CookieOptions options)
    {
        options.Secure = SessionCookie.IsSecure(context.Request);
        _inner.DeleteCookie(context, SessionCookie.NameFor(context.Request), options);
    }
}
