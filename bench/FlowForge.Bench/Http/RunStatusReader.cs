using System.Text.Json;

namespace FlowForge.Bench.Http;

/// <summary>Reads the top-level <c>status</c> of a run's JSON (the answer to a start with <c>Prefer: wait</c>) without building a document.</summary>
public static class RunStatusReader
{
    public const string Succeeded = "Succeeded";

    /// <summary>
    /// True when the run's <c>status</c> is <c>Succeeded</c>; otherwise <paramref name="status"/> is the status it has,
    /// or null when it has none. Throws <see cref="JsonException"/> when the body is not a JSON object.
    /// </summary>
    public static bool IsSucceeded(ReadOnlySpan<byte> json, out string? status)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("the answer is not a JSON object");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isStatus = reader.ValueTextEquals("status"u8);
            reader.Read();
            if (isStatus && reader.TokenType == JsonTokenType.String)
            {
                if (reader.ValueTextEquals("Succeeded"u8))
                {
                    status = Succeeded;
                    return true;
                }

                status = reader.GetString();
                return false;
            }

            reader.Skip();
        }

        status = null;
        return false;
    }
}
