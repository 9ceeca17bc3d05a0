using System.Text.Json;

namespace FlowForge.Storage.Sql.Mapping;

/// <summary>The ports a finished node fired, stored as a JSON array of their names.</summary>
internal static class PortList
{
    private const string MainOnly = """["main"]""";

    public static string Encode(IReadOnlyList<string> ports) => ports switch
    {
        [] => "[]",
        ["main"] => MainOnly,
        _ => JsonSerializer.Serialize(ports, PortListJson.Default.IReadOnlyListString),
    };

    public static IReadOnlyList<string> Decode(string json) => json switch
    {
        "[]" => [],
        MainOnly => ["main"],
        _ => JsonSerializer.Deserialize(json, PortListJson.Default.IReadOnlyListString)
            ?? throw new InvalidDataException($"The stored port list '{json}' is not a JSON array."),
    };
}
