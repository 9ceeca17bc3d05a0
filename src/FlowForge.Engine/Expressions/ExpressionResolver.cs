using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Limits;

namespace FlowForge.Engine.Expressions;

/// <summary>
/// Resolves <c>{{ expression }}</c> templates inside string values of a JSON tree. A string that is exactly one
/// template becomes the JSON value the expression gives (objects stay objects, numbers stay numbers); otherwise each
/// template is replaced by its text. A path that leads nowhere gives <c>null</c> (or an empty string inside text).
/// docs/expressions.md describes the language.
/// </summary>
public static class ExpressionResolver
{
    internal const string Open = "{{";
    internal const string Close = "}}";

    /// <summary>
    /// Returns a resolved copy of <paramref name="value"/>; the original is not changed. What the templates produce
    /// is counted as it is built: past <see cref="ExpressionScope.MaxResultBytes"/> an <see cref="ExpressionException"/>
    /// names the config path and the limit.
    /// </summary>
    public static JsonNode? ResolveTemplates(JsonNode? value, ExpressionScope scope, string path) =>
        Resolve(value, scope, path, NewBudgets(scope));

    /// <summary>
    /// Resolves a node's config as <see cref="ResolveTemplates"/> does, reading its templates once for all executions: the
    /// config must not change while it is in use, as a plan's does not (a plan is shared by every run of its flow version).
    /// </summary>
    public static JsonNode? ResolveConfig(JsonNode? config, ExpressionScope scope, string path)
    {
        if (config is null)
        {
            return null;
        }

        var (result, work) = NewBudgets(scope);
        return ConfigTemplate.Of(config).Resolve(scope, new ConfigPath(path), new ExpressionBudgets(result, work));
    }

    /// <summary>
    /// Evaluates one expression, such as <c>input.total &gt; 100 &amp;&amp; input.country == 'FR'</c>, and returns its value as a
    /// detached JSON node (<c>null</c> for JSON null and missing values); test it with <see cref="ExpressionValue.IsTruthy"/>.
    /// Text holding <c>{{ }}</c> templates is resolved as a config value would be. Errors give the position in
    /// <paramref name="expression"/> and stay within the scope's step and byte budgets; they start with
    /// <c>expression in node '&lt;id&gt;' &lt;path&gt;:</c>, so pass the config path the expression came from.
    /// </summary>
    public static JsonNode? Evaluate(string expression, ExpressionScope scope, string path = "expression")
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(scope);
        var budgets = NewBudgets(scope);
        if (expression.Contains(Open, StringComparison.Ordinal))
        {
            return ResolveString(expression, scope, path, budgets);
        }

        try
        {
            var value = new ExpressionEvaluator(scope, 0, budgets.Work).Evaluate(ExpressionCache.Get(expression, 0).Root);
            budgets.Result.Take(value);
            return value?.DeepClone();
        }
        catch (ExpressionException ex)
        {
            throw new ExpressionException($"{Where(scope, path)}: {ex.Message}");
        }
    }

    /// <summary>Checks one expression (without braces) parses; returns the problem, or null when it reads.</summary>
    public static string? CheckExpression(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        try
        {
            ExpressionCache.Get(expression, 0);
            return null;
        }
        catch (ExpressionException ex)
        {
            return ex.Message;
        }
    }

    private static (ExpressionResultBudget Result, ExpressionResultBudget Work) NewBudgets(ExpressionScope scope) =>
        (new ExpressionResultBudget(scope.MaxResultBytes, scope.NodeId), new ExpressionResultBudget(scope.MaxResultBytes, scope.NodeId, "the values built while evaluating"));

    private static JsonNode? Resolve(JsonNode? value, ExpressionScope scope, string path, (ExpressionResultBudget Result, ExpressionResultBudget Work) budgets) => value switch
    {
        null => null,
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Resolve(p.Value, scope, $"{path}.{p.Key}", budgets)))),
        JsonArray array => new JsonArray([.. array.Select((v, i) => Resolve(v, scope, $"{path}[{i}]", budgets))]),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => ResolveString(v.GetValue<string>(), scope, path, budgets),
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
                        ExpressionCache.Get(expression, offset);
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
                    ids.AddRange(ExpressionCache.Get(expression, offset).NodeIds);
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

    private static JsonNode? ResolveString(string text, ExpressionScope scope, string path, (ExpressionResultBudget Result, ExpressionResultBudget Work) budgets)
    {
        if (!text.Contains(Open, StringComparison.Ordinal))
        {
            return JsonValue.Create(text);
        }

        var budget = budgets.Result;
        try
        {
            var templates = Templates(text).ToList();
            if (templates is [var only] && text.AsSpan().Trim().Length == only.Expression.Length + Open.Length + Close.Length
                && text.TrimStart().StartsWith(Open, StringComparison.Ordinal))
            {
                var whole = Evaluate(only.Expression, only.Offset, scope, budgets.Work);
                budget.Take(whole);
                return whole?.DeepClone();
            }

            var result = new StringBuilder(text.Length);
            var last = 0;
            foreach (var (expression, offset) in templates)
            {
                var start = offset - Open.Length;
                budget.Take(text.AsSpan(last, start - last));
                result.Append(text, last, start - last);
                result.Append(AsText(Evaluate(expression, offset, scope, budgets.Work), budget));
                last = offset + expression.Length + Close.Length;
            }

            budget.Take(text.AsSpan(last));
            result.Append(text, last, text.Length - last);
            return JsonValue.Create(result.ToString());
        }
        catch (ExpressionException ex)
        {
            throw new ExpressionException($"{Where(scope, path)}: {ex.Message}");
        }
    }

    internal static string Where(ExpressionScope scope, string path) =>
        scope.NodeId is null ? $"expression in {path}" : $"expression in node '{scope.NodeId}' {path}";

    /// <summary>
    /// The templates of a text: each <c>{{</c> up to the <c>}}</c> that closes it. Quoted strings and braces of object
    /// literals inside a template are skipped, so <c>{{ '}}' }}</c> and <c>{{ { a: { b: 1 }} }}</c> read whole.
    /// </summary>
    internal static IEnumerable<(string Expression, int Offset)> Templates(string text)
    {
        var at = 0;
        while (true)
        {
            var open = text.IndexOf(Open, at, StringComparison.Ordinal);
            if (open < 0)
            {
                yield break;
            }

            var start = open + Open.Length;
            var close = FindClose(text, start);
            if (close < 0)
            {
                throw new ExpressionException($"'{{{{' at position {open} has no closing '}}}}'");
            }

            yield return (text[start..close], start);
            at = close + Close.Length;
        }
    }

    private static int FindClose(string text, int from)
    {
        var depth = 0;
        for (var i = from; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '"' or '\'':
                    i = ExpressionLexer.EndOfQuoted(text, i);
                    break;
                case '{':
                    depth++;
                    break;
                case '}' when depth > 0:
                    depth--;
                    break;
                case '}' when i + 1 < text.Length && text[i + 1] == '}':
                    return i;
            }
        }

        return -1;
    }

    private static JsonNode? Evaluate(string expression, int offset, ExpressionScope scope, ExpressionResultBudget work) =>
        new ExpressionEvaluator(scope, offset, work).Evaluate(ExpressionCache.Get(expression, offset).Root);

    // Objects and arrays are written out under the budget, so a huge one is refused without being held as text.
    internal static string AsText(JsonNode? value, ExpressionResultBudget budget)
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
            case JsonValue v when v.GetValueKind() == JsonValueKind.Null:
                return "";
            default:
                var fits = JsonSize.TryWrite(value, budget.Remaining, out var json, out var bytes);
                budget.Take(bytes);
                return fits ? json! : "";
        }
    }
}
