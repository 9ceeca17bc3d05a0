using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace FlowForge.Engine.Expressions;

/// <summary>One call of a helper: its evaluated arguments, and typed access that fails naming the helper, argument and position.</summary>
internal sealed class ExpressionCall(ExpressionEvaluator evaluator, string name, IReadOnlyList<JsonNode?> arguments, int position)
{
    public int Count => arguments.Count;

    public TimeProvider Time => evaluator.Scope.Time;

    public JsonNode? this[int index] => index < arguments.Count ? arguments[index] : null;

    public bool IsNull(int index) => ExpressionValue.IsNull(this[index]);

    /// <summary>Text, or a number or boolean written as text.</summary>
    public string Text(int index)
    {
        var value = this[index];
        if (ExpressionValue.TryGetText(value, out var text))
        {
            return text;
        }

        return value is JsonValue && !ExpressionValue.IsNull(value) ? value.ToJsonString() : throw Expected("text", index);
    }

    /// <summary>A number, or text that reads as one.</summary>
    public double Number(int index)
    {
        var value = this[index];
        if (ExpressionValue.TryGetNumber(value, out var number)
            || (ExpressionValue.TryGetText(value, out var text) && ExpressionValue.TryParseNumber(text, out number)))
        {
            return number;
        }

        throw Expected("a number", index);
    }

    public int Integer(int index)
    {
        var number = Number(index);
        return number == Math.Floor(number) && number is >= int.MinValue and <= int.MaxValue
            ? (int)number
            : throw Expected("a whole number", index);
    }

    /// <summary>An ISO-8601 date and time; without an offset it is read as UTC.</summary>
    public DateTimeOffset Date(int index)
    {
        if (ExpressionValue.TryGetText(this[index], out var text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var date))
        {
            return date;
        }

        throw Expected("an ISO-8601 date such as '2025-03-14T09:26:53Z'", index);
    }

    public JsonArray List(int index) => this[index] as JsonArray ?? throw Expected("a list", index);

    public void Step(long count) => evaluator.Step(count, position);

    /// <summary>Counts text about to be built against the byte budget.</summary>
    public void Charge(long bytes) => evaluator.Charge(bytes, position);

    public JsonNode? Copy(JsonNode? value) => evaluator.Copy(value, position);

    public string ToText(JsonNode? value) => evaluator.ToText(value, position);

    /// <summary>A string result, counted against the byte budget.</summary>
    public JsonNode Result(string text)
    {
        Charge(Encoding.UTF8.GetByteCount(text));
        return ExpressionValue.Text(text);
    }

    public static JsonNode Result(double number) => ExpressionValue.Number(number);

    public static JsonNode Result(bool boolean) => ExpressionValue.Boolean(boolean);

    public static JsonNode Result(DateTimeOffset date) => ExpressionValue.Text(date.ToString(
        date.Offset == TimeSpan.Zero ? "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'" : "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
        CultureInfo.InvariantCulture));

    public ExpressionException Error(string reason) => evaluator.Error($"{name}(): {reason}", position);

    private ExpressionException Expected(string what, int index) =>
        Error($"argument {(index + 1).ToString(CultureInfo.InvariantCulture)} should be {what} but is {ExpressionEvaluator.Describe(this[index])}");
}
