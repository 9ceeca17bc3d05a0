using FlowForge.Engine.Expressions;

namespace FlowForge.Tests.Expressions;

public sealed class ExpressionParserTests
{
    // The tree written back with every operator parenthesised, to see how it grouped.
    private static string Shape(ExpressionNode node) => node.Kind switch
    {
        ExpressionNodeKind.Literal => node.Literal switch
        {
            null => "null",
            string s => $"'{s}'",
            bool b => b ? "true" : "false",
            var n => Convert.ToString(n, System.Globalization.CultureInfo.InvariantCulture)!,
        },
        ExpressionNodeKind.Input => "input",
        ExpressionNodeKind.NodeOutput => $"nodes[{node.Name}]",
        ExpressionNodeKind.Member => $"{Shape(node.Children[0])}.{node.Name}",
        ExpressionNodeKind.Index => $"{Shape(node.Children[0])}[{Shape(node.Children[1])}]",
        ExpressionNodeKind.Unary => $"({node.Name}{Shape(node.Children[0])})",
        ExpressionNodeKind.Binary or ExpressionNodeKind.Logical => $"({Shape(node.Children[0])} {node.Name} {Shape(node.Children[1])})",
        ExpressionNodeKind.Conditional => $"({Shape(node.Children[0])} ? {Shape(node.Children[1])} : {Shape(node.Children[2])})",
        ExpressionNodeKind.Call => $"{node.Helper!.Name}({string.Join(", ", node.Children.Select(Shape))})",
        ExpressionNodeKind.Array => $"[{string.Join(", ", node.Children.Select(Shape))}]",
        ExpressionNodeKind.Object => $"{{{string.Join(", ", node.Keys.Zip(node.Children, (k, v) => $"{k}: {Shape(v)}"))}}}",
        _ => throw new InvalidOperationException(node.Kind.ToString()),
    };

    [Theory]
    [InlineData("1 + 2 * 3", "(1 + (2 * 3))")]
    [InlineData("(1 + 2) * 3", "((1 + 2) * 3)")]
    [InlineData("10 - 4 - 3", "((10 - 4) - 3)")]
    [InlineData("-input.a * 2", "((-input.a) * 2)")]
    [InlineData("!input.a && input.b || input.c", "(((!input.a) && input.b) || input.c)")]
    [InlineData("input.a == 1 && input.b != 2", "((input.a == 1) && (input.b != 2))")]
    [InlineData("input.a < 1 == input.b >= 2", "((input.a < 1) == (input.b >= 2))")]
    [InlineData("input.a ?? input.b || input.c", "(input.a ?? (input.b || input.c))")]
    [InlineData("input.a ? 1 : input.b ? 2 : 3", "(input.a ? 1 : (input.b ? 2 : 3))")]
    [InlineData("input.a ? input.b ? 1 : 2 : 3", "(input.a ? (input.b ? 1 : 2) : 3)")]
    [InlineData("input.items[0].price * 1.2", "(input.items[0].price * 1.2)")]
    [InlineData("input['first name'].x[input.i + 1]", "input['first name'].x[(input.i + 1)]")]
    [InlineData("input.first-name", "input.first-name")]
    [InlineData("input.count - 1", "(input.count - 1)")]
    [InlineData("nodes.fetch.output.body", "nodes[fetch].body")]
    [InlineData("nodes[\"my node\"].output", "nodes[my node]")]
    [InlineData("round(input.a * 2, 1) + length(input.b)", "(round((input.a * 2), 1) + length(input.b))")]
    [InlineData("now()", "now()")]
    [InlineData("[1, 'a', [true, null]]", "[1, 'a', [true, null]]")]
    [InlineData("{ a: 1, 'b c': [input.x] }", "{a: 1, b c: [input.x]}")]
    [InlineData("{}", "{}")]
    [InlineData("1.5e3 + .5e0", null)]
    public void Parse_Operators_GroupByPrecedence(string text, string? expected)
    {
        if (expected is null)
        {
            Assert.Throws<ExpressionException>(() => ExpressionParser.Parse(text, 0));
            return;
        }

        Assert.Equal(expected, Shape(ExpressionParser.Parse(text, 0).Root));
    }

    [Fact]
    public void Parse_NodeReferences_ListsEachIdOnce()
    {
        var parsed = ExpressionParser.Parse("nodes.a.output.x + nodes['b c'].output + nodes.a.output.y", 0);

        Assert.Equal(["a", "b c"], parsed.NodeIds);
    }

    [Theory]
    [InlineData("input.", 2, "expected a name at position 8")]
    [InlineData("input.a +", 0, "expected a name or a value at position 9")]
    [InlineData("input.a )", 0, "unexpected ')' at position 8")]
    [InlineData("(input.a", 0, "expected ')' but found the end of the expression at position 8")]
    [InlineData("input.a ? 1", 0, "expected ':' but found the end of the expression at position 11")]
    [InlineData("[1, 2", 0, "expected ']' but found the end of the expression at position 5")]
    [InlineData("{ a 1 }", 0, "expected ':' but found '1' at position 4")]
    [InlineData("{ a: 1, a: 2 }", 0, "the field 'a' is written twice at position 8")]
    [InlineData("'abc", 5, "unterminated string at position 5")]
    [InlineData("input.a # 2", 0, "unexpected '#' at position 8")]
    [InlineData("12abc", 0, "unexpected 'a' after a number at position 2")]
    [InlineData("lower", 0, "'lower' is a helper: call it as lower(…) at position 0")]
    [InlineData("round()", 0, "round() takes 1 to 2 arguments but was given 0 at position 0")]
    [InlineData("now(1)", 0, "now() takes 0 arguments but was given 1 at position 0")]
    [InlineData("nodes", 0, "node references read 'nodes.<id>.output…' at position 0")]
    [InlineData("nodes[input.x].output", 0, "node references read 'nodes.<id>.output…' at position 0")]
    [InlineData("System.IO.File", 0, "unknown name 'System': expressions start with 'input', 'nodes', a value or a helper such as lower(…) at position 0")]
    [InlineData("input.a input.b", 0, "unexpected 'input' at position 8")]
    [InlineData("", 0, "expected a name or a value at position 0")]
    public void Parse_SyntaxError_NamesWhatAndWhere(string text, int offset, string message)
    {
        var error = Assert.Throws<ExpressionException>(() => ExpressionParser.Parse(text, offset));

        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData('(', ')')]
    [InlineData('[', ']')]
    [InlineData('{', '}')]
    public void Parse_TenThousandNestedBrackets_RefusedBeforeParsing(char open, char close)
    {
        var text = new string(open, 10_000) + "1" + new string(close, 10_000);

        var error = Assert.Throws<ExpressionException>(() => ExpressionParser.Parse(text, 0));

        Assert.Equal("brackets or parentheses are nested more than 32 deep at position 32", error.Message);
    }

    [Theory]
    [InlineData("!")]
    [InlineData("-")]
    public void Parse_ThousandsOfUnaryOperators_RefusedWithoutGoingDeep(string op)
    {
        var text = string.Concat(Enumerable.Repeat(op, 4_000)) + "1";

        var error = Assert.Throws<ExpressionException>(() => ExpressionParser.Parse(text, 0));

        Assert.Contains("nested more than 256 deep", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LongChainOfOperators_RefusedPastTheDepthLimit()
    {
        var within = string.Join(" + ", Enumerable.Repeat("1", 200));
        var beyond = string.Join(" + ", Enumerable.Repeat("1", 300));
        var ternaries = string.Concat(Enumerable.Repeat("1?1:", 300)) + "2";

        Assert.Equal(200, ExpressionParser.Parse(within, 0).Root.Depth);
        Assert.Contains("nested more than 256 deep", Assert.Throws<ExpressionException>(() => ExpressionParser.Parse(beyond, 0)).Message, StringComparison.Ordinal);
        Assert.Contains("nested more than 256 deep", Assert.Throws<ExpressionException>(() => ExpressionParser.Parse(ternaries, 0)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ExpressionLongerThanLimit_RefusedNamingTheLimit()
    {
        var text = "input" + string.Concat(Enumerable.Repeat(".a", 2_100));

        var error = Assert.Throws<ExpressionException>(() => ExpressionParser.Parse(text, 3));

        Assert.Equal("the expression is 4,205 characters long, over the limit of 4,096 at position 3", error.Message);
    }

    [Fact]
    public void ResolveTemplates_RandomTexts_FailOnlyWithExpressionErrors()
    {
        string[] pieces =
        [
            "input", "nodes", ".a", ".output", "[", "]", "(", ")", "{", "}", ",", ":", "?", "??", "+", "-", "*", "/", "%", "!",
            "==", "<", ">=", "&&", "||", "'x'", "\"", "1", "0", "-1", "2.5e3", "true", "null", "lower(", "round(", "slice(",
            "join(", "split(", "parseJson(", "addDays(", "now()", "min(", "default(", "{{", "}}", " ", "=", "#", "\\",
        ];
        var scope = new ExpressionScope(
            System.Text.Json.Nodes.JsonNode.Parse("""{ "a": [1, "2", { "a": null }], "x": "2025-01-01" }"""),
            new Dictionary<string, System.Text.Json.Nodes.JsonNode?> { ["a"] = System.Text.Json.Nodes.JsonNode.Parse("""{ "a": 1 }""") });
        var random = new Random(20251130);
        var read = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var text = "{{ " + string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => pieces[random.Next(pieces.Length)])) + " }}";
            try
            {
                ExpressionResolver.ResolveTemplates(System.Text.Json.Nodes.JsonValue.Create(text), scope, "config.v");
                read++;
            }
            catch (ExpressionException)
            {
                // A located error is the expected outcome for most random texts; anything else fails the test.
            }
        }

        Assert.InRange(read, 100, 19_900);
    }

    [Fact]
    public void Get_SameTextTwice_ParsesOnce()
    {
        var text = $"input.a + {Guid.NewGuid().GetHashCode() & 0xFFFF}";

        Assert.Same(ExpressionCache.Get(text, 0), ExpressionCache.Get(text, 7));
    }

    [Fact]
    public void Get_MoreDistinctTextsThanCapacity_StaysWithinCapacity()
    {
        for (var i = 0; i < ExpressionLimits.CacheCapacity * 2; i++)
        {
            ExpressionCache.Get($"input.a + {i}", 0);
        }

        // Other tests may add an entry between the last clear and this read; without a bound it would hold 8,192.
        Assert.InRange(ExpressionCache.Count, 1, ExpressionLimits.CacheCapacity + 64);
    }
}
