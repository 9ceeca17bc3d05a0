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
    public static string? BearerToken(HttpRequest request) => BearerTokenText(request) is { IsEmpty: false } token ? token.ToString() : null;

    /// <summary>
    /// The bearer token as a slice of the header it came in (or the hub's query parameter), empty when there is none: what
    /// picking the scheme and finding a checked token need, without copying the token for every request.
    /// </summary>
    public static ReadOnlySpan<char> BearerTokenText(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header.AsSpan("Bearer ".Length).Trim();
        }

        // Browsers cannot set headers on WebSocket requests: the hub takes the token from the query string.
        return request.Path.StartsWithSegments(Realtime.RunsHub.Path, StringComparison.Ordinal) ? request.Query["access_token"].ToString() : default;
    }

    public static string Select(HttpContext context)
    {
        var token = BearerTokenText(context.Request);
        if (token.IsEmpty)
        {
            return context.Request.Headers.Authorization.Count > 0 ? Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerDefaults.AuthenticationScheme : Session;
        }

        return token.StartsWith(ApiTokenSecret.Prefix, StringComparison.Ordinal) ? ApiToken : Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerDefaults.AuthenticationScheme;
    }
}
