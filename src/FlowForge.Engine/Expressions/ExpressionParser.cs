using System.Globalization;

namespace FlowForge.Engine.Expressions;

/// <summary>
/// Reads an expression into a tree by precedence climbing. Recursion happens only for nested parts
/// (parentheses, operands, arguments) and is counted: together with the nesting check made before
/// tokenizing, no input can make it go deeper than <see cref="ExpressionLimits.MaxDepth"/>.
/// </summary>
internal sealed class ExpressionParser
{
    private readonly List<ExpressionToken> _tokens;
    private readonly int _offset;
    private readonly List<string> _nodeIds = [];
    private int _next;
    private int _depth;

    private ExpressionParser(List<ExpressionToken> tokens, int offset)
    {
        _tokens = tokens;
        _offset = offset;
    }

    /// <summary>Parses <paramref name="text"/>; errors give positions as <paramref name="offset"/> plus the index in the text.</summary>
    public static CompiledExpression Parse(string text, int offset)
    {
        var parser = new ExpressionParser(ExpressionLexer.Read(text, offset), offset);
        var root = parser.ParseExpression(0);
        var end = parser.Peek;
        if (end.Kind != ExpressionTokenKind.End)
        {
            throw parser.Error($"unexpected {end.Describe()}", end);
        }

        return new CompiledExpression(root, [.. parser._nodeIds.Distinct(StringComparer.Ordinal)]);
    }

    private ExpressionToken Peek => _tokens[_next];

    // Binding powers: higher binds tighter. Ternary (1) and '??' (2) are the loosest.
    private static int Precedence(ExpressionToken token) => token.Kind != ExpressionTokenKind.Symbol ? -1 : token.Text switch
    {
        "?" => 1,
        "??" => 2,
        "||" => 3,
        "&&" => 4,
        "==" or "!=" => 5,
        "<" or "<=" or ">" or ">=" => 6,
        "+" or "-" => 7,
        "*" or "/" or "%" => 8,
        _ => -1,
    };

    private ExpressionNode ParseExpression(int minPrecedence)
    {
        Enter();
        var left = ParseUnary();
        while (true)
        {
            var op = Peek;
            var precedence = Precedence(op);
            if (precedence < 0 || precedence < minPrecedence)
            {
                break;
            }

            _next++;
            if (op.Text == "?")
            {
                // Right-associative: a ? b : c ? d : e reads as a ? b : (c ? d : e).
                var whenTrue = ParseExpression(0);
                Expect(":");
                var whenFalse = ParseExpression(precedence);
                left = Node(ExpressionNodeKind.Conditional, op, children: [left, whenTrue, whenFalse]);
                continue;
            }

            var right = ParseExpression(precedence + 1);
            var kind = op.Text is "&&" or "||" or "??" ? ExpressionNodeKind.Logical : ExpressionNodeKind.Binary;
            left = Node(kind, op, name: op.Text, children: [left, right]);
        }

        _depth--;
        return left;
    }

    private ExpressionNode ParseUnary()
    {
        var token = Peek;
        if (token.Is("!") || token.Is("-"))
        {
            Enter();
            _next++;
            var operand = ParseUnary();
            _depth--;
            return Node(ExpressionNodeKind.Unary, token, name: token.Text, children: [operand]);
        }

        return ParsePostfix(ParsePrimary());
    }

    private ExpressionNode ParsePostfix(ExpressionNode target)
    {
        while (true)
        {
            var token = Peek;
            if (token.Kind == ExpressionTokenKind.Member)
            {
                _next++;
                target = Node(ExpressionNodeKind.Member, token, name: token.Text, children: [target]);
            }
            else if (token.Is("["))
            {
                _next++;
                var index = ParseExpression(0);
                Expect("]");
                target = Node(ExpressionNodeKind.Index, token, children: [target, index]);
            }
            else
            {
                return target;
            }
        }
    }

    private ExpressionNode ParsePrimary()
    {
        var token = Peek;
        _next++;
        switch (token.Kind)
        {
            case ExpressionTokenKind.Number:
                return Node(ExpressionNodeKind.Literal, token, literal: token.Number);
            case ExpressionTokenKind.String:
                return Node(ExpressionNodeKind.Literal, token, literal: token.Text);
            case ExpressionTokenKind.Name:
                return ParseName(token);
            case ExpressionTokenKind.Symbol when token.Text == "(":
                var inner = ParseExpression(0);
                Expect(")");
                return inner;
            case ExpressionTokenKind.Symbol when token.Text == "[":
                return ParseArray(token);
            case ExpressionTokenKind.Symbol when token.Text == "{":
                return ParseObject(token);
            case ExpressionTokenKind.End:
                throw Error("expected a name or a value", token);
            default:
                throw Error($"expected a name or a value but found {token.Describe()}", token);
        }
    }

    private ExpressionNode ParseName(ExpressionToken token)
    {
        switch (token.Text)
        {
            case "true":
                return Node(ExpressionNodeKind.Literal, token, literal: true);
            case "false":
                return Node(ExpressionNodeKind.Literal, token, literal: false);
            case "null":
                return Node(ExpressionNodeKind.Literal, token, literal: null);
            case "input":
                return Node(ExpressionNodeKind.Input, token);
            case "nodes":
                return ParseNodeReference(token);
        }

        if (!Peek.Is("("))
        {
            throw Error(ExpressionHelpers.Find(token.Text) is null
                ? $"unknown name '{token.Text}': expressions start with 'input', 'nodes', a value or a helper such as lower(…)"
                : $"'{token.Text}' is a helper: call it as {token.Text}(…)", token);
        }

        var helper = ExpressionHelpers.Find(token.Text)
            ?? throw Error($"unknown helper '{token.Text}'; see the list of helpers in docs/expressions.md", token);
        _next++;
        var arguments = new List<ExpressionNode>();
        if (!Peek.Is(")"))
        {
            while (true)
            {
                arguments.Add(ParseExpression(0));
                if (!Peek.Is(","))
                {
                    break;
                }

                _next++;
            }
        }

        Expect(")");
        if (arguments.Count < helper.MinArguments || arguments.Count > helper.MaxArguments)
        {
            var expected = helper.MinArguments == helper.MaxArguments
                ? helper.MinArguments.ToString(CultureInfo.InvariantCulture)
                : helper.MaxArguments == int.MaxValue
                    ? $"at least {helper.MinArguments.ToString(CultureInfo.InvariantCulture)}"
                    : $"{helper.MinArguments.ToString(CultureInfo.InvariantCulture)} to {helper.MaxArguments.ToString(CultureInfo.InvariantCulture)}";
            throw Error($"{helper.Name}() takes {expected} argument{(expected == "1" ? "" : "s")} but was given {arguments.Count.ToString(CultureInfo.InvariantCulture)}", token);
        }

        return Node(ExpressionNodeKind.Call, token, helper: helper, children: arguments);
    }

    // nodes.<id>.output and nodes["<id>"].output name the node directly, so the engine knows which outputs to load.
    private ExpressionNode ParseNodeReference(ExpressionToken token)
    {
        string? id = null;
        if (Peek.Kind == ExpressionTokenKind.Member)
        {
            id = Peek.Text;
            _next++;
        }
        else if (Peek.Is("[") && _next + 2 < _tokens.Count && _tokens[_next + 1].Kind == ExpressionTokenKind.String && _tokens[_next + 2].Is("]"))
        {
            id = _tokens[_next + 1].Text;
            _next += 3;
        }

        if (id is null || Peek is not { Kind: ExpressionTokenKind.Member, Text: "output" })
        {
            throw Error("node references read 'nodes.<id>.output…'", token);
        }

        _next++;
        _nodeIds.Add(id);
        return Node(ExpressionNodeKind.NodeOutput, token, name: id);
    }

    private ExpressionNode ParseArray(ExpressionToken open)
    {
        var items = new List<ExpressionNode>();
        if (!Peek.Is("]"))
        {
            while (true)
            {
                items.Add(ParseExpression(0));
                if (!Peek.Is(","))
                {
                    break;
                }

                _next++;
            }
        }

        Expect("]");
        return Node(ExpressionNodeKind.Array, open, children: items);
    }

    private ExpressionNode ParseObject(ExpressionToken open)
    {
        var keys = new List<string>();
        var values = new List<ExpressionNode>();
        if (!Peek.Is("}"))
        {
            while (true)
            {
                var key = Peek;
                if (key.Kind is not (ExpressionTokenKind.Name or ExpressionTokenKind.String))
                {
                    throw Error($"expected a field name but found {key.Describe()}", key);
                }

                if (keys.Contains(key.Text, StringComparer.Ordinal))
                {
                    throw Error($"the field '{key.Text}' is written twice", key);
                }

                _next++;
                Expect(":");
                keys.Add(key.Text);
                values.Add(ParseExpression(0));
                if (!Peek.Is(","))
                {
                    break;
                }

                _next++;
            }
        }

        Expect("}");
        return Node(ExpressionNodeKind.Object, open, keys: keys, children: values);
    }

    private void Expect(string symbol)
    {
        var token = Peek;
        if (!token.Is(symbol))
        {
            throw Error($"expected '{symbol}' but found {token.Describe()}", token);
        }

        _next++;
    }

    private void Enter()
    {
        if (++_depth > ExpressionLimits.MaxDepth)
        {
            throw Error($"the expression is nested more than {ExpressionLimits.MaxDepth} deep", Peek);
        }
    }

    private ExpressionNode Node(
        ExpressionNodeKind kind,
        ExpressionToken token,
        string? name = null,
        object? literal = null,
        ExpressionHelper? helper = null,
        IReadOnlyList<string>? keys = null,
        IReadOnlyList<ExpressionNode>? children = null)
    {
        children ??= [];
        var depth = 1 + (children.Count == 0 ? 0 : children.Max(c => c.Depth));
        if (depth > ExpressionLimits.MaxDepth)
        {
            throw Error($"the expression is nested more than {ExpressionLimits.MaxDepth} deep (operators and steps applied to one another)", token);
        }

        return new ExpressionNode
        {
            Kind = kind,
            Position = token.Position,
            Name = name,
            Literal = literal,
            Helper = helper,
            Keys = keys ?? [],
            Children = children,
            Depth = depth,
        };
    }

    private ExpressionException Error(string reason, ExpressionToken token) => ExpressionException.At(reason, _offset + token.Position);
}
