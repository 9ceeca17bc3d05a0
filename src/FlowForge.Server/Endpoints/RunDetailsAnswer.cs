using System.Buffers;
using System.Reflection;
using System.Text;
using System.Text.Json;
using FlowForge.Engine.Json;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Endpoints;

/// <summary>
/// The 200 answer to a waited run start: the run's details, the bytes the JSON serializer writes for
/// <see cref="RunEndpoints.RunDetails"/> made from the run (<see cref="RunEndpoints.RunDetails.From"/>), written from the
/// run's view straight into one buffer and sent with its length: no details objects per node and attempt, no serializer's
/// state per request, no chunked body.
/// </summary>
internal sealed class RunDetailsAnswer(RunView run, long maxInlineOutputBytes, bool asWritten, string location, string preferenceApplied)
    : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    // A buffer this big or bigger is not kept for the thread's next answer: a few large answers must not pin memory.
    private const int KeptBufferBytes = 64 * 1024;

    private const int DefaultMaxDepth = 64;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    // The serializer options t_writer was made with (the application's, one instance).
    [ThreadStatic]
    private static JsonSerializerOptions? t_writerOptions;

    public int? StatusCode => StatusCodes.Status200OK;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var options = httpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var buffer = t_buffer ?? new ArrayBufferWriter<byte>(4096);
        t_buffer = null;
        var writer = t_writer is { } kept && ReferenceEquals(t_writerOptions, options) ? kept : new Utf8JsonWriter(buffer, WriterOptions(options));
        t_writer = null;
        writer.Reset(buffer);
        try
        {
            Write(writer, run, maxInlineOutputBytes, asWritten);
            writer.Flush();
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.Headers["Preference-Applied"] = preferenceApplied;
            response.Headers.Location = location;
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = buffer.WrittenCount;
            response.BodyWriter.Write(buffer.WrittenSpan);
        }
        finally
        {
            writer.Reset(Stream.Null);
            if (buffer.Capacity < KeptBufferBytes)
            {
                buffer.ResetWrittenCount();
                t_buffer = buffer;
                t_writer = writer;
                t_writerOptions = options;
            }
        }

        var flushing = httpContext.Response.BodyWriter.FlushAsync(httpContext.RequestAborted);
        return flushing.IsCompletedSuccessfully ? Task.CompletedTask : flushing.AsTask();
    }

    /// <summary>What the API reference says of the answer, as for <c>Ok&lt;RunDetails&gt;</c>.</summary>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(RunEndpoints.RunDetails), ["application/json"]));
    }

    /// <summary>The writer's settings the serializer takes from <paramref name="options"/>.</summary>
    internal static JsonWriterOptions WriterOptions(JsonSerializerOptions options) => new()
    {
        Encoder = options.Encoder,
        Indented = options.WriteIndented,
        IndentCharacter = options.IndentCharacter,
        IndentSize = options.IndentSize,
        NewLine = options.NewLine,
        // As the serializer: 0 stands for its default depth.
        MaxDepth = options.MaxDepth == 0 ? DefaultMaxDepth : options.MaxDepth,
    };

    /// <summary>
    /// Writes what the serializer writes for <c>RunDetails.From(run, maxInlineOutputBytes, asWritten)</c>: the same
    /// properties in the same order, nulls written but for the ones the record leaves out when null.
    /// </summary>
    internal static void Write(Utf8JsonWriter writer, RunView run, long maxInlineOutputBytes, bool asWritten)
    {
        writer.WriteStartObject();
        writer.WriteString(Names.Id, run.Id);
        writer.WriteString(Names.FlowId, run.FlowId);
        writer.WriteNumber(Names.FlowVersion, run.FlowVersion);
        writer.WriteString(Names.Status, StatusName.Of(run.Status));
        writer.WritePropertyName(Names.Input);
        WriteStored(writer, run.InputJson, asWritten);
        WriteStringOrNull(writer, Names.Error, run.Error);
        writer.WriteString(Names.CreatedAt, run.CreatedAt);
        WriteTimeOrNull(writer, Names.StartedAt, run.StartedAt);
        WriteTimeOrNull(writer, Names.FinishedAt, run.FinishedAt);
        writer.WriteStartArray(Names.Nodes);
        // Indexed: a foreach over the read-only lists would box an enumerator per list.
        var nodes = run.Nodes;
        for (var i = 0; i < nodes.Count; i++)
        {
            WriteNode(writer, run.Id, nodes[i], maxInlineOutputBytes, asWritten);
        }

        writer.WriteEndArray();
        writer.WriteNumber(Names.Attempt, run.Attempt);
        if (run.ParentRunId is { } parentRunId)
        {
            writer.WriteString(Names.ParentRunId, parentRunId);
        }

        if (run.ParentNodeId is { } parentNodeId)
        {
            writer.WriteString(Names.ParentNodeId, parentNodeId);
        }

        if (run.ItemIndex is { } itemIndex)
        {
            writer.WriteNumber(Names.ItemIndex, itemIndex);
        }

        writer.WriteEndObject();
    }

    private static void WriteNode(Utf8JsonWriter writer, Guid runId, NodeInstanceView node, long maxInlineOutputBytes, bool asWritten)
    {
        // As RunDetails.From decides: a blob or a large output is a link, a small one is inline.
        string? output = null;
        long? linkBytes = null;
        if (node.OutputBlob is { } blob)
        {
            linkBytes = blob.Bytes;
        }
        else if (node.OutputJson is { } json)
        {
            var bytes = json.Length * 3L <= maxInlineOutputBytes ? json.Length : Encoding.UTF8.GetByteCount(json);
            if (bytes > maxInlineOutputBytes)
            {
                linkBytes = bytes;
            }
            else
            {
                output = json;
            }
        }

        writer.WriteStartObject();
        writer.WriteString(Names.NodeId, node.NodeId);
        writer.WriteString(Names.Type, node.Type);
        writer.WriteString(Names.Status, StatusName.Of(node.Status));
        writer.WriteNumber(Names.Attempt, node.Attempt);
        WriteTimeOrNull(writer, Names.StartedAt, node.StartedAt);
        WriteTimeOrNull(writer, Names.FinishedAt, node.FinishedAt);
        writer.WritePropertyName(Names.Output);
        WriteStored(writer, output, asWritten);
        WriteStringOrNull(writer, Names.Error, node.Error);
        WriteTimeOrNull(writer, Names.WaitUntil, node.WaitUntil);
        if (linkBytes is { } linked)
        {
            writer.WriteStartObject(Names.OutputLink);
            writer.WriteNumber(Names.Bytes, linked);
            writer.WriteString(Names.Href, $"/api/runs/{runId}/nodes/{Uri.EscapeDataString(node.NodeId)}/output");
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull(Names.OutputLink);
        }

        writer.WriteBoolean(Names.WaitingForSignal, node.WaitingForSignal);
        writer.WriteStartArray(Names.Attempts);
        var attempts = node.Attempts;
        for (var i = 0; i < attempts.Count; i++)
        {
            var attempt = attempts[i];
            writer.WriteStartObject();
            writer.WriteNumber(Names.Attempt, attempt.Attempt);
            writer.WriteString(Names.Status, StatusName.Of(attempt.Status));
            WriteTimeOrNull(writer, Names.StartedAt, attempt.StartedAt);
            writer.WriteString(Names.FinishedAt, attempt.FinishedAt);
            WriteStringOrNull(writer, Names.Error, attempt.Error);
            writer.WritePropertyName(Names.Input);
            WriteStored(writer, attempt.InputJson, asWritten);
            WriteTimeOrNull(writer, Names.RetryAt, attempt.RetryAt);
            WriteStringOrNull(writer, Names.Logs, attempt.Logs);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (node.WaitReason is { } waitReason)
        {
            writer.WriteString(Names.WaitReason, waitReason);
        }

        writer.WriteEndObject();
    }

    /// <summary>A stored JSON text as <see cref="StoredJsonText"/>'s converter writes it.</summary>
    private static void WriteStored(Utf8JsonWriter writer, string? json, bool asWritten)
    {
        if (json is null)
        {
            writer.WriteNullValue();
        }
        else if (asWritten && !json.Contains('\\', StringComparison.Ordinal))
        {
            writer.WriteRawValue(json, skipInputValidation: true);
        }
        else
        {
            using var document = JsonDocument.Parse(json, JsonPolicy.DocumentOptions);
            document.RootElement.WriteTo(writer);
        }
    }

    private static void WriteStringOrNull(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteTimeOrNull(Utf8JsonWriter writer, JsonEncodedText name, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            writer.WriteString(name, time);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    /// <summary>The properties' names as the serializer's web defaults (camel case) write them.</summary>
    private static class Names
    {
        public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
        public static readonly JsonEncodedText FlowId = JsonEncodedText.Encode("flowId");
        public static readonly JsonEncodedText FlowVersion = JsonEncodedText.Encode("flowVersion");
        public static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
        public static readonly JsonEncodedText Input = JsonEncodedText.Encode("input");
        public static readonly JsonEncodedText Error = JsonEncodedText.Encode("error");
        public static readonly JsonEncodedText CreatedAt = JsonEncodedText.Encode("createdAt");
        public static readonly JsonEncodedText StartedAt = JsonEncodedText.Encode("startedAt");
        public static readonly JsonEncodedText FinishedAt = JsonEncodedText.Encode("finishedAt");
        public static readonly JsonEncodedText Nodes = JsonEncodedText.Encode("nodes");
        public static readonly JsonEncodedText Attempt = JsonEncodedText.Encode("attempt");
        public static readonly JsonEncodedText ParentRunId = JsonEncodedText.Encode("parentRunId");
        public static readonly JsonEncodedText ParentNodeId = JsonEncodedText.Encode("parentNodeId");
        public static readonly JsonEncodedText ItemIndex = JsonEncodedText.Encode("itemIndex");
        public static readonly JsonEncodedText NodeId = JsonEncodedText.Encode("nodeId");
        public static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
        public static readonly JsonEncodedText Output = JsonEncodedText.Encode("output");
        public static readonly JsonEncodedText WaitUntil = JsonEncodedText.Encode("waitUntil");
        public static readonly JsonEncodedText OutputLink = JsonEncodedText.Encode("outputLink");
        public static readonly JsonEncodedText Bytes = JsonEncodedText.Encode("bytes");
        public static readonly JsonEncodedText Href = JsonEncodedText.Encode("href");
        public static readonly JsonEncodedText WaitingForSignal = JsonEncodedText.Encode("waitingForSignal");
        public static readonly JsonEncodedText Attempts = JsonEncodedText.Encode("attempts");
        public static readonly JsonEncodedText RetryAt = JsonEncodedText.Encode("retryAt");
        public static readonly JsonEncodedText Logs = JsonEncodedText.Encode("logs");
        public static readonly JsonEncodedText WaitReason = JsonEncodedText.Encode("waitReason");
    }
}
