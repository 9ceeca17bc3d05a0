using System.Text.Json;
using System.Text.Json.Serialization;
using FlowForge.Engine.Json;

namespace FlowForge.Server.Endpoints;

/// <summary>
/// A JSON document kept as text (an output, an input), written into a response without being held parsed. Text this
/// process wrote itself (compact, escaped as every response is) is copied into the response as it is; text read back from
/// a store, which may have spaced it out, is read and written again, as it always was.
/// </summary>
[JsonConverter(typeof(Converter))]
internal sealed class StoredJsonText(string json, bool asWritten)
{
    public string Json { get; } = json;

    /// <summary>True when <see cref="Json"/> is the compact text this process wrote: it goes into a response unchanged.</summary>
    public bool AsWritten { get; } = asWritten;

    public static StoredJsonText? Of(string? json, bool asWritten) => json is null ? null : new StoredJsonText(json, asWritten);

    private sealed class Converter : JsonConverter<StoredJsonText>
    {
        public override StoredJsonText Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            return new StoredJsonText(document.RootElement.GetRawText(), asWritten: false);
        }

        public override void Write(Utf8JsonWriter writer, StoredJsonText value, JsonSerializerOptions options)
        {
            if (value.AsWritten)
            {
                writer.WriteRawValue(value.Json, skipInputValidation: true);
                return;
            }

            using var document = JsonDocument.Parse(value.Json, JsonPolicy.DocumentOptions);
            document.RootElement.WriteTo(writer);
        }
    }
}
