using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Json;
using FlowForge.Engine.Limits;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Nodes.Triggers;
using FlowForge.Server.Endpoints;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Triggers;

/// <summary>
/// Answers <c>/hooks/{key}</c>: finds the webhook node by the key's hash, limits calls per flow, checks the signature,
/// starts a run of the flow's newest version at that node and answers at once or with the run's result.
/// </summary>
internal sealed partial class WebhookReceiver(
    IWebhookKeyStore keys,
    IFlowStore flows,
    IRateLimiter limiter,
    WebhookSecrets secrets,
    RunCoordinator coordinator,
    IRunEvents events,
    IRunQueries queries,
    TimeProvider time,
    IOptions<WebhookOptions> options,
    IOptions<FlowLimits> flowLimits,
    ILogger<WebhookReceiver> logger)
{
    private static readonly JsonSerializerOptions SettingsOptions = new(JsonSerializerDefaults.Web);

    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade", "Trailer", "TE", "Proxy-Connection", "Set-Cookie", "Content-Type",
    };

    public async Task<Results<Accepted<WebhookAccepted>, ContentHttpResult, ProblemHttpResult>> ReceiveAsync(string key, HttpContext context, CancellationToken cancellationToken)
    {
        // Every refusal before the key is known answers the same 404, whatever was wrong with it.
        var notFound = ApiProblems.NotFound("This webhook");
        if (!WebhookKeys.IsWellFormed(key) || await keys.FindWebhookAsync(WebhookKeys.Hash(key), cancellationToken) is not { } target)
        {
            return notFound;
        }

        var settings = options.Value;
        var allowance = await limiter.TryAcquireAsync($"webhooks:{target.FlowId:N}", new RateLimitPolicy(settings.Burst, settings.PermitsPerSecond), 1, cancellationToken);
        if (!allowance.Allowed)
        {
            var retryAfter = Math.Max(1, (int)Math.Ceiling(allowance.RetryAfter.TotalSeconds));
            context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            return ApiProblems.Create(StatusCodes.Status429TooManyRequests, "Too many webhook calls.",
                $"This flow's webhooks take {settings.PermitsPerSecond} calls per second ({WebhookOptions.Section}:{nameof(WebhookOptions.PermitsPerSecond)}); try again in {retryAfter} s.");
        }

        var flow = await flows.GetAsync(target.FlowId, target.OwnerId, null, cancellationToken);
        var node = flow is null ? null : FlowParser.Parse(flow.Json).Document?.Nodes.FirstOrDefault(n => n.Id == target.NodeId && n.Type == TriggerNodes.WebhookType);
        if (node is null || ReadSettings(node.Config) is not { } config)
        {
            // The node was removed from the newest version: its key stays reserved but answers nothing.
            return notFound;
        }

        var (body, problem) = await WebhookRequest.ReadBodyAsync(context.Request, settings.MaxBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (config.Signature is { } signature && !Verify(signature, context.Request, body!, target))
        {
            return ApiProblems.Create(StatusCodes.Status401Unauthorized, "The signature is missing or wrong.",
                $"This webhook takes calls signed with HMAC-{signature.Algorithm.ToUpperInvariant()} in the '{signature.Header}' header ({signature.Format} format).", signature.Header);
        }

        var (input, inputProblem) = WebhookRequest.ToInput(context.Request, body!);
        if (inputProblem is not null)
        {
            return inputProblem;
        }

        var maxInput = flowLimits.Value.MaxRunInputBytes;
        if (JsonPolicy.Utf8Length(input!) is var inputBytes && inputBytes > maxInput)
        {
            return ApiProblems.Create(StatusCodes.Status413PayloadTooLarge, "The webhook call is too large.",
                $"The call becomes a run input of {inputBytes} bytes; a run input may take at most {maxInput} ({FlowLimits.Section}:{nameof(FlowLimits.MaxRunInputBytes)}).", "body");
        }

        return await StartAsync(target, config, input!, context, cancellationToken);
    }

    private async Task<Results<Accepted<WebhookAccepted>, ContentHttpResult, ProblemHttpResult>> StartAsync(
        WebhookTarget target, WebhookTriggerNode.Settings config, JsonObject input, HttpContext context, CancellationToken cancellationToken)
    {
        var runId = Guid.CreateVersion7();
        var waits = config.Respond == WebhookTriggerNode.RespondWhenFinished;
        using var finished = waits ? new RunFinishedSignal(events, runId) : null;
        RunStart start;
        try
        {
            start = await coordinator.StartAsync(
                new StartRun(runId, target.OwnerId, target.FlowId, input, null, context.Request.Headers.TraceParent, target.NodeId) { ReturnsFinishedRun = waits },
                cancellationToken);
        }
        catch (FlowNotFoundException)
        {
            return ApiProblems.NotFound("This webhook");
        }
        catch (FlowInvalidException)
        {
            // The owner sees the problems when opening the flow; the caller only learns that the flow cannot run.
            return ApiProblems.Create(StatusCodes.Status409Conflict, "The flow cannot run.", "The flow behind this webhook is no longer valid; its owner has to fix it.");
        }

        var accepted = TypedResults.Accepted((string?)null, new WebhookAccepted(runId));
        // A run its creation finished is answered from what was written: no wait, no read-back.
        var run = start.Finished;
        if (run is null)
        {
            if (!waits || !await finished!.WaitAsync(TimeSpan.FromMilliseconds(config.TimeoutMs ?? WebhookTriggerNode.DefaultTimeoutMs), cancellationToken))
            {
                return accepted;
            }

            run = await queries.GetRunAsync(runId, target.OwnerId, cancellationToken);
        }

        if (run is null || !run.Status.IsFinal())
        {
            return accepted;
        }

        if (run.Status != RunStatus.Succeeded)
        {
            return ApiProblems.Create(StatusCodes.Status502BadGateway, "The flow did not succeed.", $"Run {runId} ended with status {run.Status}.");
        }

        var output = config.ResponseNode is { } responseNode
            ? run.Nodes.FirstOrDefault(n => n.NodeId == responseNode)
            : run.Nodes.LastOrDefault(n => n.Status == NodeStatus.Succeeded);
        return Respond(config, output?.Status == NodeStatus.Succeeded ? output.OutputJson : null, context.Response);
    }

    private static ContentHttpResult Respond(WebhookTriggerNode.Settings config, string? outputJson, HttpResponse response)
    {
        var output = outputJson is null ? null : JsonPolicy.ParseStored(outputJson);
        var status = config.ResponseStatus ?? StatusCodes.Status200OK;
        var headers = new Dictionary<string, string>(config.ResponseHeaders ?? [], StringComparer.OrdinalIgnoreCase);
        var body = output;

        // A node that sets { status, headers, body } shapes the whole answer.
        if (output is JsonObject shaped && shaped.ContainsKey("body") && (shaped.ContainsKey("status") || shaped.ContainsKey("headers")))
        {
            body = shaped["body"];
            if (shaped["status"] is JsonValue s && s.TryGetValue<int>(out var code) && code is >= 200 and <= 599)
            {
                status = code;
            }

            foreach (var (name, value) in shaped["headers"] as JsonObject ?? [])
            {
                if (value is JsonValue v && v.TryGetValue<string>(out var text))
                {
                    headers[name] = text;
                }
            }
        }

        headers.TryGetValue("Content-Type", out var contentType);
        foreach (var (name, value) in headers)
        {
            if (!ReservedHeaders.Contains(name) && value.AsSpan().IndexOfAny('\r', '\n', '\0') < 0 && name.All(c => c > ' ' && c < 127 && c != ':'))
            {
                response.Headers[name] = value;
            }
        }

        return body switch
        {
            null => TypedResults.Text("", contentType ?? "text/plain", Encoding.UTF8, status),
            JsonValue text when text.TryGetValue<string>(out var plain) => TypedResults.Text(plain, contentType ?? "text/plain", Encoding.UTF8, status),
            _ => TypedResults.Text(body.ToJsonString(), contentType ?? "application/json", Encoding.UTF8, status),
        };
    }

    private bool Verify(WebhookTriggerNode.SignatureSettings signature, HttpRequest request, byte[] body, WebhookTarget target)
    {
        var secret = secrets.Open(signature.Secret);
        if (secret is null)
        {
            LogSecretUnreadable(logger, target.FlowId, target.NodeId);
            return false;
        }

        return WebhookSignature.Verify(signature, secret, request.Headers[signature.Header], body, time.GetUtcNow());
    }

    private static WebhookTriggerNode.Settings? ReadSettings(JsonNode? config)
    {
        try
        {
            return (config ?? new JsonObject()).Deserialize<WebhookTriggerNode.Settings>(SettingsOptions);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The signature secret of webhook node '{NodeId}' of flow {FlowId} cannot be opened (the key ring lost its key); calls are refused until the secret is saved again.")]
    private static partial void LogSecretUnreadable(ILogger logger, Guid flowId, string nodeId);

    internal sealed record WebhookAccepted(Guid RunId);
}
