using System.Text.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Storage;
using FlowForge.Server.Auth;
using FlowForge.Server.Notifications;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Endpoints;

/// <summary>
/// Failure notifications: per flow, whether the signed-in user is told in the app and/or by email when a run fails;
/// the user's digest email and interval; and the in-app notifications (the bell).
/// </summary>
internal static class NotificationEndpoints
{
    public const int MaxIdsPerRead = 200;
    public const int MaxEmailLength = 320;

    public static IEndpointRouteBuilder MapNotificationEndpoints(this IEndpointRouteBuilder app)
    {
        MapReadAndReplace<PreferenceView>(app, "/api/flows/{id:guid}/notifications",
            GetPreferenceAsync, "Whether you are told when a run of the flow fails: in the app and/or by email.",
            PutPreferenceAsync, "Chooses whether you are told when a run of the flow fails: { onFailure: { inApp, email } }.");
        MapReadAndReplace<SettingsInput>(app, "/api/notification-settings",
            GetSettingsAsync, "Where failure digests go (your account's email unless you chose another) and how often at most.",
            PutSettingsAsync, "Sets the digest email (null for the account's email) and the interval in minutes (1 to Notifications:MaxDigestMinutes).");

        var list = app.MapGroup("/api/notifications").WithTags("Notifications").RequireAuthorization();
        list.MapGet("", ListAsync)
            .WithSummary("Your in-app notifications, newest first, cursor paged; unread=true for the unread ones only. Kept up to Notifications:MaxPerUser.");
        list.MapPost("/read", MarkReadAsync)
            .Accepts<ReadInput>("application/json")
            .WithSummary("Marks notifications read: { ids: [...] } or { all: true }.");
        return app;
    }

    /// <summary>A signed-in resource read with GET and replaced with PUT of a <typeparamref name="TInput"/> body.</summary>
    private static void MapReadAndReplace<TInput>(IEndpointRouteBuilder app, string route, Delegate get, string getSummary, Delegate put, string putSummary)
        where TInput : notnull
    {
        var group = app.MapGroup(route).WithTags("Notifications").RequireAuthorization();
        group.MapGet("", get).WithSummary(getSummary);
        group.MapPut("", put).Accepts<TInput>("application/json").WithSummary(putSummary);
    }

    private static async Task<Results<Ok<PreferenceView>, ProblemHttpResult>> GetPreferenceAsync(
        Guid id, HttpContext context, IFlowStore flows, INotificationStore store, CancellationToken cancellationToken)
    {
        var user = context.User.UserId();
        if (await flows.GetAsync(id, user, null, cancellationToken) is null)
        {
            return ApiProblems.NotFound($"Flow {id}");
        }

        var preference = await store.GetPreferenceAsync(user, id, cancellationToken);
        return TypedResults.Ok(new PreferenceView(new OnFailure(preference?.InApp ?? false, preference?.Email ?? false)));
    }

    private static async Task<Results<Ok<PreferenceView>, ProblemHttpResult>> PutPreferenceAsync(
        Guid id, HttpContext context, IFlowStore flows, INotificationStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (body!["onFailure"] is not JsonObject onFailure)
        {
            return ApiProblems.BadRequest("'onFailure' must be an object such as { \"inApp\": true, \"email\": false }.", "onFailure");
        }

        if (!TryGetBool(onFailure, "inApp", out var inApp))
        {
            return ApiProblems.BadRequest("'onFailure.inApp' must be true or false.", "onFailure.inApp");
        }

        if (!TryGetBool(onFailure, "email", out var email))
        {
            return ApiProblems.BadRequest("'onFailure.email' must be true or false.", "onFailure.email");
        }

        var user = context.User.UserId();
        if (await flows.GetAsync(id, user, null, cancellationToken) is null)
        {
            return ApiProblems.NotFound($"Flow {id}");
        }

        await store.SetPreferenceAsync(new FlowNotificationPreference(user, id, inApp, email), time.GetUtcNow(), cancellationToken);
        return TypedResults.Ok(new PreferenceView(new OnFailure(inApp, email)));
    }

    private static async Task<Results<Ok<SettingsView>, ProblemHttpResult>> GetSettingsAsync(
        HttpContext context, INotificationStore store, IUserStore users, IOptions<NotificationOptions> options, CancellationToken cancellationToken)
    {
        var user = context.User.UserId();
        var stored = await store.GetSettingsAsync(user, cancellationToken);
        return TypedResults.Ok(await ViewAsync(user, stored, users, options.Value, cancellationToken));
    }

    private static async Task<Results<Ok<SettingsView>, ProblemHttpResult>> PutSettingsAsync(
        HttpContext context, INotificationStore store, IUserStore users, IOptions<NotificationOptions> options, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var (body, problem) = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var user = context.User.UserId();
        var current = await store.GetSettingsAsync(user, cancellationToken);
        var email = current?.Email;
        var minutes = current?.DigestMinutes;
        if (body!.TryGetPropertyValue("email", out var emailNode))
        {
            if (emailNode is null)
            {
                email = null;
            }
            else if (emailNode is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            {
                var text = v.GetValue<string>().Trim();
                if (text.Length == 0)
                {
                    email = null;
                }
                else if (text.Length > MaxEmailLength || !IsEmailAddress(text))
                {
                    return ApiProblems.BadRequest($"'email' must be an email address such as you@example.com (at most {MaxEmailLength} characters), or null for your account's email.", "email");
                }
                else
                {
                    email = text;
                }
            }
            else
            {
                return ApiProblems.BadRequest("'email' must be a string, or null for your account's email.", "email");
            }
        }

        if (body.TryGetPropertyValue("digestMinutes", out var minutesNode))
        {
            if (minutesNode is not JsonValue m || m.GetValueKind() != JsonValueKind.Number || !m.TryGetValue<int>(out var given) || given < 1 || given > o.MaxDigestMinutes)
            {
                return ApiProblems.BadRequest($"'digestMinutes' must be a whole number from 1 to {o.MaxDigestMinutes} (Notifications:MaxDigestMinutes).", "digestMinutes");
            }

            minutes = given;
        }

        var saved = new NotificationSettingsRecord(user, email, minutes);
        await store.SetSettingsAsync(saved, cancellationToken);
        return TypedResults.Ok(await ViewAsync(user, saved, users, o, cancellationToken));
    }

    private static async Task<Results<Ok<NotificationListView>, ProblemHttpResult>> ListAsync(
        HttpContext context, INotificationStore store, bool? unread, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (Paging.Read(limit, cursor, out var page) is { } problem)
        {
            return problem;
        }

        NotificationPage result;
        try
        {
            result = await store.ListNotificationsAsync(context.User.UserId(), unread ?? false, page, cancellationToken);
        }
        catch (InvalidCursorException ex)
        {
            return ApiProblems.BadRequest(ex.Message, "cursor");
        }

        return TypedResults.Ok(new NotificationListView([.. result.Items.Select(NotificationView.From)], result.NextCursor, result.UnreadCount));
    }

    private static async Task<Results<Ok<ReadView>, ProblemHttpResult>> MarkReadAsync(
        HttpContext context, INotificationStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var all = body!["all"] is JsonValue a && a.GetValueKind() == JsonValueKind.True;
        List<Guid>? ids = null;
        if (body["ids"] is { } idsNode)
        {
            if (idsNode is not JsonArray array || array.Count > MaxIdsPerRead)
            {
                return ApiProblems.BadRequest($"'ids' must be an array of at most {MaxIdsPerRead} notification ids.", "ids");
            }

            ids = [];
            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is not JsonValue idValue || idValue.GetValueKind() != JsonValueKind.String || !Guid.TryParse(idValue.GetValue<string>(), out var id))
                {
                    return ApiProblems.BadRequest($"'ids[{i}]' must be a notification id.", $"ids[{i}]");
                }

                ids.Add(id);
            }
        }

        if (all == (ids is not null))
        {
            return ApiProblems.BadRequest("Send either 'ids' (the notifications to mark read) or 'all': true.", ids is null ? "ids" : "all");
        }

        var user = context.User.UserId();
        var marked = await store.MarkReadAsync(user, all ? null : ids, time.GetUtcNow(), cancellationToken);
        var unread = (await store.ListNotificationsAsync(user, true, new PageRequest(1, null), cancellationToken)).UnreadCount;
        return TypedResults.Ok(new ReadView(marked, unread));
    }

    private static async Task<SettingsView> ViewAsync(Guid user, NotificationSettingsRecord? stored, IUserStore users, NotificationOptions options, CancellationToken cancellationToken)
    {
        var account = (await users.FindByIdAsync(user, cancellationToken))?.Email;
        var enabled = options.Smtp.IsConfigured;
        return new SettingsView(
            stored?.Email ?? account,
            stored?.Email is null,
            stored?.DigestMinutes ?? options.DefaultDigestMinutes,
            options.MaxDigestMinutes,
            enabled,
            enabled ? null : "Email notifications are off on this server: no mail server is configured (Notifications:Smtp:Host). In-app notifications still work.");
    }

    private static bool TryGetBool(JsonObject body, string name, out bool value)
    {
        value = false;
        if (body[name] is not JsonValue v)
        {
            return false;
        }

        var kind = v.GetValueKind();
        value = kind == JsonValueKind.True;
        return kind is JsonValueKind.True or JsonValueKind.False;
    }

    private static bool IsEmailAddress(string text) =>
        !text.Any(char.IsControl) && MimeKit.MailboxAddress.TryParse(text, out var address) && address.Address == text && text.Contains('@', StringComparison.Ordinal);

    internal sealed record OnFailure(bool InApp, bool Email);

    internal sealed record PreferenceView(OnFailure OnFailure);

    internal sealed record SettingsInput(string? Email, int DigestMinutes);

    /// <summary><see cref="EmailEnabled"/> is false, with a <see cref="Note"/> saying why, when the server has no mail server.</summary>
    internal sealed record SettingsView(string? Email, bool EmailIsAccountDefault, int DigestMinutes, int MaxDigestMinutes, bool EmailEnabled, string? Note);

    internal sealed record NotificationListView(NotificationView[] Items, string? NextCursor, int UnreadCount);

    internal sealed record ReadInput(Guid[]? Ids, bool? All);

    internal sealed record ReadView(int Marked, int UnreadCount);
}
