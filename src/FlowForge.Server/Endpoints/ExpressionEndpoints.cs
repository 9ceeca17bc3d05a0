using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlowForge.Engine.Expressions;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Json;
using FlowForge.Engine.Limits;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Server.Auth;
using FlowForge.Server.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Endpoints;

/// <summary>
/// Previews what a config value with <c>{{ }}</c> expressions gives, evaluated by the engine's own resolver over a
/// run's input and the outputs of the nodes it reads, as a node of that run would see them.
/// </summary>
internal static partial class ExpressionEndpoints
{
    public static IEndpointRouteBuilder MapExpressionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/expressions").WithTags("Expressions").RequireAuthorization();
        group.MapPost("/preview", PreviewAsync)
            .Accepts<PreviewExpressionBody>("application/json")
            .WithSummary("Evaluates a config value holding {{ }} expressions against a run (its input and its nodes' outputs) as node 'nodeId' would: { value }. Without runId it evaluates against an empty input. An expression that cannot be read or evaluated gets a 400 naming the position.");
        return app;
    }

    private static async Task<Results<Ok<ExpressionPreview>, ProblemHttpResult>> PreviewAsync(
        HttpContext context, IRunQueries queries, IBlobStore blobs, IOptions<EngineOptions> engine, IOptions<FlowLimits> flowLimits,
        IOptions<ApiOptions> api, TimeProvider time, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var expression = JsonBody.GetString(body!, "expression", out problem);
        if (problem is not null)
        {
            return problem;
        }

        var maxLength = flowLimits.Value.MaxNodeConfigBytes;
        if (expression!.Length > maxLength)
        {
            return ApiProblems.BadRequest(
                $"'expression' has {expression.Length} characters; a config value cannot be longer than a node's config, {maxLength} bytes ({FlowLimits.Section}:{nameof(FlowLimits.MaxNodeConfigBytes)}).",
                "expression");
        }

        string? nodeId = null;
        if (body!["nodeId"] is { } nodeValue)
        {
            if (nodeValue.GetValueKind() != JsonValueKind.String || nodeValue.GetValue<string>() is not { Length: > 0 } id || id.Length > flowLimits.Value.MaxIdLength)
            {
                return ApiProblems.BadRequest($"'nodeId' must be a node id: text of 1 to {flowLimits.Value.MaxIdLength} characters.", "nodeId");
            }

            nodeId = id;
        }

        Guid? runId = null;
        if (body["runId"] is { } runValue)
        {
            if (runValue.GetValueKind() != JsonValueKind.String || !Guid.TryParse(runValue.GetValue<string>(), out var parsed))
            {
                return ApiProblems.BadRequest("'runId' must be the id of a run (a GUID); leave it out to evaluate against an empty input.", "runId");
            }

            runId = parsed;
        }

        JsonNode? input = new JsonObject();
        var outputs = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        var notes = new List<string>();
        if (runId is { } rid)
        {
            var run = await queries.GetRunAsync(rid, context.User.UserId(), cancellationToken);
            if (run is null)
            {
                return ApiProblems.NotFound($"Run {rid}");
            }

            input = JsonPolicy.ParseStored(run.InputJson);
            foreach (var referenced in ExpressionResolver.ReferencedNodes(JsonValue.Create(expression)).Distinct(StringComparer.Ordinal))
            {
                // A node never reads its own output, nor one the run has not produced: the evaluator says so with the position.
                var node = referenced == nodeId ? null : run.Nodes.FirstOrDefault(n => n.NodeId == referenced);
                if (node is null || node.Status != NodeStatus.Succeeded)
                {
                    continue;
                }

                var (output, missing) = await ReadOutputAsync(node, blobs, cancellationToken);
                if (missing)
                {
                    return ApiProblems.Create(StatusCodes.Status410Gone, "An output is missing.",
                        $"The output of node '{referenced}' in run {rid} was kept in the blob store and is no longer there; run the flow again to preview with it.", "runId");
                }

                outputs[referenced] = output;
            }
        }
        else
        {
            notes.Add("The flow has no run yet: evaluated against an empty input. Run the flow to preview with its data.");
        }

        var scope = new ExpressionScope(input, outputs)
        {
            MaxResultBytes = engine.Value.MaxExpressionResultBytes,
            NodeId = nodeId,
            Time = time,
        };
        JsonNode? value;
        try
        {
            value = ExpressionResolver.Evaluate(expression, scope, "preview");
        }
        catch (ExpressionException ex)
        {
            return Invalid(ex.Message);
        }

        // The value goes back whole unless it is larger than a run's details would show inline.
        var limit = api.Value.MaxInlineOutputBytes;
        if (!JsonSize.TryWrite(value, limit, out _, out var bytes))
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"The value takes {bytes:N0} bytes or more, over the {limit:N0} shown in a preview ({ApiOptions.Section}:{nameof(ApiOptions.MaxInlineOutputBytes)}); it is left out."));
            return TypedResults.Ok(new ExpressionPreview(null, true, notes));
        }

        return TypedResults.Ok(new ExpressionPreview(value, false, notes));
    }

    private static async Task<(JsonNode? Output, bool Missing)> ReadOutputAsync(NodeInstanceView node, IBlobStore blobs, CancellationToken cancellationToken)
    {
        if (node.OutputBlob is { } blob)
        {
            var bytes = await blobs.ReadAsync(blob, cancellationToken);
            return bytes is null ? (null, true) : (JsonNode.Parse(bytes, documentOptions: JsonPolicy.DocumentOptions), false);
        }

        return (node.OutputJson is null ? null : JsonPolicy.ParseStored(node.OutputJson), false);
    }

    private static ProblemHttpResult Invalid(string message)
    {
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The expression cannot be evaluated.",
            Detail = message,
            Type = $"https://httpstatuses.io/{StatusCodes.Status400BadRequest}",
        };
        problem.Extensions["field"] = "expression";
        if (Position().Match(message) is { Success: true } match
            && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var position))
        {
            problem.Extensions["position"] = position;
        }

        return TypedResults.Problem(problem);
    }

    [GeneratedRegex(@"at position (\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex Position();

    internal sealed record PreviewExpressionBody(string Expression, Guid? RunId, string? NodeId);

    /// <summary>What the expression gave; <see cref="TooLarge"/> when the value was left out for its size; notes say what was missing.</summary>
    internal sealed record ExpressionPreview(JsonNode? Value, bool TooLarge, IReadOnlyList<string> Notes);
}
