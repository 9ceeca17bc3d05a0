using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowForge.Engine.Expressions;

internal static partial class ExpressionHelpers
{
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 64 };

    private static JsonNode? First(ExpressionCall call) => call.IsNull(0) ? null : call.List(0) is { Count: > 0 } list ? list[0] : null;

    private static JsonNode? Last(ExpressionCall call) => call.IsNull(0) ? null : call.List(0) is { Count: > 0 } list ? list[^1] : null;

    // slice(x, start, end): like JavaScript, negative positions count from the end; works on lists and text.
    private static JsonNode? Slice(ExpressionCall call)
    {
        if (call.IsNull(0))
        {
            return null;
        }

        var length = call[0] is JsonArray array ? array.Count : call.Text(0).Length;
        var start = Position(call.Integer(1), length);
        var end = call.Count > 2 ? Position(call.Integer(2), length) : length;
        end = Math.Max(start, end);
        if (call[0] is JsonArray list)
        {
            call.Step(end - start);
            var result = new JsonArray();
            for (var i = start; i < end; i++)
            {
                result.Add(call.Copy(list[i]));
            }

            return result;
        }

        return call.Result(call.Text(0)[start..end]);
    }

    private static int Position(int index, int length) => index < 0 ? Math.Max(0, length + index) : Math.Min(index, length);

    private static JsonNode? Keys(ExpressionCall call)
    {
        if (call.IsNull(0))
        {
            return null;
        }

        var obj = call[0] as JsonObject ?? throw call.Error($"argument 1 should be an object but is {ExpressionEvaluator.Describe(call[0])}");
        call.Step(obj.Count);
        var keys = new JsonArray();
        foreach (var (key, _) in obj)
        {
            keys.Add(call.Result(key));
        }

        return keys;
    }

    private static JsonNode? Values(ExpressionCall call)
    {
        if (call.IsNull(0))
        {
            return null;
        }

        var obj = call[0] as JsonObject ?? throw call.Error($"argument 1 should be an object but is {ExpressionEvaluator.Describe(call[0])}");
        call.Step(obj.Count);
        var values = new JsonArray();
        foreach (var (_, value) in obj)
        {
            values.Add(call.Copy(value));
        }

        return values;
    }

    private static JsonNode? Json(ExpressionCall call)
    {
        if (call.IsNull(0))
        {
            return call.Result("null");
        }

        var copy = call.Copy(call[0]);
        return ExpressionValue.Text(copy!.ToJsonString());
    }

    private static JsonNode? ParseJson(ExpressionCall call)
    {
        if (call.IsNull(0))
        {
            return null;
        }

        var text = call.Text(0);
        call.Charge(Encoding.UTF8.GetByteCount(text));
        try
        {
            return JsonNode.Parse(text, documentOptions: ParseOptions);
        }
        catch (JsonException ex)
        {
            throw call.Error($"the text is not JSON ({ex.Message.Split('.')[0]})");
        }
    }

    private static JsonNode? Default(ExpressionCall call) => call.IsNull(0) ? call[1] : call[0];

    private static JsonNode? IsEmpty(ExpressionCall call) => ExpressionCall.Result(call[0] switch
    {
        JsonArray array => array.Count == 0,
        JsonObject obj => obj.Count == 0,
        var value when ExpressionValue.TryGetText(value, out var text) => text.Length == 0,
        var value => ExpressionValue.IsNull(value),
    });

    private static JsonNode? TypeOf(ExpressionCall call) => ExpressionValue.Text(ExpressionValue.TypeOf(call[0]));
}
