using System.Text.Json.Nodes;

namespace FlowForge.Engine.Expressions;

internal static partial class ExpressionHelpers
{
    private static JsonNode? Round(ExpressionCall call)
    {
        if (call.IsNull(0))
        {
            return null;
        }

        var digits = call.Count > 1 ? call.Integer(1) : 0;
        if (digits is < 0 or > 15)
        {
            throw call.Error("argument 2 (digits) should be from 0 to 15");
        }

        return ExpressionCall.Result(Math.Round(call.Number(0), digits, MidpointRounding.AwayFromZero));
    }

    private static JsonNode? Floor(ExpressionCall call) => call.IsNull(0) ? null : ExpressionCall.Result(Math.Floor(call.Number(0)));

    private static JsonNode? Ceil(ExpressionCall call) => call.IsNull(0) ? null : ExpressionCall.Result(Math.Ceiling(call.Number(0)));

    private static JsonNode? Abs(ExpressionCall call) => call.IsNull(0) ? null : ExpressionCall.Result(Math.Abs(call.Number(0)));

    private static JsonNode? Min(ExpressionCall call) => Extreme(call, (a, b) => b < a);

    private static JsonNode? Max(ExpressionCall call) => Extreme(call, (a, b) => b > a);

    // min(a, b, …) or min(list); nulls are left out, and with nothing left the result is null.
    private static JsonNode? Extreme(ExpressionCall call, Func<double, double, bool> better)
    {
        IReadOnlyList<JsonNode?> values = call.Count == 1 && call[0] is JsonArray list ? [.. list] : [.. Enumerable.Range(0, call.Count).Select(i => call[i])];
        call.Step(values.Count);
        double? best = null;
        for (var i = 0; i < values.Count; i++)
        {
            if (ExpressionValue.IsNull(values[i]))
            {
                continue;
            }

            if (!ExpressionValue.TryGetNumber(values[i], out var number))
            {
                throw call.Error($"every value should be a number but one is {ExpressionEvaluator.Describe(values[i])}");
            }

            if (best is not { } b || better(b, number))
            {
                best = number;
            }
        }

        return best is { } result ? ExpressionCall.Result(result) : null;
    }

    private static JsonNode? Sum(ExpressionCall call)
    {
        if (call.IsNull(0))
        {
            return null;
        }

        var list = call.List(0);
        call.Step(list.Count);
        var total = 0d;
        foreach (var item in list)
        {
            if (ExpressionValue.IsNull(item))
            {
                continue;
            }

            total += ExpressionValue.TryGetNumber(item, out var number)
                ? number
                : throw call.Error($"every element should be a number but one is {ExpressionEvaluator.Describe(item)}");
        }

        return double.IsFinite(total) ? ExpressionCall.Result(total) : throw call.Error("the sum is too large for a number");
    }

    // Text that does not read as a number gives null, so default(number(x), 0) covers it.
    private static JsonNode? Number(ExpressionCall call)
    {
        var value = call[0];
        if (ExpressionValue.TryGetNumber(value, out var number))
        {
            return ExpressionCall.Result(number);
        }

        if (ExpressionValue.TryGetBoolean(value, out var boolean))
        {
            return ExpressionCall.Result(boolean ? 1 : 0);
        }

        return ExpressionValue.TryGetText(value, out var text) && ExpressionValue.TryParseNumber(text, out number)
            ? ExpressionCall.Result(number)
            : null;
    }
}
