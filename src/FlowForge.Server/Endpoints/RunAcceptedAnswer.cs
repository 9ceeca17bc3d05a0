using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Http.Metadata;

namespace FlowForge.Server.Endpoints;

/// <summary>
/// The 202 answer to a run start: <c>Location: /api/runs/{id}</c> and <c>{"runId":"{id}"}</c>, the bytes the JSON
/// serializer wrote for <see cref="RunEndpoints.RunAccepted"/>, written straight into the response's pipe: a body of one
/// field needs no serializer, writer or async path, and the id is formatted once, for the location, and copied from there.
/// </summary>
internal sealed class RunAcceptedAnswer : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    private const string Prefix = "/api/runs/";
    private const int IdLength = 36;
    private static ReadOnlySpan<byte> BodyStart => "{\"runId\":\""u8;
    private static ReadOnlySpan<byte> BodyEnd => "\"}"u8;

    public RunAcceptedAnswer(Guid runId)
    {
        RunId = runId;
        Location = string.Create(Prefix.Length + IdLength, runId, static (chars, id) =>
        {
            Prefix.CopyTo(chars);
            id.TryFormat(chars[Prefix.Length..], out _);
        });
    }

    public Guid RunId { get; }

    public string Location { get; }

    public int? StatusCode => StatusCodes.Status202Accepted;

    /// <summary>The answer's body as written.</summary>
    public static int BodyLength => BodyStart.Length + IdLength + BodyEnd.Length;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status202Accepted;
        response.Headers.Location = Location;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = BodyLength;
        var writer = response.BodyWriter;
        var body = writer.GetSpan(BodyLength);
        BodyStart.CopyTo(body);
        Encoding.ASCII.GetBytes(Location.AsSpan(Prefix.Length), body[BodyStart.Length..]);
        BodyEnd.CopyTo(body[(BodyStart.Length + IdLength)..]);
        writer.Advance(BodyLength);
        var flushing = writer.FlushAsync(httpContext.RequestAborted);
        return flushing.IsCompletedSuccessfully ? Task.CompletedTask : flushing.AsTask();
    }

    /// <summary>What the API reference says of the answer, as for <c>Accepted&lt;RunAccepted&gt;</c>.</summary>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status202Accepted, typeof(RunEndpoints.RunAccepted), ["application/json"]));
    }
}
