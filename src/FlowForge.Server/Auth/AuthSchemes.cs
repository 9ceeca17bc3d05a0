namespace FlowForge.Server.Auth;

/// <summary>
/// The authentication schemes. <see cref="Default"/> picks one per request: a bearer token (a JWT from
/// <c>/api/auth/token</c> or a named <c>ff_…</c> API token) when the request carries one, else the session cookie.
/// </summary>
internal static class AuthSchemes
{
    public const string Default = "FlowForge";

    public const string Session = "Session";

    public const string ApiToken = "ApiToken";

    /// <summary>The bearer token of the request (from the hub's <c>access_token</c> query parameter on the hub path), or null.</summary>
    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        // Browsers cannot set headers on WebSocket requests: the hub takes the token from the query string.
        return request.Path.StartsWithSegments(Realtime.RunsHub.Path, StringComparison.Ordinal) && request.Query["access_token"].ToString() is { Length: > 0 } query
            ? query
            : null;
    }

    public static string Select(HttpContext context) => BearerToken(context.Request) switch
    {
        null => context.Request.Headers.Authorization.Count > 0 ? Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerDefaults.AuthenticationScheme : Session,
        var token when token.StartsWith(ApiTokenSecret.Prefix, StringComparison.Ordinal) => ApiToken,
        _ => Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerDefaults.AuthenticationScheme,
    };
}
