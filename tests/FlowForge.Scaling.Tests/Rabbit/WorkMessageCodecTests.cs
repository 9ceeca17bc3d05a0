using System.Text;
using FlowForge.Engine.Queueing;
using FlowForge.Scaling.Rabbit;

namespace FlowForge.Scaling.Tests.Rabbit;

public sealed class WorkMessageCodecTests
{
    [Fact]
    public void Encode_ThenDecode_GivesTheSameMessage()
    {
        var message = new WorkMessage(WorkKind.StartFlow, Guid.NewGuid(), "fetch-ü", 42, Guid.NewGuid(), 7, "00-abc-def-01");

        var body = WorkMessageCodec.Encode(message);

        Assert.True(WorkMessageCodec.TryDecode(body, message.TraceParent, out var decoded));
        Assert.Equal(message, decoded);
        Assert.Equal(46 + Encoding.UTF8.GetByteCount("fetch-ü"), body.Length);
    }

    [Fact]
    public void TryDecode_Empty_ReturnsFalse() => Assert.False(WorkMessageCodec.TryDecode([], null, out _));

    [Fact]
    public void TryDecode_OtherFormatVersion_ReturnsFalse()
    {
        var body = WorkMessageCodec.Encode(new WorkMessage(WorkKind.ExecuteNode, Guid.NewGuid(), "a", 1, Guid.NewGuid(), 1));
        body[0] = 2;

        Assert.False(WorkMessageCodec.TryDecode(body, null, out _));
    }

    [Fact]
    public void TryDecode_UnknownKind_ReturnsFalse()
    {
        var body = WorkMessageCodec.Encode(new WorkMessage(WorkKind.ExecuteNode, Guid.NewGuid(), "a", 1, Guid.NewGuid(), 1));
        body[1] = 200;

        Assert.False(WorkMessageCodec.TryDecode(body, null, out _));
    }

    [Fact]
    public void TryDecode_NodeIdNotUtf8_ReturnsFalse()
    {
        var body = WorkMessageCodec.Encode(new WorkMessage(WorkKind.ExecuteNode, Guid.NewGuid(), "ab", 1, Guid.NewGuid(), 1));
        body[^1] = 0xFF;

        Assert.False(WorkMessageCodec.TryDecode(body, null, out _));
    }

    [Fact]
    public void ReadHeader_BytesAsAmqpReturnsThem_GivesTheString()
    {
        var headers = new Dictionary<string, object?> { ["traceparent"] = Encoding.UTF8.GetBytes("00-1-2-01") };

        Assert.Equal("00-1-2-01", WorkMessageCodec.ReadHeader(headers, "traceparent"));
        Assert.Null(WorkMessageCodec.ReadHeader(headers, "missing"));
        Assert.Null(WorkMessageCodec.ReadHeader(null, "traceparent"));
    }
}
