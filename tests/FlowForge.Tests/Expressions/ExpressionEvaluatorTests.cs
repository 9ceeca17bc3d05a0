using System.Text.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Expressions;
using FlowForge.Engine.Nodes;
using FlowForge.Nodes.Core;
using FlowForge.Tests.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace FlowForge.Tests.Expressions;

public sealed class ExpressionEvaluatorTests
{
    private static ExpressionScope Scope(JsonNode? input = null, string? nodeId = null) =>
        new(input ?? JsonNode.Parse("""{ "flag": true, "n": 4, "s": "abc", "list": [1, 2, 3], "obj": { "k": "v" } }"""), new Dictionary<string, JsonNode?>())
        {
            NodeId = nodeId,
        };

    [Theory]
    [InlineData("{{ 1 + 2 }}", JsonValueKind.Number, "3")]
    [InlineData("{{ input.n / 8 }}", JsonValueKind.Number, "0.5")]
    [InlineData("{{ input.flag }}", JsonValueKind.True, "true")]
    [InlineData("{{ input.n > 3 }}", JsonValueKind.True, "true")]
    [InlineData("{{ input.s + 'd' }}", JsonValueKind.String, "\"abcd\"")]
    [InlineData("{{ input.list }}", JsonValueKind.Array, "[1,2,3]")]
    [InlineData("{{ { a: input.n } }}", JsonValueKind.Object, """{"a":4}""")]
    [InlineData("{{ input.missing }}", JsonValueKind.Null, "null")]
    public void ResolveTemplates_WholeValueExpression_KeepsItsJsonType(string template, JsonValueKind kind, string json)
    {
        var resolved = ExpressionResolver.ResolveTemplates(JsonValue.Create(template), Scope(), "config.value");

        Assert.Equal(kind, resolved?.GetValueKind() ?? JsonValueKind.Null);
        Assert.Equal(json, resolved?.ToJsonString() ?? "null");
    }

    [Theory]
    [InlineData("a {{ input.s }} b", "a abc b")]
    [InlineData("a {{ input.n * 2 }} b", "a 8 b")]
    [InlineData("{{ input.flag }} and {{ !input.flag }}", "true and false")]
    [InlineData("x{{ null }}y", "xy")]
    [InlineData("{{ { a: 1 } }}!", """{"a":1}!""")]
    public void ResolveTemplates_TextAroundExpressions_Interpolates(string template, string expected)
    {
        var resolved = ExpressionResolver.ResolveTemplates(JsonValue.Create(template), Scope(), "config.value");

        Assert.Equal(expected, resolved!.GetValue<string>());
    }

    [Theory]
    [InlineData("input.n > 3 && input.flag", true)]
    [InlineData("input.s == 'abc'", true)]
    [InlineData("contains(input.list, 2)", true)]
    [InlineData("input.missing", false)]
    [InlineData("length(input.list) > 5", false)]
    [InlineData("{{ input.n > 3 }}", true)]
    public void Evaluate_Condition_GivesTruthyValue(string expression, bool expected)
    {
        Assert.Equal(expected, ExpressionValue.IsTruthy(ExpressionResolver.Evaluate(expression, Scope())));
    }

    [Theory]
    [InlineData("null", false)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    [InlineData("0.0", false)]
    [InlineData("\"\"", false)]
    [InlineData("[]", false)]
    [InlineData("{}", false)]
    [InlineData("true", true)]
    [InlineData("-1", true)]
    [InlineData("\"false\"", true)]
    [InlineData("[0]", true)]
    [InlineData("{\"a\":null}", true)]
    public void IsTruthy_JsonValue_FollowsTheDocumentedRule(string json, bool expected)
    {
        Assert.Equal(expected, ExpressionValue.IsTruthy(JsonNode.Parse(json)));
    }

    [Fact]
    public void Evaluate_ResultChanged_LeavesScopeAndLaterResultsAlone()
    {
        var scope = Scope();

        var list = ExpressionResolver.Evaluate("input.list", scope)!.AsArray();
        list.Add(99);
        var literal = ExpressionResolver.Evaluate("[1, { a: 2 }]", scope)!.AsArray();
        literal[1]!["a"] = 3;

        Assert.Equal("[1,2,3]", scope.Input!["list"]!.ToJsonString());
        Assert.Equal("""[1,{"a":2}]""", ExpressionResolver.Evaluate("[1, { a: 2 }]", scope)!.ToJsonString());
    }

    [Fact]
    public void Evaluate_ValuesPlacedInNewList_AreCopies()
    {
        var scope = Scope();

        var built = ExpressionResolver.Evaluate("[input.obj, input.obj] + [input.list]", scope)!.AsArray();
        built[0]!["k"] = "changed";

        Assert.Equal("v", built[1]!["k"]!.GetValue<string>());
        Assert.Equal("v", scope.Input!["obj"]!["k"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("false && 1 / 0", "false")]
    [InlineData("true || 1 / 0", "true")]
    [InlineData("input.n ?? 1 / 0", "4")]
    [InlineData("input.flag ? 'yes' : 1 / 0", "\"yes\"")]
    public void Evaluate_ShortCircuit_DoesNotEvaluateTheOtherSide(string expression, string expected)
    {
        Assert.Equal(expected, ExpressionResolver.Evaluate(expression, Scope())!.ToJsonString());
    }

    [Fact]
    public void Evaluate_Now_ReadsTheScopeClock()
    {
        var scope = Scope() with { Time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero)) };

        Assert.Equal("2030-01-03T03:04:05Z", ExpressionResolver.Evaluate("addDays(now(), 1)", scope)!.GetValue<string>());
    }

    [Fact]
    public async Task ExecuteAsync_SetValuesWithNowAndHelpers_UsesTheNodeContextClock()
    {
        var config = JsonNode.Parse("""{ "values": { "at": "{{ now() }}", "day": "{{ formatDate(addDays(now(), -1), 'yyyy-MM-dd') }}", "who": "{{ upper(input.name) }}" } }""");

        var result = await new SetValuesNode().ExecuteAsync(NodeContexts.For(config, runInput: new JsonObject { ["name"] = "ada" }), CancellationToken.None);

        Assert.Equal(NodeResultKind.Succeeded, result.Kind);
        Assert.Equal("""{"at":"2025-03-14T09:26:53Z","day":"2025-03-13","who":"ADA"}""", result.Output!.ToJsonString());
    }

    [Fact]
    public async Task ExecuteAsync_ExpressionFailingAtRun_FailsNodeNamingNodeFieldAndPosition()
    {
        var config = JsonNode.Parse("""{ "values": { "ratio": "{{ input.a / input.b }}" } }""");

        var result = await new SetValuesNode().ExecuteAsync(NodeContexts.For(config, runInput: new JsonObject { ["a"] = 1, ["b"] = 0 }), CancellationToken.None);

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.Equal("expression in node 'node' config.values.ratio: division by zero at position 11", result.Error);
    }

    [Fact]
    public void ResolveTemplates_SyntaxErrorAtRun_NamesNodeFieldAndPosition()
    {
        var error = Assert.Throws<ExpressionException>(() =>
            ExpressionResolver.ResolveTemplates(JsonValue.Create("https://{{ input.a) }}"), Scope(nodeId: "x"), "config.url"));

        Assert.Equal("expression in node 'x' config.url: unexpected ')' at position 18", error.Message);
    }

    [Theory]
    [InlineData("{{ input.flag + 1 }}", "'+' needs numbers but got a boolean and a number; convert text with number(…) at position 14")]
    [InlineData("{{ -input.s }}", "'-' needs a number but got text; convert text with number(…) at position 3")]
    [InlineData("{{ 1e308 * 10 }}", "the result of '*' is too large for a number at position 9")]
    [InlineData("{{ 5 % 0 }}", "division by zero at position 5")]
    [InlineData("{{ round(input.n, 20) }}", "round(): argument 2 (digits) should be from 0 to 15 at position 3")]
    [InlineData("{{ substring(input.s, 1.5) }}", "substring(): argument 2 should be a whole number but is a number at position 3")]
    [InlineData("{{ formatDate(now(), 'yyyy-MM-dd %') }}", "formatDate(): 'yyyy-MM-dd %' is not a date format; use letters such as yyyy-MM-dd HH:mm at position 3")]
    [InlineData("{{ addDays('9999-12-31T00:00:00Z', 2) }}", "addDays(): the date would be outside the years 1 to 9999 at position 3")]
    [InlineData("{{ parseJson('{oops') }}", "parseJson(): the text is not JSON ('o' is an invalid start of a property name) at position 3")]
    [InlineData("{{ replace(input.s, '', 'x') }}", "replace(): the text to find (argument 2) is empty at position 3")]
    [InlineData("{{ sum(['a']) }}", "sum(): every element should be a number but one is text at position 3")]
    [InlineData("{{ keys(input.list) }}", "keys(): argument 1 should be an object but is a list at position 3")]
    public void ResolveTemplates_EvaluationError_NamesOperatorOrHelperAndPosition(string template, string message)
    {
        var error = Assert.Throws<ExpressionException>(() => ExpressionResolver.ResolveTemplates(JsonValue.Create(template), Scope(), "config.v"));

        Assert.Equal("expression in config.v: " + message, error.Message);
    }

    [Fact]
    public void Evaluate_MoreStepsThanBudget_StopsNamingTheLimit()
    {
        var big = new JsonObject { ["items"] = new JsonArray([.. Enumerable.Range(0, 200_000).Select(i => (JsonNode)i)]) };
        var scope = new ExpressionScope(big, new Dictionary<string, JsonNode?>());

        var error = Assert.Throws<ExpressionException>(() => ExpressionResolver.Evaluate("contains(input.items, -1)", scope));

        Assert.Contains("more than 100,000 steps", error.Message, StringComparison.Ordinal);
        Assert.Contains("position 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_StepBudgetOfScope_CountsOperatorsAndValues()
    {
        var scope = Scope() with { MaxSteps = 10 };

        Assert.Equal(10, ExpressionResolver.Evaluate("1 + 2 + 3 + 4", scope)!.GetValue<long>());
        var error = Assert.Throws<ExpressionException>(() => ExpressionResolver.Evaluate("1 + 2 + 3 + 4 + 5 + 6", scope));
        Assert.Contains("more than 10 steps", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("split(input.s, '')")]
    [InlineData("split(input.s, 'a')")]
    public void Evaluate_SplitIntoMorePartsThanSteps_StopsBeforeMakingThem(string expression)
    {
        var scope = new ExpressionScope(new JsonObject { ["s"] = new string('a', 1_000_000) }, new Dictionary<string, JsonNode?>()) { MaxResultBytes = 64_000_000 };

        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<ExpressionException>(() => ExpressionResolver.Evaluate(expression, scope));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("more than 100,000 steps", error.Message, StringComparison.Ordinal);
        // A million one-character strings and their JSON nodes would take tens of megabytes.
        Assert.True(allocated < 4_000_000, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Evaluate_EqualityOfHugeLists_CountsEveryElementVisited()
    {
        var list = new JsonArray([.. Enumerable.Range(0, 150_000).Select(i => (JsonNode)i)]);
        var scope = new ExpressionScope(new JsonObject { ["a"] = list, ["b"] = list.DeepClone() }, new Dictionary<string, JsonNode?>());

        var error = Assert.Throws<ExpressionException>(() => ExpressionResolver.Evaluate("input.a == input.b", scope));

        Assert.Contains("steps", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("replace(input.t, 'a', input.t)")]
    [InlineData("input.s + input.s + input.s + input.s + input.s + input.s + input.s + input.s + input.s + input.s + input.s")]
    [InlineData("join(split(input.t, ''), input.t)")]
    [InlineData("json([input.s, input.s, input.s, input.s, input.s, input.s, input.s, input.s, input.s, input.s, input.s])")]
    [InlineData("upper(input.s + input.s + input.s + input.s + input.s + input.s + input.s + input.s + input.s + input.s + input.s)")]
    public void Evaluate_BuildingPastTheByteBudget_StopsBeforeBuildingIt(string expression)
    {
        var scope = new ExpressionScope(new JsonObject { ["s"] = new string('a', 100_000), ["t"] = new string('a', 10_000) }, new Dictionary<string, JsonNode?>())
        {
            MaxResultBytes = 1_000_000,
            NodeId = "grow",
        };

        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<ExpressionException>(() => ExpressionResolver.Evaluate(expression, scope));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("1,000,000 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("Engine:MaxExpressionResultBytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("node 'grow'", error.Message, StringComparison.Ordinal);
        // replace would build 100 MB of text; it stops near the limit instead.
        Assert.True(allocated < 32_000_000, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void ResolveTemplates_ComputedValuesPastResultLimitTogether_Throws()
    {
        var scope = new ExpressionScope(new JsonObject { ["s"] = new string('a', 3_000) }, new Dictionary<string, JsonNode?>()) { MaxResultBytes = 10_000 };
        var config = new JsonObject { ["a"] = "{{ upper(input.s) }}", ["b"] = "{{ lower(input.s) }}", ["c"] = "{{ input.s + '!' }}", ["d"] = "{{ input.s }}" };

        var error = Assert.Throws<ExpressionException>(() => ExpressionResolver.ResolveTemplates(config, scope, "config"));

        Assert.Contains("config.d", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_NestedLiteralsOverDeepData_RefusedNotCrashed()
    {
        JsonNode deep = new JsonArray();
        for (var i = 0; i < 60; i++)
        {
            deep = new JsonArray(deep);
        }

        var scope = new ExpressionScope(new JsonObject { ["deep"] = deep }, new Dictionary<string, JsonNode?>());
        var wrapped = string.Concat(Enumerable.Repeat("[", 20)) + "input.deep" + string.Concat(Enumerable.Repeat("]", 20));

        var error = Assert.Throws<ExpressionException>(() => ExpressionResolver.Evaluate(wrapped, scope));

        Assert.Contains("nested more than 64 deep", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{{ '}}' }}", "\"}}\"")]
    [InlineData("{{ { a: { b: 1 }} }}", """{"a":{"b":1}}""")]
    [InlineData("{{ \"{{\" + 'x' }}", "\"{{x\"")]
    public void ResolveTemplates_ClosingBracesInsideStringsOrObjects_DoNotEndTheTemplate(string template, string json)
    {
        Assert.Equal(json, ExpressionResolver.ResolveTemplates(JsonValue.Create(template), Scope(), "config.value")!.ToJsonString());
    }

    [Fact]
    public void ReferencedNodes_NodesReadInsideOperatorsAndHelpers_AreListed()
    {
        var config = JsonNode.Parse("""{ "a": "{{ nodes.a.output.x + length(nodes['b'].output) }}", "b": "{{ input.x ? nodes.c.output : 1 }}" }""");

        Assert.Equal(["a", "b", "c"], ExpressionResolver.ReferencedNodes(config));
    }

    [Fact]
    public void Evaluate_ErrorInCondition_NamesNodeAndGivenPath()
    {
        var error = Assert.Throws<ExpressionException>(() => ExpressionResolver.Evaluate("input.n > 1 && input.s * 2", Scope(nodeId: "check"), "config.condition"));

        Assert.Equal("expression in node 'check' config.condition: '*' needs numbers but got text and a number; convert text with number(…) at position 23", error.Message);
    }

    [Fact]
    public void CheckExpression_BareExpression_ReportsOrAccepts()
    {
        Assert.Null(ExpressionResolver.CheckExpression("input.total > 100 && contains(input.tags, 'vip')"));
        Assert.Equal("expected a name or a value at position 14", ExpressionResolver.CheckExpression("input.total > "));
    }
}
