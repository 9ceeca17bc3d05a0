using System.Text.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Server.Auth;
using FlowForge.Server.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Endpoints;

/// <summary>Failed runs across flows, and retrying them from their failed nodes, one or many at a time.</summary>
internal static class RunRetryEndpoints
{
    public static IEndpointRouteBuilder MapRunRetryEndpoints(this IEndpointRouteBuilder runs)
    {
        runs.MapGet("/", ListByStatusAsync)
            .WithSummary("The caller's runs across all flows, newest first, cursor paginated: all of them, or those in one status (?status=failed).");
        runs.MapPost("/{runId:guid}/retry", RetryAsync)
            .WithSummary("Reopens a Failed or Cancelled run: its failed and cancelled nodes run again, succeeded nodes keep their outputs. 409 when the run cannot be retried, saying why.");
        runs.MapPost("/retry", RetryManyAsync)
            .Accepts<RetryManyBody>("application/json")
            .WithSummary("Retries several runs, by 'ids' or by 'filter' ({\"status\": \"failed\"}), at most Api:MaxRunsPerRetry per call; says which were reopened and why the others were not.");
        return runs;
    }

    private static async Task<Results<Ok<Page<RunEndpoints.RunListItem>>, ProblemHttpResult>> ListByStatusAsync(
        string? status, int? limit, string? cursor, HttpContext context, IRunQueries queries, CancellationToken cancellationToken)
    {
        if (Paging.Read(limit, cursor, out var page) is { } problem)
        {
            return problem;
        }

        RunStatus? runStatus = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!TryReadStatus(status, out var only))
            {
                return ApiProblems.BadRequest(
                    $"'status' must be one of {string.Join(", ", Enum.GetNames<RunStatus>().Select(n => n.ToLowerInvariant()))}; leave it out to list runs in every status.", "status");
            }

            runStatus = only;
        }

        try
        {
            var runs = await queries.ListRunsByStatusAsync(context.User.UserId(), runStatus, page, cancellationToken);
            return TypedResults.Ok(new Page<RunEndpoints.RunListItem>([.. runs.Items.Select(RunEndpoints.RunListItem.From)], runs.NextCursor));
        }
        catch (InvalidCursorException ex)
        {
            return ApiProblems.BadRequest(ex.Message, "cursor");
        }
    }

    private static async Task<Results<Ok<RunReopened>, ProblemHttpResult>> RetryAsync(
        Guid runId, HttpContext context, RunCoordinator coordinator, CancellationToken cancellationToken)
    {
        var retry = await coordinator.RetryAsync(runId, context.User.UserId(), cancellationToken);
        if (retry is null)
        {
            return ApiProblems.NotFound($"Run {runId}");
        }

        return retry.Reopened
            ? TypedResults.Ok(new RunReopened(runId, retry.Status.ToString(), retry.Attempt))
            : ApiProblems.Conflict(retry.Reason!);
    }

    private static async Task<Results<Ok<RetryManyResult>, ProblemHttpResult>> RetryManyAsync(
        HttpContext context, RunCoordinator coordinator, IRunQueries queries, IOptions<ApiOptions> api, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var max = api.Value.MaxRunsPerRetry;
        var owner = context.User.UserId();
        var ids = body!["ids"];
        var filter = body["filter"];
        if ((ids is null) == (filter is null))
        {
            return ApiProblems.BadRequest("Give either 'ids' (an array of run ids) or 'filter' (for example {\"status\": \"failed\"}), not both.", ids is null ? "ids" : "filter");
        }

        List<Guid> runIds;
        var more = false;
        if (ids is not null)
        {
            if (ReadIds(ids, max, out runIds) is { } idsProblem)
            {
                return idsProblem;
            }
        }
        else
        {
            if (ReadFilter(filter!, max, out var status, out var limit) is { } filterProblem)
            {
                return filterProblem;
            }

            var page = await queries.ListRunsByStatusAsync(owner, status, new PageRequest(limit, null), cancellationToken);
            runIds = [.. page.Items.Select(r => r.Id)];
            more = page.NextCursor is not null;
        }

        var reopened = new List<RunReopened>();
        var notReopened = new List<RunNotReopened>();
        foreach (var runId in runIds)
        {
            var retry = await coordinator.RetryAsync(runId, owner, cancellationToken);
            if (retry is null)
            {
                notReopened.Add(new RunNotReopened(runId, null, "not_found", $"Run {runId} was not found."));
            }
            else if (retry.Reopened)
            {
                reopened.Add(new RunReopened(runId, retry.Status.ToString(), retry.Attempt));
            }
            else
            {
                notReopened.Add(new RunNotReopened(runId, retry.Status.ToString(), ReasonCode(retry.Outcome), retry.Reason!));
            }
        }

        return TypedResults.Ok(new RetryManyResult(reopened, notReopened, more));
    }

    private static ProblemHttpResult? ReadIds(JsonNode ids, int max, out List<Guid> runIds)
    {
        runIds = [];
        if (ids is not JsonArray array)
        {
            return ApiProblems.BadRequest("'ids' must be an array of run ids.", "ids");
        }

        if (array.Count == 0 || array.Count > max)
        {
            return ApiProblems.BadRequest(
                $"'ids' has {array.Count} run ids; one call retries 1 to {max} runs ({ApiOptions.Section}:{nameof(ApiOptions.MaxRunsPerRetry)}). Send the rest in further calls.", "ids");
        }

        var seen = new HashSet<Guid>();
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonValue value || value.GetValueKind() != JsonValueKind.String || !Guid.TryParse(value.GetValue<string>(), out var id))
            {
                return ApiProblems.BadRequest($"'ids[{i}]' is not a run id (a GUID string).", $"ids[{i}]");
            }

            if (seen.Add(id))
            {
                runIds.Add(id);
            }
        }

        return null;
    }

    private static ProblemHttpResult? ReadFilter(JsonNode filter, int max, out RunStatus status, out int limit)
    {
        status = RunStatus.Failed;
        limit = max;
        if (filter is not JsonObject obj)
        {
            return ApiProblems.BadRequest("'filter' must be an object such as {\"status\": \"failed\"}.", "filter");
        }

        foreach (var (name, _) in obj)
        {
            if (name is not ("status" or "limit"))
            {
                return ApiProblems.BadRequest($"'filter.{name}' is not a filter; a filter takes 'status' (failed or cancelled) and 'limit'.", $"filter.{name}");
            }
        }

        if (obj["status"] is { } statusNode)
        {
            if (statusNode is not JsonValue value || value.GetValueKind() != JsonValueKind.String
                || !TryReadStatus(value.GetValue<string>(), out status) || status is not (RunStatus.Failed or RunStatus.Cancelled))
            {
                return ApiProblems.BadRequest("'filter.status' must be \"failed\" or \"cancelled\": only those runs can be retried.", "filter.status");
            }
        }

        if (obj["limit"] is { } limitNode)
        {
            if (limitNode is not JsonValue number || number.GetValueKind() != JsonValueKind.Number || !number.TryGetValue(out limit) || limit < 1 || limit > max)
            {
                return ApiProblems.BadRequest(
                    $"'filter.limit' must be a whole number from 1 to {max} ({ApiOptions.Section}:{nameof(ApiOptions.MaxRunsPerRetry)}).", "filter.limit");
            }
        }

        return null;
    }

    private static bool TryReadStatus(string? text, out RunStatus status)
    {
        status = default;
        return !string.IsNullOrEmpty(text)
            && !char.IsDigit(text[0])
            && Enum.TryParse(text, ignoreCase: true, out status)
            && Enum.IsDefined(status);
    }

    private static string ReasonCode(ReopenOutcome outcome) => outcome switch
    {
        ReopenOutcome.NotFailed => "not_failed",
        ReopenOutcome.NodeStillExecuting => "node_still_executing",
        ReopenOutcome.NotRecorded => "not_recorded",
        ReopenOutcome.FlowInvalid => "flow_invalid",
        ReopenOutcome.ChildRun => "child_run",
        _ => "refused",
    };

    internal sealed record RetryManyBody(IReadOnlyList<Guid>? Ids, JsonObject? Filter);

    internal sealed record RunReopened(Guid RunId, string Status, int Attempt);

    /// <summary>A run the call did not reopen: <see cref="Code"/> is stable for clients, <see cref="Reason"/> says what to do.</summary>
    internal sealed record RunNotReopened(Guid RunId, string? Status, string Code, string Reason);

    /// <summary><see cref="More"/> is true when a filter matched more runs than one call retries: call again for the next ones.</summary>
    internal sealed record RetryManyResult(IReadOnlyList<RunReopened> Reopened, IReadOnlyList<RunNotReopened> NotReopened, bool More);
}
