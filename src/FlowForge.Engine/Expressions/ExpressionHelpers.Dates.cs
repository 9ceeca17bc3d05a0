using System.Globalization;
using System.Text.Json.Nodes;

namespace FlowForge.Engine.Expressions;

internal static partial class ExpressionHelpers
{
    private static JsonNode? Now(ExpressionCall call) => ExpressionCall.Result(call.Time.GetUtcNow());

    private static JsonNode? FormatDate(ExpressionCall call)
    {
        if (call.IsNull(0))
        {
            return null;
        }

        var date = call.Date(0);
        var format = call.Text(1);
        try
        {
            return call.Result(date.ToString(format, CultureInfo.InvariantCulture));
        }
        catch (FormatException)
        {
            throw call.Error($"'{format}' is not a date format; use letters such as yyyy-MM-dd HH:mm");
        }
    }

    private static JsonNode? AddDays(ExpressionCall call) => Shift(call, (date, n) => date.AddDays(n));

    private static JsonNode? AddHours(ExpressionCall call) => Shift(call, (date, n) => date.AddHours(n));

    private static JsonNode? AddMinutes(ExpressionCall call) => Shift(call, (date, n) => date.AddMinutes(n));

    private static JsonNode? Shift(ExpressionCall call, Func<DateTimeOffset, double, DateTimeOffset> shift)
    {
        if (call.IsNull(0))
        {
            return null;
        }

        var date = call.Date(0);
        var amount = call.Number(1);
        try
        {
            return ExpressionCall.Result(shift(date, amount));
        }
        catch (ArgumentOutOfRangeException)
        {
            throw call.Error("the date would be outside the years 1 to 9999");
        }
    }
}
