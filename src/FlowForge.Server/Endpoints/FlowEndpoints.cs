using System.Text.Json;
using FlowForge.Engine.Credentials;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Server.Auth;
using FlowForge.Server.Hosting;
using FlowForge.Server.Triggers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Endpoints;

internal static class FlowEndpoints
{
    public static IEndpointRouteBuilder MapFlowEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/flows").WithTags("Flows").RequireAuthorization();
        group.MapPost("/", CreateAsync)
            .Accepts<JsonElement>("application/json")
            .WithSummary("Saves a new flow (React Flow JSON: name, nodes, edges, viewport) as version 1.");
        group.MapGet("/", ListAsync).WithSummary("Lists your flows, newest first, cursor paginated, each with its activation, trigger kinds and newest run; ?search= keeps those whose name contains the text (ignoring case).");
        group.MapGet("/{id:guid}", GetAsync).WithSummary("A flow's newest version, or the one named by ?version=.");
        group.MapPut("/{id:guid}", UpdateAsync)
            .Accepts<JsonElement>("application/json")
            .WithSummary("Saves a new version of a flow; runs already started keep theirs.");
        group.MapDelete("/{id:guid}", DeleteAsync).WithSummary("Deletes a flow; its runs keep their pinned version.");
        group.MapPost("/{id:guid}/activate", ActivateAsync)
            .WithSummary("Turns the flow's webhook and schedule triggers on; they always run the newest version.");
        group.MapPost("/{id:guid}/deactivate", DeactivateAsync)
            .WithSummary("Turns the flow's webhook and schedule triggers off: its webhook URLs answer 404 and no schedule fires.");
        return app;
    }

    private static async Task<Results<Created<FlowSaved>, ProblemHttpResult>> CreateAsync(
        HttpRequest request, IFlowStore flows, IWebhookKeyStore keys, FlowChecker checker, WebhookSecrets secrets, IConnectionStore connections,
        INodeTypeRegistry nodeTypes, TimeProvider time, CancellationToken cancellationToken)
    {
        var (check, json, problem) = await ReadFlowAsync(request, checker, secrets, null, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var owner = request.HttpContext.User.UserId();
        if (await SubflowRules.CheckAsync(check!.Document!, owner, null, flows, cancellationToken) is { Count: > 0 } unknown)
        {
            return ApiProblems.InvalidFlow(unknown);
        }

        if (await ConnectionRules.CheckAsync(check.Document!, owner, connections, nodeTypes, cancellationToken) is { Count: > 0 } unusable)
        {
            return ApiProblems.InvalidFlow(unusable);
        }

        var saved = await flows.CreateAsync(owner, check.Document!.Name, json!, cancellationToken);
        await EnsureWebhookKeysAsync(saved.Id, check.Document, keys, time, cancellationToken);
        return TypedResults.Created($"/api/flows/{saved.Id}", new FlowSaved(saved.Id, saved.Version));
    }

    private static async Task<Results<Ok<FlowSaved>, ProblemHttpResult>> UpdateAsync(
        Guid id, HttpRequest request, IFlowStore flows, IWebhookKeyStore keys, FlowChecker checker, WebhookSecrets secrets, IConnectionStore connections,
        INodeTypeRegistry nodeTypes, IPlanCache plans, TimeProvider time, CancellationToken cancellationToken)
    {
        var owner = request.HttpContext.User.UserId();
        var previous = await flows.GetAsync(id, owner, null, cancellationToken);
        if (previous is null)
        {
            return ApiProblems.NotFound($"Flow {id}");
        }

        var (check, json, problem) = await ReadFlowAsync(request, checker, secrets, previous.Json, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (await SubflowRules.CheckAsync(check!.Document!, owner, id, flows, cancellationToken) is { Count: > 0 } unknown)
        {
            return ApiProblems.InvalidFlow(unknown);
        }

        if (await ConnectionRules.CheckAsync(check.Document!, owner, connections, nodeTypes, cancellationToken) is { Count: > 0 } unusable)
        {
            return ApiProblems.InvalidFlow(unusable);
        }

        // Active triggers follow the newest version: webhooks and schedules read it at each call and firing.
        var saved = await flows.AddVersionAsync(id, owner, check!.Document!.Name, json!, cancellationToken);
        if (saved is null)
        {
            return ApiProblems.NotFound($"Flow {id}");
        }

        // Every process starts the new version from the next trigger on (they keep the flow's head: IPlanCache).
        await plans.InvalidateAsync(id, cancellationToken);
        await EnsureWebhookKeysAsync(saved.Id, check.Document, keys, time, cancellationToken);
        return TypedResults.Ok(new FlowSaved(saved.Id, saved.Version));
    }

    private static async Task<Results<Ok<FlowTriggerState>, ProblemHttpResult>> ActivateAsync(
        Guid id, HttpContext context, IFlowStore flows, ITriggerStore triggers, IWebhookKeyStore keys, FlowChecker checker,
        IOptions<WebhookOptions> webhooks, TimeProvider time, CancellationToken cancellationToken)
    {
        var owner = context.User.UserId();
        var flow = await flows.GetAsync(id, owner, null, cancellationToken);
        if (flow is null)
        {
            return ApiProblems.NotFound($"Flow {id}");
        }

        var check = checker.Check(flow.Json);
        if (!check.IsValid)
        {
            return ApiProblems.InvalidFlow(check.Problems);
        }

        if (!TriggerRules.HasActivatableTrigger(check.Document!))
        {
            return ApiProblems.BadRequest(
                $"Flow {id} has no webhook or schedule trigger, so there is nothing to activate; add a '{TriggerNodes.WebhookType}' or '{TriggerNodes.ScheduleType}' node (a manual trigger runs through POST /api/flows/{id}/runs).",
                "nodes");
        }

        var allKeys = await EnsureWebhookKeysAsync(id, check.Document!, keys, time, cancellationToken);
        var activation = await triggers.SetActiveAsync(id, owner, true, time.GetUtcNow(), cancellationToken);
        return activation is null
            ? ApiProblems.NotFound($"Flow {id}")
            : TypedResults.Ok(new FlowTriggerState(id, activation.Active, WebhookUrls(context.Request, webhooks.Value, check.Document!, allKeys)));
    }

    private static async Task<Results<Ok<FlowTriggerState>, ProblemHttpResult>> DeactivateAsync(
        Guid id, HttpContext context, IFlowStore flows, ITriggerStore triggers, IWebhookKeyStore keys,
        IOptions<WebhookOptions> webhooks, TimeProvider time, CancellationToken cancellationToken)
    {
        var activation = await triggers.SetActiveAsync(id, context.User.UserId(), false, time.GetUtcNow(), cancellationToken);
        if (activation is null)
        {
            return ApiProblems.NotFound($"Flow {id}");
        }

        var flow = await flows.GetAsync(id, context.User.UserId(), null, cancellationToken);
        var document = flow is null ? null : FlowParser.Parse(flow.Json).Document;
        var urls = document is null ? [] : WebhookUrls(context.Request, webhooks.Value, document, await keys.ListWebhookKeysAsync(id, cancellationToken));
        return TypedResults.Ok(new FlowTriggerState(id, activation.Active, urls));
    }

    private static async Task<Results<Ok<FlowDetails>, ProblemHttpResult>> GetAsync(
        Guid id, int? version, HttpContext context, IFlowStore flows, ITriggerStore triggers, IWebhookKeyStore keys,
        IOptions<WebhookOptions> webhooks, CancellationToken cancellationToken)
    {
        if (version is < 1)
        {
            return ApiProblems.BadRequest("'version' must be 1 or more.", "version");
        }

        var flow = await flows.GetAsync(id, context.User.UserId(), version, cancellationToken);
        if (flow is null)
        {
            return ApiProblems.NotFound(version is null ? $"Flow {id}" : $"Version {version} of flow {id}");
        }

        var activation = await triggers.GetActivationAsync(id, context.User.UserId(), cancellationToken);
        var document = FlowParser.Parse(flow.Json).Document;
        IReadOnlyList<WebhookUrl> urls = document is not null && TriggerNodes.Webhooks(document).Any()
            ? WebhookUrls(context.Request, webhooks.Value, document, await keys.ListWebhookKeysAsync(id, cancellationToken))
            : [];
        return TypedResults.Ok(new FlowDetails(
            flow.Id, flow.Name, flow.Version, flow.CreatedAt, flow.UpdatedAt, activation?.Active ?? false, urls, WebhookSecrets.Mask(flow.Json)));
    }

    private static async Task<Results<Ok<Page<FlowListItem>>, ProblemHttpResult>> ListAsync(
        int? limit, string? cursor, string? search, HttpContext context, IFlowStore flows, IRunQueries runs, INodeTypeRegistry nodeTypes,
        IOptions<ApiOptions> api, CancellationToken cancellationToken)
    {
        if (Paging.Read(limit, cursor, out var page) is { } problem)
        {
            return problem;
        }

        var maxSearch = api.Value.MaxFlowSearchLength;
        if (search?.Length > maxSearch)
        {
            return ApiProblems.BadRequest(
                $"'search' has {search.Length} characters; at most {maxSearch} are allowed ({ApiOptions.Section}:{nameof(ApiOptions.MaxFlowSearchLength)}).", "search");
        }

        var owner = context.User.UserId();
        Page<FlowSummary> found;
        try
        {
            found = await flows.ListAsync(owner, page, string.IsNullOrWhiteSpace(search) ? null : search.Trim(), cancellationToken);
        }
        catch (InvalidCursorException ex)
        {
            return ApiProblems.BadRequest(ex.Message, "cursor");
        }

        var lastRuns = (await runs.LastRunsAsync(owner, [.. found.Items.Select(f => f.Id)], cancellationToken)).ToDictionary(r => r.FlowId);
        var items = found.Items.Select(f => new FlowListItem(
            f.Id, f.Name, f.Version, f.CreatedAt, f.UpdatedAt, f.Active,
            [.. f.NodeTypes.Where(t => nodeTypes.TryGet(t, out var type) && type.Descriptor.Category == NodeCategory.Trigger)],
            lastRuns.TryGetValue(f.Id, out var last) ? new FlowLastRun(last.RunId, last.Status, last.CreatedAt, last.FinishedAt) : null));
        return TypedResults.Ok(new Page<FlowListItem>([.. items], found.NextCursor));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, HttpContext context, IFlowStore flows, IPlanCache plans, CancellationToken cancellationToken)
    {
        if (!await flows.DeleteAsync(id, context.User.UserId(), cancellationToken))
        {
            return ApiProblems.NotFound($"Flow {id}");
        }

        await plans.InvalidateAsync(id, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<IReadOnlyList<WebhookKey>> EnsureWebhookKeysAsync(
        Guid flowId, FlowDocument document, IWebhookKeyStore keys, TimeProvider time, CancellationToken cancellationToken)
    {
        var candidates = TriggerNodes.Webhooks(document).Select(n => WebhookKeys.Create(n.Id)).ToList();
        return candidates.Count == 0 ? [] : await keys.EnsureWebhookKeysAsync(flowId, candidates, time.GetUtcNow(), cancellationToken);
    }

    private static List<WebhookUrl> WebhookUrls(HttpRequest request, WebhookOptions options, FlowDocument document, IReadOnlyList<WebhookKey> keys)
    {
        var byNode = keys.ToDictionary(k => k.NodeId, k => k.Key, StringComparer.Ordinal);
        return [.. TriggerNodes.Webhooks(document)
            .Where(n => byNode.ContainsKey(n.Id))
            .Select(n => new WebhookUrl(n.Id, TriggerRules.WebhookUrl(request, options, byNode[n.Id])))];
    }

    private static async Task<(FlowCheck? Check, string? Json, ProblemHttpResult? Problem)> ReadFlowAsync(
        HttpRequest request, FlowChecker checker, WebhookSecrets secrets, string? previousJson, CancellationToken cancellationToken)
    {
        var (json, problem) = await JsonBody.ReadTextAsync(request, cancellationToken);
        if (problem is not null)
        {
            return (null, null, problem);
        }

        if (string.IsNullOrWhiteSpace(json))
        {
            return (null, null, ApiProblems.BadRequest("The body must be a flow: { \"name\", \"nodes\", \"edges\" }.", "$"));
        }

        var check = checker.Check(json);
        if (!check.IsValid)
        {
            return (null, null, ApiProblems.InvalidFlow(check.Problems));
        }

        if (TriggerRules.Check(check.Document!) is { Count: > 0 } problems)
        {
            return (null, null, ApiProblems.InvalidFlow(problems));
        }

        var (sealedJson, secretProblem) = secrets.Seal(json, check.Document!, previousJson);
        return secretProblem is null ? (check, sealedJson, null) : (null, null, ApiProblems.InvalidFlow([secretProblem]));
    }

    internal sealed record FlowSaved(Guid Id, int Version);

    /// <summary>A flow version; <see cref="Webhooks"/> lists the URLs of its webhook triggers, which answer while <see cref="Active"/>.</summary>
    internal sealed record FlowDetails(
        Guid Id, string Name, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool Active, IReadOnlyList<WebhookUrl> Webhooks, JsonElement Definition);

    /// <summary>A flow in the list: <see cref="TriggerKinds"/> are the trigger node types of its newest version, <see cref="LastRun"/> its newest run.</summary>
    internal sealed record FlowListItem(
        Guid Id, string Name, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool Active, IReadOnlyList<string> TriggerKinds, FlowLastRun? LastRun);

    internal sealed record FlowLastRun(Guid Id, RunStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt);

    internal sealed record FlowTriggerState(Guid Id, bool Active, IReadOnlyList<WebhookUrl> Webhooks);

    internal sealed record WebhookUrl(string NodeId, string Url);
}
