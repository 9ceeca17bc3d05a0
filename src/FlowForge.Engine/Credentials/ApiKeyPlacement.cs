using System.Text.Json;

namespace FlowForge.Engine.Credentials;

/// <summary>
/// Where an <see cref="ConnectionKind.ApiKey"/> connection sends its key, from its settings
/// <c>{ "in": "header" | "query", "name": "X-Api-Key" }</c>; both are optional.
/// </summary>
public sealed record ApiKeyPlacement(bool InQuery, string Name)
{
    public const string Header = "header";
    public const string Query = "query";
    public const string DefaultName = "X-Api-Key";

    public static readonly ApiKeyPlacement Default = new(false, DefaultName);

    /// <summary>The placement the settings name; the default for settings that name none (the API checks them when saved).</summary>
    public static ApiKeyPlacement From(string? settingsJson)
    {
        if (string.IsNullOrEmpty(settingsJson))
        {
            return Default;
        }

        using var document = JsonDocument.Parse(settingsJson);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return Default;
        }

        var inQuery = document.RootElement.TryGetProperty("in", out var place) && place.ValueKind == JsonValueKind.String
            && string.Equals(place.GetString(), Query, StringComparison.Ordinal);
        var name = document.RootElement.TryGetProperty("name", out var named) && named.ValueKind == JsonValueKind.String
            && !string.IsNullOrWhiteSpace(named.GetString()) ? named.GetString()! : DefaultName;
        return new ApiKeyPlacement(inQuery, name);
    }
}
