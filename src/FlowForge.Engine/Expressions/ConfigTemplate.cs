using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowForge.Engine.Expressions;

/// <summary>
/// A node's config read once for its templates: which strings hold <c>{{ }}</c>, their parsed expressions and the text
/// between them. A plan keeps its configs for as long as the flow version is cached and never changes them, so each is
/// read here once per plan, not on every execution. Resolving gives what <see cref="ExpressionResolver.ResolveTemplates"/>
/// gives for the same config, with the same errors, and builds a config path only for an error.
/// </summary>
internal abstract class ConfigTemplate
{
    private static readonly ConditionalWeakTable<JsonNode, ConfigTemplate> Compiled = [];

    /// <summary>The template of a config that is never changed while it is in use (a plan's).</summary>
    public static ConfigTemplate Of(JsonNode config) => Compiled.GetValue(config, Compile);

    public abstract JsonNode? Resolve(ExpressionScope scope, ConfigPath path, ExpressionBudgets budgets);

    public static ConfigTemplate Compile(JsonNode? value)
    {
        switch (value)
        {
            case null:
                return Constant.Null;
            case JsonObject obj:
                var keys = new string[obj.Count];
                var children = new ConfigTemplate[obj.Count];
                var i = 0;
                foreach (var (key, child) in obj)
                {
                    keys[i] = key;
                    children[i++] = Compile(child);
                }

                return new ObjectTemplate(keys, children);
            case JsonArray array:
                var items = new ConfigTemplate[array.Count];
                for (var j = 0; j < items.Length; j++)
                {
                    items[j] = Compile(array[j]);
                }

                return new ArrayTemplate(items);
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return CompileText(v.GetValue<string>());
            default:
                return new Constant(value.DeepClone());
        }
    }

    private static ConfigTemplate CompileText(string text)
    {
        if (!text.Contains(ExpressionResolver.Open, StringComparison.Ordinal))
        {
            return new PlainText(text);
        }

        List<(string Expression, int Offset)> templates;
        try
        {
            templates = [.. ExpressionResolver.Templates(text)];
        }
        catch (ExpressionException ex)
        {
            return new Refused(ex.Message);
        }

        var parsed = new (CompiledExpression? Expression, string? Error, int Offset, int Length)[templates.Count];
        for (var i = 0; i < parsed.Length; i++)
        {
            var (expression, offset) = templates[i];
            try
            {
                parsed[i] = (ExpressionCache.Get(expression, offset), null, offset, expression.Length);
            }
            catch (ExpressionException ex)
            {
                parsed[i] = (null, ex.Message, offset, expression.Length);
            }
        }

        var whole = parsed.Length == 1 && text.AsSpan().Trim().Length == parsed[0].Length + ExpressionResolver.Open.Length + ExpressionResolver.Close.Length
            && text.TrimStart().StartsWith(ExpressionResolver.Open, StringComparison.Ordinal);
        return new TemplateText(text, parsed, whole);
    }

    /// <summary>A value without templates: a copy of it each time.</summary>
    private sealed class Constant(JsonNode? value) : ConfigTemplate
    {
        public static readonly Constant Null = new(null);

        public override JsonNode? Resolve(ExpressionScope scope, ConfigPath path, ExpressionBudgets budgets) => value?.DeepClone();
    }

    private sealed class PlainText(string text) : ConfigTemplate
    {
        public override JsonNode? Resolve(ExpressionScope scope, ConfigPath path, ExpressionBudgets budgets) => JsonValue.Create(text);
    }

    /// <summary>Text whose templates do not close: the error comes when it is resolved, as it always did.</summary>
    private sealed class Refused(string message) : ConfigTemplate
    {
        public override JsonNode? Resolve(ExpressionScope scope, ConfigPath path, ExpressionBudgets budgets) =>
            throw new ExpressionException($"{ExpressionResolver.Where(scope, path.ToString())}: {message}");
    }

    private sealed class ObjectTemplate(string[] keys, ConfigTemplate[] children) : ConfigTemplate
    {
        public override JsonNode? Resolve(ExpressionScope scope, ConfigPath path, ExpressionBudgets budgets)
        {
            var result = new JsonObject();
            for (var i = 0; i < keys.Length; i++)
            {
                path.Push(keys[i]);
                result.Add(keys[i], children[i].Resolve(scope, path, budgets));
                path.Pop();
            }

            return result;
        }
    }

    private sealed class ArrayTemplate(ConfigTemplate[] items) : ConfigTemplate
    {
        public override JsonNode? Resolve(ExpressionScope scope, ConfigPath path, ExpressionBudgets budgets)
        {
            var result = new JsonArray();
            for (var i = 0; i < items.Length; i++)
            {
                path.Push(i);
                result.Add(items[i].Resolve(scope, path, budgets));
                path.Pop();
            }

            return result;
        }
    }

    private sealed class TemplateText(string text, (CompiledExpression? Expression, string? Error, int Offset, int Length)[] templates, bool whole)
        : ConfigTemplate
    {
        public override JsonNode? Resolve(ExpressionScope scope, ConfigPath path, ExpressionBudgets budgets)
        {
            var budget = budgets.Result;
            try
            {
                if (whole)
                {
                    var value = Evaluate(templates[0], scope, budgets.Work);
                    budget.Take(value);
                    return value?.DeepClone();
                }

                var result = new StringBuilder(text.Length);
                var last = 0;
                foreach (var template in templates)
                {
                    var start = template.Offset - ExpressionResolver.Open.Length;
                    budget.Take(text.AsSpan(last, start - last));
                    result.Append(text, last, start - last);
                    result.Append(ExpressionResolver.AsText(Evaluate(template, scope, budgets.Work), budget));
                    last = template.Offset + template.Length + ExpressionResolver.Close.Length;
                }

                budget.Take(text.AsSpan(last));
                result.Append(text, last, text.Length - last);
                return JsonValue.Create(result.ToString());
            }
            catch (ExpressionException ex)
            {
                throw new ExpressionException($"{ExpressionResolver.Where(scope, path.ToString())}: {ex.Message}");
            }
        }

        private static JsonNode? Evaluate((CompiledExpression? Expression, string? Error, int Offset, int Length) template, ExpressionScope scope, ExpressionResultBudget work) =>
            template.Expression is { } expression
                ? new ExpressionEvaluator(scope, template.Offset, work).Evaluate(expression.Root)
                : throw new ExpressionException(template.Error!);
    }
}

/// <summary>Where in a config a resolution is, kept as keys and indexes and written out only for an error.</summary>
internal sealed class ConfigPath(string root)
{
    private readonly List<object> _steps = [];

    public void Push(string key) => _steps.Add(key);

    public void Push(int index) => _steps.Add(index);

    public void Pop() => _steps.RemoveAt(_steps.Count - 1);

    public override string ToString()
    {
        var path = new StringBuilder(root);
        foreach (var step in _steps)
        {
            if (step is int index)
            {
                path.Append(CultureInfo.InvariantCulture, $"[{index}]");
            }
            else
            {
                path.Append('.').Append((string)step);
            }
        }

        return path.ToString();
    }
}

/// <summary>The two byte budgets of one resolution: what it produces, and what it builds along the way.</summary>
internal readonly record struct ExpressionBudgets(ExpressionResultBudget Result, ExpressionResultBudget Work);
