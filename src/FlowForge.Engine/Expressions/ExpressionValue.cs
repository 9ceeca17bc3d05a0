using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowForge.Engine.Expressions;

/// <summary>
/// How expressions read JSON values: truthiness, numbers, text, equality and order. Values are plain
/// <see cref="JsonNode"/>s; a C# <c>null</c> stands for JSON <c>null</c> and for a path that leads nowhere.
/// </summary>
public static class ExpressionValue
{
    // Whole numbers up to 2^53 are written without a fraction and keep their exact value.
    private const double ExactIntegers = 9_007_199_254_740_992d;

    /// <summary>
    /// False for <c>null</c> (and missing values), <c>false</c>, <c>0</c>, <c>""</c>, <c>[]</c> and <c>{}</c>; true for everything else.
    /// This is what conditions (<c>&amp;&amp;</c>, <c>||</c>, <c>!</c>, <c>?:</c> and nodes that branch) test.
    /// </summary>
    public static bool IsTruthy(JsonNode? value) => value switch
    {
        null => false,
        JsonArray array => array.Count > 0,
        JsonObject obj => obj.Count > 0,
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.False or JsonValueKind.Null or JsonValueKind.Undefined => false,
            JsonValueKind.String => v.GetValue<string>().Length > 0,
            JsonValueKind.Number => TryGetNumber(v, out var n) && n != 0,
            _ => true,
        },
        _ => true,
    };

    /// <summary>The name expressions use for the type of a value: null, boolean, number, string, array or object.</summary>
    public static string TypeOf(JsonNode? value) => value switch
    {
        null => "null",
        JsonArray => "array",
        JsonObject => "object",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => "number",
            JsonValueKind.String => "string",
            _ => "null",
        },
        _ => "null",
    };

    internal static bool IsNull(JsonNode? value) => value is null || (value is JsonValue v && v.GetValueKind() == JsonValueKind.Null);

    internal static bool TryGetNumber(JsonNode? value, out double number)
    {
        number = 0;
        if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }

        if (v.TryGetValue(out number) || (v.TryGetValue<JsonElement>(out var element) && element.TryGetDouble(out number)))
        {
            return double.IsFinite(number);
        }

        if (v.TryGetValue<long>(out var l))
        {
            number = l;
        }
        else if (v.TryGetValue<int>(out var i))
        {
            number = i;
        }
        else if (v.TryGetValue<decimal>(out var m))
        {
            number = (double)m;
        }
        else if (v.TryGetValue<float>(out var f))
        {
            number = f;
        }
        else
        {
            return double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out number) && double.IsFinite(number);
        }

        return true;
    }

    internal static bool TryGetText(JsonNode? value, out string text)
    {
        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            text = v.GetValue<string>();
            return true;
        }

        text = "";
        return false;
    }

    internal static bool TryGetBoolean(JsonNode? value, out bool boolean)
    {
        var kind = value is JsonValue v ? v.GetValueKind() : JsonValueKind.Undefined;
        boolean = kind == JsonValueKind.True;
        return kind is JsonValueKind.True or JsonValueKind.False;
    }

    internal static JsonNode Number(double number) =>
        Math.Abs(number) <= ExactIntegers && number == Math.Floor(number)
            ? JsonValue.Create((long)number)
            : JsonValue.Create(number);

    internal static JsonNode Text(string text) => JsonValue.Create(text);

    internal static JsonNode Boolean(bool value) => JsonValue.Create(value);

    /// <summary>
    /// <c>==</c>: same type and value. Numbers compare by value (<c>1 == 1.0</c>), strings by their characters,
    /// arrays element by element, objects field by field in any order; <c>null</c> equals only <c>null</c>.
    /// </summary>
    internal static bool AreEqual(JsonNode? a, JsonNode? b, Action<long> step)
    {
        step(1);
        if (IsNull(a) || IsNull(b))
        {
            return IsNull(a) && IsNull(b);
        }

        if (TryGetNumber(a, out var x) && TryGetNumber(b, out var y))
        {
            return x == y;
        }

        if (TryGetText(a, out var s) && TryGetText(b, out var t))
        {
            return string.Equals(s, t, StringComparison.Ordinal);
        }

        if (TryGetBoolean(a, out var p) && TryGetBoolean(b, out var q))
        {
            return p == q;
        }

        switch (a, b)
        {
            case (JsonArray left, JsonArray right):
                if (left.Count != right.Count)
                {
                    return false;
                }

                for (var i = 0; i < left.Count; i++)
                {
                    if (!AreEqual(left[i], right[i], step))
                    {
                        return false;
                    }
                }

                return true;
            case (JsonObject left, JsonObject right):
                if (left.Count != right.Count)
                {
                    return false;
                }

                foreach (var (key, value) in left)
                {
                    if (!right.TryGetPropertyValue(key, out var other) || !AreEqual(value, other, step))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Order for <c>&lt;</c> and friends: two numbers by value, two strings by their characters (ordinal, so ISO-8601
    /// dates in one format sort in time order), a number and a numeric string as numbers. Any other pair has no
    /// order: null.
    /// </summary>
    internal static int? Compare(JsonNode? a, JsonNode? b)
    {
        var aNumber = TryGetNumber(a, out var x);
        var bNumber = TryGetNumber(b, out var y);
        var aText = TryGetText(a, out var s);
        var bText = TryGetText(b, out var t);
        if (aText && bText)
        {
            return Math.Sign(string.CompareOrdinal(s, t));
        }

        if (aText && bNumber)
        {
            aNumber = TryParseNumber(s, out x);
        }
        else if (bText && aNumber)
        {
            bNumber = TryParseNumber(t, out y);
        }

        return aNumber && bNumber ? x.CompareTo(y) : null;
    }

    internal static bool TryParseNumber(string text, out double number) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out number) && double.IsFinite(number);
}
