using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowForge.Nodes.Core;

/// <summary>
/// How a condition's resolved value reads as true or false: <c>false</c>, <c>null</c> (also what a missing path
/// gives), the number 0 and the empty string are false; everything else is true, including the string "false",
/// empty lists and empty objects.
/// </summary>
public static class Truthiness
{
    public static bool Of(JsonNode? value)
    {
        if (value is null)
        {
            return false;
        }

        return value.GetValueKind() switch
        {
            JsonValueKind.False or JsonValueKind.Null or JsonValueKind.Undefined => false,
            JsonValueKind.String => value.GetValue<string>().Length > 0,
            JsonValueKind.Number => double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture) != 0,
            _ => true,
        };
    }
}
