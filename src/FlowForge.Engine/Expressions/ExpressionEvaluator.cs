using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace FlowForge.Engine.Expressions;

/// <summary>
/// Evaluates one parsed expression over a scope. The tree is at most <see cref="ExpressionLimits.MaxDepth"/> deep, so
/// the recursion is bounded; every node evaluated and every element visited takes a step from a budget of
/// <see cref="ExpressionScope.MaxSteps"/>, and every value built is counted against the byte budget before it is made.
/// </summary>
internal sealed class ExpressionEvaluator(ExpressionScope scope, int offset, ExpressionResultBudget work)
{
    private long _steps;

    public ExpressionScope Scope => scope;

    public ExpressionResultBudget Work => work;

    public JsonNode? Evaluate(ExpressionNode node)
    {
        Step(1, node.Position);
        switch (node.Kind)
        {
            case ExpressionNodeKind.Literal:
                return node.Literal switch
                {
                    double number => ExpressionValue.Number(number),
                    string text => ExpressionValue.Text(text),
                    bool boolean => ExpressionValue.Boolean(boolean),
                    _ => null,
                };
            case ExpressionNodeKind.Input:
                return scope.Input;
            case ExpressionNodeKind.NodeOutput:
                return scope.NodeOutputs.TryGetValue(node.Name!, out var output)
                    ? output
                    : throw Error($"node '{node.Name}' is not upstream of this node, or has not produced an output", node.Position);
            case ExpressionNodeKind.Member:
                return Evaluate(node.Children[0]) is JsonObject obj ? obj[node.Name!] : null;
            case ExpressionNodeKind.Index:
                return Index(Evaluate(node.Children[0]), Evaluate(node.Children[1]));
            case ExpressionNodeKind.Unary:
                return Unary(node);
            case ExpressionNodeKind.Binary:
                return Binary(node.Name!, Evaluate(node.Children[0]), Evaluate(node.Children[1]), node.Position);
            case ExpressionNodeKind.Logical:
                return Logical(node);
            case ExpressionNodeKind.Conditional:
                return Evaluate(ExpressionValue.IsTruthy(Evaluate(node.Children[0])) ? node.Children[1] : node.Children[2]);
            case ExpressionNodeKind.Call:
                var arguments = new JsonNode?[node.Children.Count];
                for (var i = 0; i < arguments.Length; i++)
                {
                    arguments[i] = Evaluate(node.Children[i]);
                }

                return node.Helper!.Invoke(new ExpressionCall(this, node.Helper.Name, arguments, node.Position));
            case ExpressionNodeKind.Array:
                var array = new JsonArray();
                foreach (var item in node.Children)
                {
                    array.Add(Copy(Evaluate(item), item.Position));
                }

                return array;
            case ExpressionNodeKind.Object:
                var result = new JsonObject();
                for (var i = 0; i < node.Children.Count; i++)
                {
                    result[node.Keys[i]] = Copy(Evaluate(node.Children[i]), node.Children[i].Position);
                }

                return result;
            default:
                throw new InvalidOperationException($"Unknown expression node {node.Kind}.");
        }
    }

    /// <summary>Takes <paramref name="count"/> steps; past the budget the expression stops with an error.</summary>
    public void Step(long count, int position)
    {
        _steps += count;
        if (_steps > scope.MaxSteps)
        {
            throw Error(string.Create(CultureInfo.InvariantCulture,
                $"the expression takes more than {scope.MaxSteps:N0} steps, the limit for one expression; work on less data"), position);
        }
    }

    /// <summary>A detached copy of a value to place inside a new array or object, counted against the budget first.</summary>
    public JsonNode? Copy(JsonNode? value, int position)
    {
        if (value is null)
        {
            return null;
        }

        Charge(value, position);
        return value.DeepClone();
    }

    public void Charge(JsonNode? value, int position)
    {
        try
        {
            work.Take(value);
        }
        catch (ExpressionException ex)
        {
            throw Error(ex.Message, position);
        }
    }

    public void Charge(long bytes, int position)
    {
        try
        {
            work.Take(bytes);
        }
        catch (ExpressionException ex)
        {
            throw Error(ex.Message, position);
        }
    }

    public ExpressionException Error(string reason, int position) => ExpressionException.At(reason, offset + position);

    private static JsonNode? Index(JsonNode? target, JsonNode? index)
    {
        switch (target)
        {
            case JsonArray array when ExpressionValue.TryGetNumber(index, out var n) && n == Math.Floor(n):
                var at = n < 0 ? array.Count + n : n;
                return at >= 0 && at < array.Count ? array[(int)at] : null;
            case JsonObject obj when ExpressionValue.TryGetText(index, out var name):
                return obj[name];
            default:
                return null;
        }
    }

    private JsonNode? Unary(ExpressionNode node)
    {
        var operand = Evaluate(node.Children[0]);
        if (node.Name == "!")
        {
            return ExpressionValue.Boolean(!ExpressionValue.IsTruthy(operand));
        }

        if (ExpressionValue.IsNull(operand))
        {
            return null;
        }

        return ExpressionValue.TryGetNumber(operand, out var number)
            ? ExpressionValue.Number(-number)
            : throw Error($"'-' needs a number but got {Describe(operand)}; convert text with number(…)", node.Position);
    }

    private JsonNode? Logical(ExpressionNode node)
    {
        var left = Evaluate(node.Children[0]);
        return node.Name switch
        {
            "&&" => ExpressionValue.Boolean(ExpressionValue.IsTruthy(left) && ExpressionValue.IsTruthy(Evaluate(node.Children[1]))),
            "||" => ExpressionValue.Boolean(ExpressionValue.IsTruthy(left) || ExpressionValue.IsTruthy(Evaluate(node.Children[1]))),
            _ => ExpressionValue.IsNull(left) ? Evaluate(node.Children[1]) : left,
        };
    }

    private JsonNode? Binary(string op, JsonNode? left, JsonNode? right, int position)
    {
        switch (op)
        {
            case "==":
                return ExpressionValue.Boolean(ExpressionValue.AreEqual(left, right, n => Step(n, position)));
            case "!=":
                return ExpressionValue.Boolean(!ExpressionValue.AreEqual(left, right, n => Step(n, position)));
            case "<" or "<=" or ">" or ">=":
                var order = ExpressionValue.Compare(left, right);
                return ExpressionValue.Boolean(order is { } o && op switch
                {
                    "<" => o < 0,
                    "<=" => o <= 0,
                    ">" => o > 0,
                    _ => o >= 0,
                });
            case "+" when ExpressionValue.TryGetText(left, out _) || ExpressionValue.TryGetText(right, out _):
                return Concatenate(left, right, position);
            case "+" when left is JsonArray a && right is JsonArray b:
                var joined = new JsonArray();
                Step(a.Count + b.Count, position);
                foreach (var item in a.Concat(b))
                {
                    joined.Add(Copy(item, position));
                }

                return joined;
            case "+" when left is JsonObject a && right is JsonObject b:
                var merged = new JsonObject();
                Step(a.Count + b.Count, position);
                foreach (var (key, value) in a.Concat(b))
                {
                    merged[key] = Copy(value, position);
                }

                return merged;
        }

        if (ExpressionValue.IsNull(left) || ExpressionValue.IsNull(right))
        {
            return null;
        }

        if (!ExpressionValue.TryGetNumber(left, out var x) || !ExpressionValue.TryGetNumber(right, out var y))
        {
            throw Error($"'{op}' needs numbers but got {Describe(left)} and {Describe(right)}; convert text with number(…)", position);
        }

        if (op is "/" or "%" && y == 0)
        {
            throw Error("division by zero", position);
        }

        var result = op switch
        {
            "+" => x + y,
            "-" => x - y,
            "*" => x * y,
            "/" => x / y,
            _ => x % y,
        };
        return double.IsFinite(result) ? ExpressionValue.Number(result) : throw Error($"the result of '{op}' is too large for a number", position);
    }

    private JsonNode Concatenate(JsonNode? left, JsonNode? right, int position)
    {
        var a = ToText(left, position);
        var b = ToText(right, position);
        Charge(Encoding.UTF8.GetByteCount(a) + (long)Encoding.UTF8.GetByteCount(b), position);
        return ExpressionValue.Text(a + b);
    }

    /// <summary>A value as text, as templates write it: strings as they are, null as nothing, anything else as compact JSON (counted first).</summary>
    public string ToText(JsonNode? value, int position)
    {
        if (ExpressionValue.IsNull(value))
        {
            return "";
        }

        if (ExpressionValue.TryGetText(value, out var text))
        {
            return text;
        }

        if (value is JsonValue)
        {
            return value.ToJsonString();
        }

        Charge(value, position);
        return value!.ToJsonString();
    }

    public static string Describe(JsonNode? value) => ExpressionValue.TypeOf(value) switch
    {
        "string" => "text",
        "array" => "a list",
        "object" => "an object",
        "null" => "null",
        var type => $"a {type}",
    };
}
