using System.Buffers.Binary;
using System.Text;
using FlowForge.Engine.Queueing;

namespace FlowForge.Scaling.Rabbit;

/// <summary>
/// The body of a work message on the wire: 46 fixed bytes and the node id, about a fifth of the JSON.
/// Layout (little-endian): format (1) · kind (1) · run id (16) · flow id (16) · version (8) · flow version (4) · node id (UTF-8, rest).
/// The trace parent travels as the <c>traceparent</c> header, where tracing tools look for it.
/// </summary>
internal static class WorkMessageCodec
{
    public const string ContentType = "application/vnd.flowforge.work+binary";

    public const string TraceParentHeader = "traceparent";

    private const byte Format = 1;
    private const int FixedLength = 46;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] Encode(WorkMessage message)
    {
        var body = new byte[FixedLength + StrictUtf8.GetByteCount(message.NodeId)];
        var span = body.AsSpan();
        span[0] = Format;
        span[1] = (byte)message.Kind;
        message.RunId.TryWriteBytes(span[2..18]);
        message.FlowId.TryWriteBytes(span[18..34]);
        BinaryPrimitives.WriteInt64LittleEndian(span[34..42], message.Version);
        BinaryPrimitives.WriteInt32LittleEndian(span[42..46], message.FlowVersion);
        StrictUtf8.GetBytes(message.NodeId, span[FixedLength..]);
        return body;
    }

    /// <summary>False for a body this format cannot read (another producer, a newer format, corruption).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> body, string? traceParent, out WorkMessage message)
    {
        message = null!;
        if (body.Length < FixedLength || body[0] != Format || !Enum.IsDefined((WorkKind)body[1]))
        {
            return false;
        }

        string nodeId;
        try
        {
            nodeId = StrictUtf8.GetString(body[FixedLength..]);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        message = new WorkMessage(
            (WorkKind)body[1],
            new Guid(body[2..18]),
            nodeId,
            BinaryPrimitives.ReadInt64LittleEndian(body[34..42]),
            new Guid(body[18..34]),
            BinaryPrimitives.ReadInt32LittleEndian(body[42..46]),
            traceParent);
        return true;
    }

    /// <summary>AMQP hands string headers back as bytes.</summary>
    public static string? ReadHeader(IDictionary<string, object?>? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var value)
            ? value switch
            {
                byte[] bytes => Encoding.UTF8.GetString(bytes),
                string text => text,
                _ => null,
            }
            : null;

    /// <summary>How often a quorum queue has handed this message out before (0 on first delivery or on classic queues).</summary>
    public static long ReadDeliveryCount(IDictionary<string, object?>? headers) =>
        headers is not null && headers.TryGetValue("x-delivery-count", out var value)
            ? value switch
            {
                long count => count,
                int count => count,
                _ => 0,
            }
            : 0;
}
