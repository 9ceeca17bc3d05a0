using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Json;
using FlowForge.Engine.Limits;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Server.Auth;
using FlowForge.Server.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace FlowForge.Server.Endpoints;

internal static class RunEndpoints
{
    private const int MaxIdempotencyKeyLength = 200;
    private const int MaxWaitSeconds = 300;

    private static readonly string?[] AppliedWaits = new string?[MaxWaitSeconds + 1];

    public static IEndpointRouteBuilder MapRunEndpoints(this IEndpointRouteBuilder app)
    {
        var flows = app.MapGroup("/api/flows/{flowId:guid}/runs").WithTags("Runs").RequireAuthorization();
        flows.MapPost("/", StartAsync)
            .Accepts<StartRunBody>("application/json")
            .WithSummary("Starts a run of the flow's newest version at the trigger 'trigger' names (default: its only trigger, or its only manual one): 202 once it is on disk. Honours Idempotency-Key and Prefer: wait=N.");
        flows.MapGet("/", ListAsync).WithSummary("The flow's runs, newest first, cursor paginated.");

        var runs = app.MapGroup("/api/runs").WithTags("Runs").RequireAuthorization();
        runs.MapGet("/{runId:guid}", GetAsync)
            .WithSummary("A run's status and, per node, status, attempt, times, output and error. Outputs over Api:MaxInlineOutputBytes are replaced by their size and a link.");
        runs.MapGet("/{runId:guid}/children", ListChildrenAsync)
            .WithSummary("The child runs a run's nodes started (core.forEach, flow.call), newest first, cursor paginated; each names its parentNodeId and itemIndex.");
        runs.MapGet("/{runId:guid}/nodes/{nodeId}/output", GetOutputAsync).WithSummary("One node's output, whole, as JSON.");
        runs.MapDelete("/{runId:guid}", DeleteAsync).WithSummary("Deletes a finished run with its nodes, attempts and stored outputs. 409 while it runs.");
        runs.MapPost("/{runId:guid}/cancel", CancelAsync).WithSummary("Cancels a run that has not finished.");
        runs.MapPost("/{runId:guid}/nodes/{nodeId}/signal", SignalAsync)
            .Accepts<JsonElement>("application/json")
            .WithSummary("Ends a node's signal wait (core.wait with until \"signal\"): the JSON body becomes its output. 409 when the node is not waiting for a signal.");
        runs.MapRunRetryEndpoints();
        runs.MapRunBodyEndpoints();
        return app;
    }

    private static async Task<Results<RunAcceptedAnswer, RunDetailsAnswer, ProblemHttpResult>> StartAsync(
        Guid flowId, HttpContext context, RunCoordinator coordinator, IRunQueries queries, IRunEvents events,
        IRateLimiter limiter, IOptions<RateLimitOptions> limits, IOptions<ApiOptions> api, IOptions<FlowLimits> flowLimits, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var owner = context.User.UserId();
        var allowance = await limiter.TryAcquireAsync(context.User.RunStartsKey(), limits.Value.RunStarts, 1, cancellationToken);
        if (!allowance.Allowed)
        {
            var retryAfter = Math.Max(1, (int)Math.Ceiling(allowance.RetryAfter.TotalSeconds));
            context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            return ApiProblems.Create(StatusCodes.Status429TooManyRequests, "Too many run starts.",
                $"This account may start {limits.Value.RunStartsPerSecond} runs per second; try again in {retryAfter} s.");
        }

        var (body, problem) = await JsonBody.ReadObjectAsync(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var input = body!["input"];
        if (input is not null and not JsonObject)
        {
            return ApiProblems.BadRequest("'input' must be a JSON object.", "input");
        }

        if (input is not null && !SurelyWithin(request.ContentLength, flowLimits.Value.MaxRunInputBytes)
            && JsonPolicy.Utf8Length(input) is var inputBytes && inputBytes > flowLimits.Value.MaxRunInputBytes)
        {
            return ApiProblems.BadRequest(
                $"'input' takes {inputBytes} bytes; a run input may take at most {flowLimits.Value.MaxRunInputBytes} ({FlowLimits.Section}:{nameof(FlowLimits.MaxRunInputBytes)}). Send less data or a reference to it.",
                "input");
        }

        var trigger = body["trigger"];
        if (trigger is not null && (trigger.GetValueKind() != JsonValueKind.String || trigger.GetValue<string>() is not { Length: > 0 } triggerId || triggerId.Length > flowLimits.Value.MaxIdLength))
        {
            return ApiProblems.BadRequest(
                $"'trigger' must be the id of one of the flow's trigger nodes: text of 1 to {flowLimits.Value.MaxIdLength} characters. Leave it out to start at the flow's only manual trigger.",
                TriggerChoiceException.Field);
        }

        string? idempotencyKey = request.Headers["Idempotency-Key"];
        if (idempotencyKey is { Length: 0 or > MaxIdempotencyKeyLength })
        {
            return ApiProblems.BadRequest($"The Idempotency-Key header must have 1 to {MaxIdempotencyKeyLength} characters.", "Idempotency-Key");
        }

        if (!TryReadPreferWait(request.Headers["Prefer"], out var wait))
        {
            return ApiProblems.BadRequest($"Prefer: wait=N takes whole seconds from 0 to {MaxWaitSeconds}.", "Prefer");
        }

        var runId = Guid.CreateVersion7();
        RunStart start;
        try
        {
            start = await coordinator.StartAsync(
                new StartRun(runId, owner, flowId, Detach(body, input), idempotencyKey, request.Headers.TraceParent)
                {
                    TriggerNodeId = trigger?.GetValue<string>(),
                    ReturnsFinishedRun = wait is not null,
                },
                cancellationToken);
        }
        catch (FlowNotFoundException)
        {
            return ApiProblems.NotFound($"Flow {flowId}");
        }
        catch (TriggerChoiceException ex)
        {
            return ApiProblems.BadRequest(ex.Message, TriggerChoiceException.Field);
        }
        catch (FlowInvalidException ex)
        {
            // Saved under other limits or node types than this server has now: say what to fix, as a save would.
            return ApiProblems.InvalidFlow(ex.Problems);
        }

        var accepted = new RunAcceptedAnswer(start.RunId);
        if (wait is { } seconds)
        {
            // A run its creation finished is answered from what was written: nothing to wait for, no read-back, and no
            // run event built for this request.
            var run = start.Created ? start.Finished : null;
            if (run is null)
            {
                // Watched from here, then read: an end committed before the watch is in the read, one after it is told.
                using var signal = new RunFinishedSignal(events, start.RunId);
                run = await queries.GetRunAsync(start.RunId, owner, cancellationToken);
                if (run is null || !run.Status.IsFinal())
                {
                    run = await signal.WaitAsync(TimeSpan.FromSeconds(seconds), cancellationToken)
                        ? await queries.GetRunAsync(start.RunId, owner, cancellationToken)
                        : null;
                }
            }

            if (run is not null && run.Status.IsFinal())
            {
                // The run this start wrote and finished holds the texts as written: they go into the answer unparsed.
                return new RunDetailsAnswer(run, api.Value.MaxInlineOutputBytes, asWritten: start.Created && ReferenceEquals(run, start.Finished),
                    accepted.Location, PreferenceApplied(seconds));
            }
        }

        return accepted;
    }

    /// <summary>The <c>Preference-Applied</c> value of each wait, made once.</summary>
    private static string PreferenceApplied(int seconds)
    {
        ref var kept = ref AppliedWaits[seconds];
        return kept ??= $"wait={seconds}";
    }

    /// <summary>
    /// Whether a body of <paramref name="bodyBytes"/> holds an input of at most <paramref name="limit"/> bytes as written
    /// compactly, without writing it: a byte of the body becomes at most six (<c>\uXXXX</c>), so a body of a sixth of
    /// the limit cannot hold more. Unknown (a chunked body): false, and the input is measured.
    /// </summary>
    internal static bool SurelyWithin(long? bodyBytes, long limit) => bodyBytes is { } bytes && bytes <= limit / 6;

    /// <summary>The run input taken out of the request's body rather than copied: the body is not read again.</summary>
    private static JsonNode? Detach(JsonObject body, JsonNode? input)
    {
        if (input is not null)
        {
            body.Remove("input");
        }

        return input;
    }

    private static async Task<Results<Ok<RunDetails>, ProblemHttpResult>> GetAsync(
        Guid runId, HttpContext context, IRunQueries queries, IOptions<ApiOptions> api, CancellationToken cancellationToken)
    {
        var run = await queries.GetRunAsync(runId, context.User.UserId(), cancellationToken);
        return run is null ? ApiProblems.NotFound($"Run {runId}") : TypedResults.Ok(RunDetails.From(run, api.Value.MaxInlineOutputBytes));
    }

    private static async Task<Results<ContentHttpResult, FileContentHttpResult, ProblemHttpResult>> GetOutputAsync(
        Guid runId, string nodeId, HttpContext context, IRunQueries queries, IBlobStore blobs, CancellationToken cancellationToken)
    {
        var run = await queries.GetRunAsync(runId, context.User.UserId(), cancellationToken);
        if (run is null)
        {
            return ApiProblems.NotFound($"Run {runId}");
        }

        var node = run.Nodes.FirstOrDefault(n => n.NodeId == nodeId);
        if (node is null)
        {
            return ApiProblems.NotFound($"Node '{nodeId}' of run {runId}");
        }

        if (node.Status != NodeStatus.Succeeded)
        {
            return ApiProblems.NotFound($"An output of node '{nodeId}' (status {node.Status}) in run {runId}");
        }

        if (node.OutputBlob is { } blob)
        {
            // UTF-8 JSON in the blob store: sent as the bytes read, never turned into a string.
            var bytes = await blobs.ReadAsync(blob, cancellationToken);
            return bytes is null
                ? ApiProblems.Create(StatusCodes.Status410Gone, "The output is missing.",
                    $"The output of node '{nodeId}' in run {runId} ({blob.Bytes} bytes) was kept in the blob store and is no longer there; run the flow again to produce it.")
                : TypedResults.Bytes(bytes, "application/json");
        }

        // Stored as JSON text already: sent as it is, without parsing what may be megabytes.
        return TypedResults.Text(node.OutputJson ?? "null", "application/json", Encoding.UTF8);
    }

    private static async Task<Results<Ok<Page<RunListItem>>, ProblemHttpResult>> ListAsync(
        Guid flowId, int? limit, string? cursor, HttpContext context, IFlowStore flows, IRunQueries queries, CancellationToken cancellationToken)
    {
        if (Paging.Read(limit, cursor, out var page) is { } problem)
        {
            return problem;
        }

        var owner = context.User.UserId();
        if (await flows.GetAsync(flowId, owner, null, cancellationToken) is null)
        {
            return ApiProblems.NotFound($"Flow {flowId}");
        }

        try
        {
            var runs = await queries.ListRunsAsync(flowId, owner, page, cancellationToken);
            return TypedResults.Ok(new Page<RunListItem>([.. runs.Items.Select(RunListItem.From)], runs.NextCursor));
        }
        catch (InvalidCursorException ex)
        {
            return ApiProblems.BadRequest(ex.Message, "cursor");
        }
    }

    private static async Task<Results<Ok<Page<RunListItem>>, ProblemHttpResult>> ListChildrenAsync(
        Guid runId, int? limit, string? cursor, HttpContext context, IChildRunStore children, CancellationToken cancellationToken)
    {
        if (Paging.Read(limit, cursor, out var page) is { } problem)
        {
            return problem;
        }

        try
        {
            var runs = await children.ListChildrenPageAsync(runId, context.User.UserId(), page, cancellationToken);
            return runs is null
                ? ApiProblems.NotFound($"Run {runId}")
                : TypedResults.Ok(new Page<RunListItem>([.. runs.Items.Select(RunListItem.From)], runs.NextCursor));
        }
        catch (InvalidCursorException ex)
        {
            return ApiProblems.BadRequest(ex.Message, "cursor");
        }
    }

    private static async Task<Results<Ok<RunCancelled>, ProblemHttpResult>> CancelAsync(
        Guid runId, HttpContext context, RunCoordinator coordinator, CancellationToken cancellationToken)
    {
        var result = await coordinator.CancelAsync(runId, context.User.UserId(), cancellationToken);
        if (result is null)
        {
            return ApiProblems.NotFound($"Run {runId}");
        }

        return result.Changed
            ? TypedResults.Ok(new RunCancelled(runId, result.Status.ToString()))
            : ApiProblems.Conflict($"Run {runId} has already finished with status {result.Status}.");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid runId, HttpContext context, RunCoordinator coordinator, CancellationToken cancellationToken) =>
        await coordinator.DeleteAsync(runId, context.User.UserId(), cancellationToken) switch
        {
            RunDeletion.Deleted => TypedResults.NoContent(),
            RunDeletion.NotFinished => ApiProblems.Conflict($"Run {runId} has not finished; cancel it first (POST /api/runs/{runId}/cancel)."),
            RunDeletion.ChildRun => ApiProblems.Conflict($"Run {runId} is a child run: it is deleted with its parent run (see parentRunId in GET /api/runs/{runId})."),
            _ => ApiProblems.NotFound($"Run {runId}"),
        };

    private static async Task<Results<Ok<NodeSignalled>, ProblemHttpResult>> SignalAsync(
        Guid runId, string nodeId, HttpContext context, RunSignals signals, IOptions<EngineOptions> engine, CancellationToken cancellationToken)
    {
        var (text, problem) = await JsonBody.ReadTextAsync(context.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var output = "null";
        if (!string.IsNullOrWhiteSpace(text))
        {
            if (!JsonPolicy.TryParse(text, out var node, out var rejection) || !JsonPolicy.TrySerialize(node, out var json, out rejection))
            {
                return ApiProblems.BadRequest(rejection!.Message, rejection.Path);
            }

            output = json ?? "null";
        }

        // The body becomes the node's output, so the cap on node outputs holds for it too.
        var maxOutputBytes = engine.Value.MaxOutputBytes;
        if (output.Length * 3L > maxOutputBytes && Encoding.UTF8.GetByteCount(output) > maxOutputBytes)
        {
            return ApiProblems.Create(StatusCodes.Status413PayloadTooLarge, "The signal is too large.",
                $"A signal's body becomes the node's output, limited to {maxOutputBytes} bytes ({EngineOptions.Section}:{nameof(EngineOptions.MaxOutputBytes)}).", "$");
        }

        SignalResult result;
        try
        {
            result = await signals.SignalAsync(runId, context.User.UserId(), nodeId, output, cancellationToken);
        }
        catch (FlowInvalidException ex)
        {
            // The run's pinned version was saved under node types or limits this server no longer has.
            return ApiProblems.Conflict(
                $"Run {runId} cannot be signalled: the version of its flow that it runs no longer compiles on this server. {ex.Message}");
        }

        return result.Outcome switch
        {
            SignalOutcome.Applied => TypedResults.Ok(new NodeSignalled(runId, nodeId, nameof(NodeStatus.Succeeded))),
            SignalOutcome.NotWaiting => ApiProblems.Conflict(
                $"Node '{nodeId}' of run {runId} is not waiting for a signal (its status is {result.NodeStatus}); only a core.wait node with until \"signal\" that the run has reached can be signalled."),
            _ => ApiProblems.NotFound($"Node '{nodeId}' of run {runId}"),
        };
    }

    /// <summary>
    /// RFC 7240 <c>Prefer: wait=N</c> (the last one given wins); other preferences are ignored as the RFC asks. Read in
    /// place: no piece of the header is copied.
    /// </summary>
    internal static bool TryReadPreferWait(StringValues headers, out int? seconds)
    {
        seconds = null;
        foreach (var header in headers)
        {
            var text = (header ?? "").AsSpan();
            foreach (var range in text.Split(','))
            {
                var preference = text[range].Trim();
                var equals = preference.IndexOf('=');
                var name = equals < 0 ? preference : preference[..equals].TrimEnd();
                if (!name.Equals("wait", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (equals < 0
                    || !int.TryParse(preference[(equals + 1)..].Trim().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                    || value > MaxWaitSeconds)
                {
                    return false;
                }

                seconds = value;
            }
        }

        return true;
    }

    internal sealed record StartRunBody(JsonObject? Input, string? Trigger);

    /// <summary>The 202 answer's body, as the API reference names it (written by <see cref="RunAcceptedAnswer"/>).</summary>
    internal sealed record RunAccepted(Guid RunId);

    internal sealed record RunCancelled(Guid RunId, string Status);

    internal sealed record RunListItem(Guid Id, Guid FlowId, int FlowVersion, string Status, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Error, int Attempt)
    {
        /// <summary>For a child run: the node of its parent that started it and the item it ran for.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? ParentNodeId { get; init; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public int? ItemIndex { get; init; }

        public static RunListItem From(RunSummary run) =>
            new(run.Id, run.FlowId, run.FlowVersion, run.Status.ToString(), run.CreatedAt, run.StartedAt, run.FinishedAt, run.Error, run.Attempt)
            {
                ParentNodeId = run.ParentNodeId,
                ItemIndex = run.ItemIndex,
            };
    }

    internal sealed record NodeSignalled(Guid RunId, string NodeId, string Status);

    /// <summary>A node's state; <see cref="OutputLink"/> stands in for an output too large to include (then <see cref="Output"/> is null).</summary>
    internal sealed record NodeRunDetails(
        string NodeId, string Type, string Status, int Attempt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
        StoredJsonText? Output, string? Error, DateTimeOffset? WaitUntil, OutputLink? OutputLink, bool WaitingForSignal, IReadOnlyList<AttemptDetails> Attempts)
    {
        /// <summary>Why the node waits when a rate limit defers it (<c>Rate limited until …</c>); absent otherwise.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? WaitReason { get; init; }
    }

    /// <summary>Where to fetch an output left out of a run's details, and how big it is.</summary>
    internal sealed record OutputLink(long Bytes, string Href);

    /// <summary>One ended attempt of a node: how it ended, its error, its resolved input, when the next attempt was due if one was scheduled, and what it logged.</summary>
    internal sealed record AttemptDetails(int Attempt, string Status, DateTimeOffset? StartedAt, DateTimeOffset FinishedAt, string? Error, StoredJsonText? Input, DateTimeOffset? RetryAt, string? Logs);

    /// <summary>A run's state; <see cref="Attempt"/> is 1 for its first execution and goes up each time it is retried.</summary>
    internal sealed record RunDetails(Guid Id, Guid FlowId, int FlowVersion, string Status, StoredJsonText Input, string? Error, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, IReadOnlyList<NodeRunDetails> Nodes, int Attempt)
    {
        /// <summary>For a child run: the run, node and item that started it (its children are at <c>GET /api/runs/{id}/children</c>).</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public Guid? ParentRunId { get; init; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? ParentNodeId { get; init; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public int? ItemIndex { get; init; }

        /// <param name="asWritten">The run's texts are the ones this process wrote (not read back): they are not parsed.</param>
        public static RunDetails From(RunView run, long maxInlineOutputBytes, bool asWritten = false) => new(
            run.Id, run.FlowId, run.FlowVersion, run.Status.ToString(), new StoredJsonText(run.InputJson, asWritten), run.Error,
            run.CreatedAt, run.StartedAt, run.FinishedAt,
            [.. run.Nodes.Select(n => Node(run.Id, n, maxInlineOutputBytes, asWritten))], run.Attempt)
        {
            ParentRunId = run.ParentRunId,
            ParentNodeId = run.ParentNodeId,
            ItemIndex = run.ItemIndex,
        };

        private static NodeRunDetails Node(Guid runId, NodeInstanceView node, long maxInlineOutputBytes, bool asWritten)
        {
            StoredJsonText? output = null;
            OutputLink? link = null;
            if (node.OutputBlob is { } blob)
            {
                link = new OutputLink(blob.Bytes, OutputHref(runId, node.NodeId));
            }
            else if (node.OutputJson is { } json)
            {
                // A large output is measured, never parsed; text short enough to fit at 3 bytes a character is not even measured.
                var bytes = json.Length * 3L <= maxInlineOutputBytes ? json.Length : Encoding.UTF8.GetByteCount(json);
                if (bytes > maxInlineOutputBytes)
                {
                    link = new OutputLink(bytes, OutputHref(runId, node.NodeId));
                }
                else
                {
                    output = new StoredJsonText(json, asWritten);
                }
            }

            var attempts = node.Attempts.Select(t => new AttemptDetails(t.Attempt, t.Status.ToString(), t.StartedAt, t.FinishedAt, t.Error, StoredJsonText.Of(t.InputJson, asWritten), t.RetryAt, t.Logs));
            return new NodeRunDetails(
                node.NodeId, node.Type, node.Status.ToString(), node.Attempt, node.StartedAt, node.FinishedAt, output, node.Error, node.WaitUntil, link,
                node.WaitingForSignal, [.. attempts])
            {
                WaitReason = node.WaitReason,
            };
        }

        private static string OutputHref(Guid runId, string nodeId) => $"/api/runs/{runId}/nodes/{Uri.EscapeDataString(nodeId)}/output";
    }
}
