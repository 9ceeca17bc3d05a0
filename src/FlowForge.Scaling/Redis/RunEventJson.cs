using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using FlowForge.Engine.Runs;

namespace FlowForge.Scaling.Redis;

/// <summary>
/// Run events on the wire: <c>{"origin":"…","event":{"type":"run"|"node",…}}</c>. The discriminator is declared
/// here rather than on <see cref="RunEvent"/>, which knows nothing of serialization.
/// </summary>
internal static class RunEventJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { DeclareEventTypes } },
        Converters = { new JsonStringEnumConverter() },
    };

    public static byte[] Serialize(Guid origin, RunEvent runEvent) =>
        JsonSerializer.SerializeToUtf8Bytes(new RunEventEnvelope(origin, runEvent), Options);

    public static bool TryDeserialize(ReadOnlySpan<byte> json, out Guid origin, out RunEvent runEvent)
    {
        origin = Guid.Empty;
        runEvent = null!;
        try
        {
            if (JsonSerializer.Deserialize<RunEventEnvelope>(json, Options) is not { Event: not null } envelope)
            {
                return false;
            }

            origin = envelope.Origin;
            runEvent = envelope.Event;
            return true;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            return false;
        }
    }

    private static void DeclareEventTypes(JsonTypeInfo info)
    {
        if (info.Type != typeof(RunEvent))
        {
            return;
        }

        info.PolymorphismOptions = new JsonPolymorphismOptions
        {
            TypeDiscriminatorPropertyName = "type",
            UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization,
            DerivedTypes =
            {
                new JsonDerivedType(typeof(RunStatusChanged), "run"),
                new JsonDerivedType(typeof(NodeStatusChanged), "node"),
            },
        };
    }

    internal sealed record RunEventEnvelope(Guid Origin, RunEvent Event);
}
