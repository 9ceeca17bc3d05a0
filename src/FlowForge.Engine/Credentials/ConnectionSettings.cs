using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowForge.Engine.Credentials;

/// <summary>Reads a connection's stored <c>settings</c> object into the flat fields a node sees (<see cref="NodeConnection.Settings"/>).</summary>
public static class ConnectionSettings
{
    public static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// The top-level strings, numbers and booleans of <paramref name="settingsJson"/> (numbers and booleans as their JSON
    /// text); nested objects, arrays and nulls are left out. Empty for null or text that is not a JSON object.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Read(string? settingsJson)
    {
        if (string.IsNullOrWhiteSpace(settingsJson))
        {
            return Empty;
        }

        JsonObject? settings;
        try
        {
            settings = JsonNode.Parse(settingsJson) as JsonObject;
        }
        catch (JsonException)
        {
            return Empty;
        }

        if (settings is null)
        {
            return Empty;
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in settings)
        {
            if (value is JsonValue scalar)
            {
                switch (scalar.GetValueKind())
                {
                    case JsonValueKind.String:
                        fields[name] = scalar.GetValue<string>();
                        break;
                    case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                        fields[name] = scalar.ToJsonString();
                        break;
                }
            }
        }

        return fields;
    }
}
