using System.Text.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Credentials;
using FlowForge.Server.Auth;
using FlowForge.Server.Connections.OAuth;
using FlowForge.Server.Connections.Providers;
using FlowForge.Server.Triggers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Endpoints;

/// <summary>
/// Connecting with OAuth: start returns the provider's authorization URL (and sets the browser binding cookie); the
/// provider sends the browser back to <c>/oauth/callback</c>, which stores the connection and redirects into the web
/// app (<c>/connections?connected=…</c>, or <c>/connections/done?id=…</c> for a popup).
/// </summary>
internal static class OAuthEndpoints
{
    public const string CallbackPath = "/oauth/callback";

    public static IEndpointRouteBuilder MapOAuthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/connections/oauth/{provider}/start", StartAsync)
            .WithTags("Connections")
            .RequireAuthorization()
            .Accepts<JsonObject>("application/json")
            .WithSummary("Starts connecting to an OAuth provider: body { name?, scopes?, connectionId? (reconnect), mode? ('redirect' or 'popup'), generic? { authorizeUrl, tokenUrl, revokeUrl?, clientId, clientSecret, scopes? } (generic-oauth2 only) }; returns { authorizeUrl } to send the browser to.");
        app.MapGet(CallbackPath, CallbackAsync)
            .WithTags("Connections")
            .AllowAnonymous()
            .WithSummary("Where providers send the browser back. Stores the connection and redirects to the web app's connections page; refuses a forged, replayed or expired state and a browser that did not start the sign-in.");
        return app;
    }

    private static async Task<Results<Ok<OAuthStarted>, ProblemHttpResult>> StartAsync(
        string provider,
        HttpContext context,
        [FromServices] ConnectionProviderCatalog catalog,
        [FromServices] OAuthAuthorizations authorizations,
        [FromServices] IConnectionStore connections,
        [FromServices] IOptions<OAuthOptions> options,
        [FromServices] IOptions<WebhookOptions> webhooks,
        CancellationToken cancellationToken)
    {
        if (catalog.Find(provider) is not { } found)
        {
            return ApiProblems.NotFound($"Provider '{provider}'");
        }

        if (!found.IsOAuth)
        {
            return ApiProblems.BadRequest($"Provider '{found.Id}' does not use OAuth; create its connection with its fields instead.", "provider");
        }

        if (!found.Configured)
        {
            return ApiProblems.Conflict($"{found.DisplayName} has no OAuth client configured on this server: set Connections:Providers:{found.Id}:ClientId and ClientSecret.");
        }

        var (body, problem) = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (start, invalid) = ReadStart(body!, found, options.Value);
        if (invalid is not null)
        {
            return invalid;
        }

        var userId = context.User.UserId();
        if (start!.ConnectionId is { } reconnect
            && (await connections.GetConnectionAsync(userId, reconnect, cancellationToken) is not { } existing || !string.Equals(existing.Provider, found.Id, StringComparison.OrdinalIgnoreCase)))
        {
            return ApiProblems.BadRequest($"Connection {reconnect} is not one of your {found.DisplayName} connections.", "connectionId");
        }

        var root = string.IsNullOrEmpty(webhooks.Value.PublicBaseUrl)
            ? $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}"
            : webhooks.Value.PublicBaseUrl.TrimEnd('/');
        var (authorizeUrl, state, nonce) = await authorizations.StartAsync(start, found, userId, root + CallbackPath, cancellationToken);

        // The session cookie is SameSite=Strict and so not sent on the provider's cross-site redirect; this one is Lax, and
        // proves at the callback that the browser coming back is the one that started.
        context.Response.Cookies.Append(OAuthAuthorizations.BindingCookieName(state), nonce, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = SessionCookie.IsSecure(context.Request),
            Path = CallbackPath,
            MaxAge = TimeSpan.FromMinutes(options.Value.OAuthStateMinutes),
        });
        return TypedResults.Ok(new OAuthStarted(authorizeUrl));
    }

    private static async Task<RedirectHttpResult> CallbackAsync(
        HttpContext context,
        [FromServices] OAuthAuthorizations authorizations,
        [FromServices] IOptions<OAuthOptions> options,
        CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var state = query["state"].ToString();
        var cookieName = string.IsNullOrEmpty(state) ? null : OAuthAuthorizations.BindingCookieName(state);
        var nonce = cookieName is null ? null : context.Request.Cookies[cookieName];
        var outcome = await authorizations.CompleteAsync(state, query["code"].ToString(), query["error"].ToString(), nonce, cancellationToken);
        if (cookieName is not null && nonce is not null)
        {
            context.Response.Cookies.Delete(cookieName, new CookieOptions { Path = CallbackPath, Secure = SessionCookie.IsSecure(context.Request), HttpOnly = true, SameSite = SameSiteMode.Lax });
        }

        var page = options.Value.ConnectionsPagePath.TrimEnd('/');
        var target = (outcome.Popup, outcome.ConnectionId) switch
        {
            (true, { } id) => QueryHelpers.AddQueryString(page + "/done", "id", id.ToString()),
            (false, { } id) => QueryHelpers.AddQueryString(page, "connected", id.ToString()),
            (true, null) => QueryHelpers.AddQueryString(page + "/done", new Dictionary<string, string?> { ["error"] = outcome.Error, ["message"] = outcome.Message }),
            (false, null) => QueryHelpers.AddQueryString(page, new Dictionary<string, string?> { ["error"] = outcome.Error, ["message"] = outcome.Message }),
        };
        return TypedResults.Redirect(target);
    }

    private static (OAuthStart? Start, ProblemHttpResult? Problem) ReadStart(JsonObject body, ConnectionProvider provider, OAuthOptions options)
    {
        var max = options.MaxFieldLength;
        string? name = null;
        if (body["name"] is { } nameNode)
        {
            if (!TryString(nameNode, out name) || name!.Trim().Length == 0 || name.Length > 200 || name.Any(char.IsControl))
            {
                return (null, ApiProblems.BadRequest("'name' must be a string of 1 to 200 characters without control characters.", "name"));
            }

            name = name.Trim();
        }

        Guid? connectionId = null;
        if (body["connectionId"] is { } idNode)
        {
            if (!TryString(idNode, out var text) || !Guid.TryParse(text, out var id))
            {
                return (null, ApiProblems.BadRequest("'connectionId' must be the id of the connection to reconnect.", "connectionId"));
            }

            connectionId = id;
        }

        var popup = false;
        if (body["mode"] is { } modeNode)
        {
            if (!TryString(modeNode, out var mode) || mode is not ("redirect" or "popup"))
            {
                return (null, ApiProblems.BadRequest("'mode' must be 'redirect' or 'popup'.", "mode"));
            }

            popup = mode == "popup";
        }

        GenericOAuthApp? generic = null;
        IReadOnlyList<string>? scopes = null;
        if (body["scopes"] is { } scopesNode)
        {
            var (list, problem) = ReadScopes(scopesNode, "scopes", options);
            if (problem is not null)
            {
                return (null, problem);
            }

            scopes = list;
        }

        if (provider.Generic)
        {
            if (body["generic"] is not JsonObject app)
            {
                return (null, ApiProblems.BadRequest("'generic' is required for this provider: { authorizeUrl, tokenUrl, clientId, clientSecret, scopes? }.", "generic"));
            }

            string? Url(string field, bool required, out ProblemHttpResult? problem)
            {
                problem = null;
                if (app[field] is null && !required)
                {
                    return null;
                }

                if (app[field] is not { } node || !TryString(node, out var url) || url!.Length > max || !ConnectionProviderCatalog.IsHttpUrl(url))
                {
                    problem = ApiProblems.BadRequest($"'generic.{field}' must be an absolute http or https URL of at most {max} characters.", $"generic.{field}");
                    return null;
                }

                return url;
            }

            string? Text(string field, out ProblemHttpResult? problem)
            {
                problem = null;
                if (app[field] is not { } node || !TryString(node, out var text) || text!.Length == 0 || text.Length > max || text.Any(char.IsControl))
                {
                    problem = ApiProblems.BadRequest($"'generic.{field}' is required: a string of 1 to {max} characters.", $"generic.{field}");
                    return null;
                }

                return text;
            }

            var authorizeUrl = Url("authorizeUrl", true, out var p1);
            var tokenUrl = Url("tokenUrl", true, out var p2);
            var revokeUrl = Url("revokeUrl", false, out var p3);
            var clientId = Text("clientId", out var p4);
            var clientSecret = Text("clientSecret", out var p5);
            if ((p1 ?? p2 ?? p3 ?? p4 ?? p5) is { } fieldProblem)
            {
                return (null, fieldProblem);
            }

            if (scopes is null && app["scopes"] is { } genericScopes)
            {
                var (list, problem) = ReadScopes(genericScopes, "generic.scopes", options);
                if (problem is not null)
                {
                    return (null, problem);
                }

                scopes = list;
            }

            generic = new GenericOAuthApp(authorizeUrl!, tokenUrl!, revokeUrl, clientId!, clientSecret!);
        }
        else if (body["generic"] is not null)
        {
            return (null, ApiProblems.BadRequest($"'generic' is only for the generic-oauth2 provider; {provider.DisplayName}'s app is configured on the server.", "generic"));
        }

        return (new OAuthStart(provider.Id, name, scopes ?? provider.DefaultScopes, connectionId, popup, generic), null);
    }

    // Scopes as an array of strings or one string separated by spaces or commas.
    private static (IReadOnlyList<string>? Scopes, ProblemHttpResult? Problem) ReadScopes(JsonNode node, string field, OAuthOptions options)
    {
        IEnumerable<string?> items = node switch
        {
            JsonArray array => array.Select(i => i is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null),
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Split([' ', ','], StringSplitOptions.RemoveEmptyEntries),
            _ => [null],
        };
        var scopes = items.ToList();
        if (scopes.Count > options.MaxScopes || scopes.Any(s => s is null || s.Length == 0 || s.Length > 200 || s.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == ',')))
        {
            return (null, ApiProblems.BadRequest($"'{field}' must be at most {options.MaxScopes} scopes (Connections:MaxScopes), each 1 to 200 characters without spaces or commas.", field));
        }

        return ([.. scopes.Distinct(StringComparer.Ordinal)!], null);
    }

    private static bool TryString(JsonNode node, out string? text)
    {
        text = node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        return text is not null;
    }

    internal sealed record OAuthStarted(string AuthorizeUrl);
}
