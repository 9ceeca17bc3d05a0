using System.Globalization;
using System.Security.Cryptography;
using FlowForge.Engine.Credentials;
using FlowForge.Engine.Limits;
using FlowForge.Server.Auth;
using FlowForge.Server.Connections;
using FlowForge.Server.Connections.Providers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Endpoints;

/// <summary>
/// A user's connections (credentials to other apps): secrets go in, sealed at once, and never come out. Another
/// user's connection is answered 404 like one that does not exist.
/// </summary>
internal static partial class ConnectionEndpoints
{
    public static IEndpointRouteBuilder MapConnectionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/connections").WithTags("Connections").RequireAuthorization();
        group.MapGet("", ListAsync).WithSummary("The signed-in user's connections, by name; ?provider=slack keeps one provider's. Never their secrets.");
        group.MapPost("", CreateAsync)
            .Accepts<System.Text.Json.JsonElement>("application/json")
            .WithSummary("Creates an apiKey, bearer, basic or headers connection; its secret is encrypted at once and never returned.");
        group.MapGet("/{id:guid}", GetAsync).WithSummary("One connection, without its secret.");
        group.MapPatch("/{id:guid}", UpdateAsync)
            .Accepts<System.Text.Json.JsonElement>("application/json")
            .WithSummary("Renames a connection, replaces its secret, settings or rate limit.");
        group.MapPost("/{id:guid}/test", TestAsync).WithSummary("Checks that the connection works: its secret opens and, when its provider has a test URL, the provider accepts it.");
        group.MapDelete("/{id:guid}", DeleteAsync).WithSummary("Revokes the connection's tokens at the provider when it can (best effort), then deletes it.");
        return app;
    }

    private static async Task<Ok<ConnectionList>> ListAsync(
        HttpContext context, IConnectionStore store, string? provider, CancellationToken cancellationToken)
    {
        var all = await store.ListConnectionsAsync(context.User.UserId(), cancellationToken);
        var items = all.Where(c => provider is null || string.Equals(c.Provider, provider, StringComparison.OrdinalIgnoreCase)).Select(ConnectionView.From);
        return TypedResults.Ok(new ConnectionList([.. items]));
    }

    private static async Task<Results<Ok<ConnectionView>, ProblemHttpResult>> GetAsync(
        Guid id, HttpContext context, IConnectionStore store, CancellationToken cancellationToken) =>
        await store.GetConnectionAsync(context.User.UserId(), id, cancellationToken) is { } record
            ? TypedResults.Ok(ConnectionView.From(record))
            : ApiProblems.NotFound($"Connection {id}");

    private static async Task<Results<Created<ConnectionView>, ProblemHttpResult>> CreateAsync(
        HttpContext context, IConnectionStore store, ISecretProtector protector, IOptions<ConnectionOptions> options, TimeProvider time,
        ConnectionProviderCatalog providers, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var (body, problem) = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var name = ConnectionInput.Name(body!["name"], limits, out problem);
        var kind = problem is null ? ConnectionInput.Kind(body["kind"], out problem) : null;
        var provider = problem is null ? ConnectionInput.Provider(body["provider"], out problem) : null;
        var secret = problem is null ? ConnectionInput.Secret(body["secret"], kind!.Value, limits, out problem, providers.Find(provider)) : null;
        var settings = problem is null ? ConnectionInput.Settings(body["settings"], kind!.Value, limits, out problem) : null;
        var rateLimit = problem is null ? ConnectionInput.RateLimit(body["rateLimit"], out problem) : null;
        if (problem is not null)
        {
            return problem;
        }

        var owner = context.User.UserId();
        if ((await store.ListConnectionsAsync(owner, cancellationToken)).Count >= limits.MaxPerUser)
        {
            return ApiProblems.Conflict(
                string.Create(CultureInfo.InvariantCulture, $"You have {limits.MaxPerUser} connections already (Connections:MaxPerUser); delete one you no longer use first."));
        }

        var now = StoredPrecision(time.GetUtcNow());
        var record = new ConnectionRecord(
            Guid.CreateVersion7(), owner, name!, kind!.Value, provider, protector.Protect(secret!), ConnectionStatus.Connected, null, [], null, now, now, 1)
        {
            RateLimit = rateLimit,
            SettingsJson = settings,
        };
        await store.AddConnectionAsync(record, cancellationToken);
        return TypedResults.Created($"/api/connections/{record.Id}", ConnectionView.From(record));
    }

    private static async Task<Results<Ok<ConnectionView>, ProblemHttpResult>> UpdateAsync(
        Guid id, HttpContext context, IConnectionStore store, ISecretProtector protector, IOptions<ConnectionOptions> options, TimeProvider time,
        ConnectionProviderCatalog providers, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var (body, problem) = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var patch = body!;
        if (patch.Select(p => p.Key).FirstOrDefault(k => k is not ("name" or "secret" or "settings" or "rateLimit")) is { } unknown)
        {
            return ApiProblems.BadRequest($"'{unknown}' cannot be changed; give name, secret, settings or rateLimit.", unknown);
        }

        var record = await store.GetConnectionAsync(context.User.UserId(), id, cancellationToken);
        if (record is null)
        {
            return ApiProblems.NotFound($"Connection {id}");
        }

        var updated = record with { UpdatedAt = StoredPrecision(time.GetUtcNow()), Version = record.Version + 1 };
        if (patch.ContainsKey("name"))
        {
            updated = updated with { Name = ConnectionInput.Name(patch["name"], limits, out problem)! };
        }

        if (problem is null && patch.ContainsKey("secret"))
        {
            if (record.Kind == ConnectionKind.OAuth2)
            {
                return ApiProblems.BadRequest("'secret' of an oauth2 connection comes from the provider; reconnect it instead.", "secret");
            }

            var secret = ConnectionInput.Secret(patch["secret"], record.Kind, limits, out problem, providers.Find(record.Provider));
            if (secret is not null)
            {
                // A new secret is a fresh start: whatever broke the old one no longer holds.
                updated = updated with { ProtectedSecret = protector.Protect(secret), Status = ConnectionStatus.Connected, StatusReason = null };
            }
        }

        if (problem is null && patch.ContainsKey("settings"))
        {
            updated = updated with { SettingsJson = ConnectionInput.Settings(patch["settings"], record.Kind, limits, out problem) };
        }

        if (problem is null && patch.ContainsKey("rateLimit"))
        {
            updated = updated with { RateLimit = ConnectionInput.RateLimit(patch["rateLimit"], out problem) };
        }

        if (problem is not null)
        {
            return problem;
        }

        return await store.UpdateConnectionAsync(updated, record.Version, cancellationToken)
            ? TypedResults.Ok(ConnectionView.From(updated))
            : ApiProblems.Conflict($"Connection {id} changed or was deleted meanwhile; read it again and retry.");
    }

    private static async Task<Results<Ok<ConnectionTestResult>, ProblemHttpResult>> TestAsync(
        Guid id, HttpContext context, IConnectionStore store, ISecretProtector protector, NodeConnectionsFactory connections,
        CancellationToken cancellationToken)
    {
        var record = await store.GetConnectionAsync(context.User.UserId(), id, cancellationToken);
        if (record is null)
        {
            return ApiProblems.NotFound($"Connection {id}");
        }

        if (record.Status == ConnectionStatus.Broken)
        {
            return TypedResults.Ok(new ConnectionTestResult(false, null,
                $"The connection is broken: {record.StatusReason ?? "no reason was given"}. Reconnect it."));
        }

        try
        {
            protector.Unprotect(record.ProtectedSecret);
        }
        catch (CryptographicException)
        {
            return TypedResults.Ok(new ConnectionTestResult(false, null,
                "The secret cannot be opened with this server's key ring (the key was removed or the value changed). Replace the secret."));
        }

        var connection = connections.Open(record);
        var testUrl = record.Provider is { } provider
            ? context.RequestServices.GetService<IProviderTestUrls>()?.TestUrlFor(provider, connection?.Settings.GetValueOrDefault("baseUrl"))
            : null;
        try
        {
            if (testUrl is null || connection is null)
            {
                if (connection is not null && record.Kind == ConnectionKind.OAuth2)
                {
                    await connection.ReadSecretAsync(cancellationToken);
                }

                return TypedResults.Ok(new ConnectionTestResult(true, null, "The secret opens."));
            }

            using var response = await connection.Http.GetAsync(testUrl, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var status = (int)response.StatusCode;
            return TypedResults.Ok(response.IsSuccessStatusCode
                ? new ConnectionTestResult(true, status, $"{record.Provider} accepted the connection.")
                : new ConnectionTestResult(false, status,
                    string.Create(CultureInfo.InvariantCulture, $"{record.Provider} refused the connection with HTTP {status}; check or replace its secret.")));
        }
        catch (ConnectionUnusableException ex)
        {
            return TypedResults.Ok(new ConnectionTestResult(false, null, ex.Message));
        }
        catch (ProviderRateLimitedException ex)
        {
            return TypedResults.Ok(new ConnectionTestResult(false, StatusCodes.Status429TooManyRequests, ex.Message));
        }
        catch (HttpRequestException ex)
        {
            return TypedResults.Ok(new ConnectionTestResult(false, null, $"{record.Provider} could not be reached: {Innermost(ex).Message}"));
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return TypedResults.Ok(new ConnectionTestResult(false, null, $"{record.Provider} did not answer in time."));
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, HttpContext context, IConnectionStore store, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var owner = context.User.UserId();
        var record = await store.GetConnectionAsync(owner, id, cancellationToken);
        if (record is null)
        {
            return ApiProblems.NotFound($"Connection {id}");
        }

        if (context.RequestServices.GetService<IConnectionRevoker>() is { } revoker)
        {
            try
            {
                await revoker.RevokeAsync(record, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Best effort: the user asked to forget the connection, and a provider that is down must not stop that.
                LogRevokeFailed(loggers.CreateLogger(typeof(ConnectionEndpoints).FullName!), id, ex.GetType().Name);
            }
        }

        return await store.DeleteConnectionAsync(owner, id, cancellationToken)
            ? TypedResults.NoContent()
            : ApiProblems.NotFound($"Connection {id}");
    }

    /// <summary>Times as the store keeps them (whole microseconds), so an answer shows what a later read returns.</summary>
    private static DateTimeOffset StoredPrecision(DateTimeOffset time) => new(time.Ticks - (time.Ticks % 10), time.Offset);

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Revoking connection {ConnectionId} at its provider failed ({ExceptionType}); it is deleted anyway.")]
    private static partial void LogRevokeFailed(ILogger logger, Guid connectionId, string exceptionType);

    internal sealed record ConnectionList(IReadOnlyList<ConnectionView> Items);
}
