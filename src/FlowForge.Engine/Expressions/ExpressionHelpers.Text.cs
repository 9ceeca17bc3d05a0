using System.Text;
using System.Text.Json.Nodes;

namespace FlowForge.Engine.Expressions;

internal static partial class ExpressionHelpers
{
    private static JsonNode? Lower(ExpressionCall call) => call.IsNull(0) ? null : call.Result(call.Text(0).ToLowerInvariant());

    private static JsonNode? Upper(ExpressionCall call) => call.IsNull(0) ? null : call.Result(call.Text(0).ToUpperInvariant());

    private static JsonNode? Trim(ExpressionCall call) => call.IsNull(0) ? null : call.Result(call.Text(0).Trim());

    private static JsonNode? Length(ExpressionCall call) => call[0] switch
    {
        JsonArray array => ExpressionCall.Result(array.Count),
        JsonObject obj => ExpressionCall.Result(obj.Count),
        _ when call.IsNull(0) => ExpressionCall.Result(0),
        _ => ExpressionCall.Result(call.Text(0).Length),
    };

    private static JsonNode? Contains(ExpressionCall call)
    {
        switch (call[0])
        {
            case JsonArray array:
                return ExpressionCall.Result(IndexIn(call, array) >= 0);
            case JsonObject obj:
                return ExpressionCall.Result(obj.ContainsKey(call.Text(1)));
            case var _ when call.IsNull(0):
                return ExpressionCall.Result(false);
            default:
                return ExpressionCall.Result(call.Text(0).Contains(call.Text(1), StringComparison.Ordinal));
        }
    }

    private static JsonNode? StartsWith(ExpressionCall call) =>
        ExpressionCall.Result(!call.IsNull(0) && call.Text(0).StartsWith(call.Text(1), StringComparison.Ordinal));

    private static JsonNode? EndsWith(ExpressionCall call) =>
        ExpressionCall.Result(!call.IsNull(0) && call.Text(0).EndsWith(call.Text(1), StringComparison.Ordinal));

    private static JsonNode? IndexOf(ExpressionCall call) => call[0] switch
    {
        JsonArray array => ExpressionCall.Result(IndexIn(call, array)),
        _ when call.IsNull(0) => ExpressionCall.Result(-1),
        _ => ExpressionCall.Result(call.Text(0).IndexOf(call.Text(1), StringComparison.Ordinal)),
    };

    private static int IndexIn(ExpressionCall call, JsonArray array)
    {
        for (var i = 0; i < array.Count; i++)
        {
            if (ExpressionValue.AreEqual(array[i], call[1], call.Step))
            {
                return i;
            }
        }

        return -1;
    }

    private static JsonNode? Replace(ExpressionCall call)
    {
        if (call.IsNull(0))
        {
            return null;
        }

        var text = call.Text(0);
        var find = call.Text(1);
        var with = call.Text(2);
        if (find.Length == 0)
        {
            throw call.Error("the text to find (argument 2) is empty");
        }

        // Counted before it is built: a short text with many matches can grow a lot.
        long matches = 0;
        for (var at = text.IndexOf(find, StringComparison.Ordinal); at >= 0; at = text.IndexOf(find, at + find.Length, StringComparison.Ordinal))
        {
            matches++;
        }

        call.Step(matches);
        call.Charge(Encoding.UTF8.GetByteCount(text) + (matches * Encoding.UTF8.GetByteCount(with)));
        return ExpressionValue.Text(text.Replace(find, with, StringComparison.Ordinal));
    }

    private static JsonNode? Split(ExpressionCall call)
    {
        if (call.IsNull(0))
        {
            return null;
        }

        var text = call.Text(0);
        var separator = call.Text(1);

        // Counted before the parts are made: splitting a long text into characters makes many small strings.
        long count = separator.Length == 0 ? text.Length : 1;
        for (var at = separator.Length == 0 ? -1 : text.IndexOf(separator, StringComparison.Ordinal); at >= 0; at = text.IndexOf(separator, at + separator.Length, StringComparison.Ordinal))
        {
            count++;
        }

        call.Step(count);
        call.Charge(Encoding.UTF8.GetByteCount(text) + (count * 3L));
        var parts = separator.Length == 0
            ? text.Select(c => c.ToString()).ToArray()
            : text.Split(separator);
        return new JsonArray([.. parts.Select(p => (JsonNode)ExpressionValue.Text(p))]);
    }

    private static JsonNode? Join(ExpressionCall call)
    {
        if (call.IsNull(0))
        {
            return null;
        }

        var list = call.List(0);
        var separator = call.Count > 1 ? call.Text(1) : ",";
        call.Step(list.Count);
        var result = new StringBuilder();
        foreach (var item in list)
        {
            var text = call.ToText(item);
            var piece = result.Length > 0 ? separator + text : text;
            call.Charge(Encoding.UTF8.GetByteCount(piece));
            result.Append(piece);
        }

        return ExpressionValue.Text(result.ToString());
    }

    private static JsonNode? Substring(ExpressionCall call)
    {
        if (call.IsNull(0))
        {
            return null;
        }

        var text = call.Text(0);
        var start = Math.Clamp(call.Integer(1), 0, text.Length);
        var length = call.Count > 2 ? Math.Clamp(call.Integer(2), 0, text.Length - start) : text.Length - start;
        return call.Result(text.Substring(start, length));
    }

    private static JsonNode? String(ExpressionCall call) => call.Result(call.ToText(call[0]));
}
