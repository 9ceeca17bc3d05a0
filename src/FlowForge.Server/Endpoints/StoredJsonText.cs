using System.Text.Json;
using System.Text.Json.Serialization;
using FlowForge.Engine.Json;

namespace FlowForge.Server.Endpoints;

/// <summary>
/// A JSON document kept as text (an output, an input), written into a response without being held parsed. Compact text
/// this process wrote itself, holding no escape, is copied into the response as it is; other text (read back from a store,
/// which may have spaced it out, or escaped otherwise than responses are) is read and written again, as it always was.
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
            // Text with no escape in it reads back as it is written under any encoder the responses use (the one that wrote
            // it escapes the most, so none found anything to escape); text with one is written again under the response's.
            if (value.AsWritten && !value.Json.Contains('\\', StringComparison.Ordinal))
            {
                writer.WriteRawValue(value.Json, skipInputValidation: true);
                return;
            }

            using var document = JsonDocument.Parse(value.Json, JsonPolicy.DocumentOptions);
            document.RootElement.WriteTo(writer);
        }
    }
}
