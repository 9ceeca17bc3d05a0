using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Limits;

namespace FlowForge.Engine.Expressions;

/// <summary>
/// Resolves <c>{{ path }}</c> templates inside string values of a JSON tree. A string that is exactly
/// one template becomes the JSON value it points at (objects stay objects); otherwise each template is
/// replaced by its text. A path that leads nowhere gives <c>null</c> (or an empty string inside text).
/// </summary>
public static class ExpressionResolver
{
    private const string Open = "{{";
    private const string Close = "}}";

    /// <summary>
    /// Returns a resolved copy of <paramref name="value"/>; the original is not changed. What the templates produce
    /// is counted as it is built: past <see cref="ExpressionScope.MaxResultBytes"/> an <see cref="ExpressionException"/>
    /// names the config path and the limit.
    /// </summary>
    public static JsonNode? ResolveTemplates(JsonNode? value, ExpressionScope scope, string path) =>
        Resolve(value, scope, path, new ResultBudget(scope.MaxResultBytes, scope.NodeId));

    private static JsonNode? Resolve(JsonNode? value, ExpressionScope scope, string path, ResultBudget budget) => value switch
    {
        null => null,
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Resolve(p.Value, scope, $"{path}.{p.Key}", budget)))),
        JsonArray array => new JsonArray([.. array.Select((v, i) => Resolve(v, scope, $"{path}[{i}]", budget))]),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => ResolveString(v.GetValue<string>(), scope, path, budget),
        _ => value.DeepClone(),
    };

    /// <summary>The node ids a template string refers to through <c>nodes.&lt;id&gt;</c>; used to load their outputs and to validate flows.</summary>
    public static IEnumerable<string> ReferencedNodes(JsonNode? value)
    {
        switch (value)
        {
            case JsonObject obj:
                foreach (var id in obj.SelectMany(p => ReferencedNodes(p.Value)))
                {
                    yield return id;
                }

                break;
            case JsonArray array:
                foreach (var id in array.SelectMany(ReferencedNodes))
                {
                    yield return id;
                }

                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                foreach (var id in NodeIdsIn(v.GetValue<string>()))
                {
                    yield return id;
                }

                break;
        }
    }

    /// <summary>Checks every template in a JSON tree parses; returns (config path, message) pairs.</summary>
    public static IEnumerable<(string Path, string Message)> Check(JsonNode? value, string path)
    {
        switch (value)
        {
            case JsonObject obj:
                foreach (var problem in obj.SelectMany(p => Check(p.Value, $"{path}.{p.Key}")))
                {
                    yield return problem;
                }

                break;
            case JsonArray array:
                foreach (var problem in array.SelectMany((v, i) => Check(v, $"{path}[{i}]")))
                {
                    yield return problem;
                }

                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var text = v.GetValue<string>();
                string? message = null;
                try
                {
                    foreach (var (expression, offset) in Templates(text))
                    {
                        var parsed = ExpressionPath.Parse(expression, offset);
                        if (parsed is { Root: "nodes" } && (parsed.Steps.Count < 2 || parsed.Steps[0] is not string || parsed.Steps[1] is not "output"))
                        {
                            message = $"node references read 'nodes.<id>.output…' at position {offset}";
                        }
                    }
                }
                catch (ExpressionException ex)
                {
                    message = ex.Message;
                }

                if (message is not null)
                {
                    yield return (path, message);
                }

                break;
        }
    }

    // Templates that cannot be read name no node; Check reports them.
    private static List<string> NodeIdsIn(string text)
    {
        var ids = new List<string>();
        if (!text.Contains(Open, StringComparison.Ordinal))
        {
            return ids;
        }

        try
        {
            foreach (var (expression, offset) in Templates(text))
            {
                try
                {
                    if (ExpressionPath.Parse(expression, offset) is { Root: "nodes", Steps: [string id, ..] })
                    {
                        ids.Add(id);
                    }
                }
                catch (ExpressionException)
                {
                    // An unreadable template names no node; the next one may.
                }
            }
        }
        catch (ExpressionException)
        {
            // An unclosed '{{' ends the templates this string holds.
        }

        return ids;
    }

    private static JsonNode? ResolveString(string text, ExpressionScope scope, string path, ResultBudget budget)
    {
        if (!text.Contains(Open, StringComparison.Ordinal))
        {
            return JsonValue.Create(text);
        }

        try
        {
            var templates = Templates(text).ToList();
            if (templates is [var only] && text.AsSpan().Trim().Length == only.Expression.Length + Open.Length + Close.Length
                && text.TrimStart().StartsWith(Open, StringComparison.Ordinal))
            {
                var whole = Evaluate(only.Expression, only.Offset, scope);
                budget.Take(JsonSize.Measure(whole, budget.Remaining));
                return whole?.DeepClone();
            }

            var result = new StringBuilder(text.Length);
            var last = 0;
            foreach (var (expression, offset) in templates)
            {
                var start = offset - Open.Length;
                budget.Take(text.AsSpan(last, start - last));
                result.Append(text, last, start - last);
                result.Append(AsText(Evaluate(expression, offset, scope), budget));
                last = offset + expression.Length + Close.Length;
            }

            budget.Take(text.AsSpan(last));
            result.Append(text, last, text.Length - last);
            return JsonValue.Create(result.ToString());
        }
        catch (ExpressionException ex)
        {
            throw new ExpressionException($"expression in {path}: {ex.Message}");
        }
    }

    private static IEnumerable<(string Expression, int Offset)> Templates(string text)
    {
        var at = 0;
        while (true)
        {
            var open = text.IndexOf(Open, at, StringComparison.Ordinal);
            if (open < 0)
            {
                yield break;
            }

            var close = text.IndexOf(Close, open + Open.Length, StringComparison.Ordinal);
            if (close < 0)
            {
                throw new ExpressionException($"'{{{{' at position {open} has no closing '}}}}'");
            }

            yield return (text[(open + Open.Length)..close], open + Open.Length);
            at = close + Close.Length;
        }
    }

    private static JsonNode? Evaluate(string expression, int offset, ExpressionScope scope)
    {
        var path = ExpressionPath.Parse(expression, offset);
        JsonNode? current;
        var steps = path.Steps;
        if (path.Root == "input")
        {
            current = scope.Input;
        }
        else
        {
            if (steps is not [string nodeId, "output", ..])
            {
                throw new ExpressionException($"node references read 'nodes.<id>.output…' at position {offset}");
            }

            if (!scope.NodeOutputs.TryGetValue(nodeId, out current))
            {
                throw new ExpressionException($"node '{nodeId}' is not upstream of this node, or has not produced an output, at position {offset}");
            }

            steps = [.. steps.Skip(2)];
        }

        foreach (var step in steps)
        {
            current = (current, step) switch
            {
                (JsonObject obj, string name) => obj[name],
                (JsonArray array, int index) => index < array.Count ? array[index] : null,
                _ => null,
            };
        }

        return current;
    }

    // Objects and arrays are written out under the budget, so a huge one is refused without being held as text.
    private static string AsText(JsonNode? value, ResultBudget budget)
    {
        string text;
        switch (value)
        {
            case null:
                return "";
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                text = v.GetValue<string>();
                budget.Take(text);
                return text;
            default:
                var fits = JsonSize.TryWrite(value, budget.Remaining, out var json, out var bytes);
                budget.Take(bytes);
                return fits ? json! : "";
        }
    }

    /// <summary>Counts the UTF-8 bytes one resolution has produced so far; refuses to go past the limit.</summary>
    private sealed class ResultBudget(long limit, string? nodeId)
    {
        private long _used;

        public long Remaining => Math.Max(0, limit - _used);

        public void Take(ReadOnlySpan<char> text) => Take(Encoding.UTF8.GetByteCount(text));

        public void Take(long bytes)
        {
            _used += bytes;
            if (_used > limit)
            {
                var who = nodeId is null ? "one node" : $"node '{nodeId}'";
                throw new ExpressionException(string.Create(CultureInfo.InvariantCulture,
                    $"the result would be over {limit:N0} bytes, the limit on what the expressions of {who} may produce (Engine:MaxExpressionResultBytes); read less data or raise the limit"));
            }
        }
    }
}
