using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Json;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Server.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowForge.Server.Endpoints;

/// <summary>
/// The bytes a node kept in the blob store and referenced from its output as <c>body</c>
/// (<c>{ "blobId", "contentType", "size", "sha256" }</c>, an <c>http.request</c> binary response).
/// </summary>
internal static class RunBodyEndpoints
{
    public static IEndpointRouteBuilder MapRunBodyEndpoints(this IEndpointRouteBuilder runs)
    {
        runs.MapGet("/{runId:guid}/nodes/{nodeId}/body", GetBodyAsync)
            .WithSummary("The binary body a node's output references (an http.request binary response), with its content type, as an attachment. 404 when the node has none.");
        return runs;
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetBodyAsync(
        Guid runId, string nodeId, HttpContext context, IRunQueries queries, IBlobStore blobs, CancellationToken cancellationToken)
    {
        var run = await queries.GetRunAsync(runId, context.User.UserId(), cancellationToken);
        if (run is null)
        {
            return ApiProblems.NotFound($"Run {runId}");
        }

        var node = run.Nodes.FirstOrDefault(n => n.NodeId == nodeId);
        if (node is null || node.Status != NodeStatus.Succeeded)
        {
            return ApiProblems.NotFound($"A body of node '{nodeId}' in run {runId}");
        }

        var outputBytes = node.OutputBlob is { } outputBlob ? await blobs.ReadAsync(outputBlob, cancellationToken) : null;
        if (node.OutputBlob is not null && outputBytes is null)
        {
            return Gone(runId, nodeId);
        }

        if (BodyOf(outputBytes, node.OutputJson) is not { } body)
        {
            return ApiProblems.NotFound($"A body in the blob store for node '{nodeId}' of run {runId} (its output holds none)");
        }

        var bytes = await blobs.ReadAsync(new BlobReference(runId, body.BlobId, body.Size), cancellationToken);
        if (bytes is null)
        {
            return Gone(runId, nodeId);
        }

        context.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.File(bytes, body.ContentType, fileDownloadName: nodeId);
    }

    private static ProblemHttpResult Gone(Guid runId, string nodeId) =>
        ApiProblems.Create(StatusCodes.Status410Gone, "The body is missing.",
            $"The body of node '{nodeId}' in run {runId} was kept in the blob store and is no longer there; run the flow again to produce it.");

    /// <summary>The blob reference in the output's <c>body</c>, or null when the output has none.</summary>
    private static StoredBody? BodyOf(byte[]? utf8, string? json)
    {
        JsonNode? output;
        try
        {
            output = utf8 is not null ? JsonNode.Parse(utf8, documentOptions: JsonPolicy.DocumentOptions) : json is null ? null : JsonNode.Parse(json, documentOptions: JsonPolicy.DocumentOptions);
        }
        catch (JsonException)
        {
            return null;
        }

        if (output is not JsonObject { } o || o["body"] is not JsonObject body
            || body["blobId"] is not JsonValue id || !id.TryGetValue<string>(out var idText) || !Guid.TryParse(idText, out var blobId)
            || body["size"] is not JsonValue size || !size.TryGetValue<long>(out var bytes) || bytes < 0)
        {
            return null;
        }

        // Sent as the origin server named it when it is a valid media type; never sniffed by the browser.
        var contentType = body["contentType"] is JsonValue type && type.TryGetValue<string>(out var media)
            && MediaTypeHeaderValue.TryParse(media, out var parsed) && parsed.MediaType is { } mediaType
            ? mediaType
            : "application/octet-stream";
        return new StoredBody(blobId, contentType, bytes);
    }

    private sealed record StoredBody(Guid BlobId, string ContentType, long Size);
}
