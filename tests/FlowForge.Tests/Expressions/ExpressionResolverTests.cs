using System.Text.Json.Nodes;
using FlowForge.Engine.Expressions;

namespace FlowForge.Tests.Expressions;

public sealed class ExpressionResolverTests
{
    private static readonly ExpressionScope Scope = new(
        JsonNode.Parse("""{ "name": "Ada", "age": 36, "vip": true, "tags": ["x", "y"], "address": { "city": "Paris" }, "none": null }"""),
        new Dictionary<string, JsonNode?>
        {
            ["fetch"] = JsonNode.Parse("""{ "status": 200, "body": { "items": [{ "id": 1 }, { "id": 2 }] } }"""),
            ["my node"] = JsonValue.Create("spaced"),
        });

    [Theory]
    [InlineData("{{ input.age }}", "36")]
    [InlineData("{{ input.vip }}", "true")]
    [InlineData("{{ input.tags }}", """["x","y"]""")]
    [InlineData("{{ input.address }}", """{"city":"Paris"}""")]
    [InlineData("{{input.name}}", "\"Ada\"")]
    [InlineData("  {{ input.age }}  ", "36")]
    [InlineData("{{ nodes.fetch.output.body.items[1].id }}", "2")]
    [InlineData("{{ nodes[\"my node\"].output }}", "\"spaced\"")]
    [InlineData("{{ nodes.fetch.output.body['items'][0] }}", """{"id":1}""")]
    public void ResolveTemplates_WholeValueTemplate_KeepsTheJsonType(string template, string expected)
    {
        var resolved = ExpressionResolver.ResolveTemplates(JsonValue.Create(template), Scope, "config.value");

        Assert.Equal(expected, resolved!.ToJsonString());
    }

    [Theory]
    [InlineData("Hi {{ input.name }}!", "Hi Ada!")]
    [InlineData("{{ input.name }} is {{ input.age }}", "Ada is 36")]
    [InlineData("vip={{ input.vip }}", "vip=true")]
    [InlineData("tags: {{ input.tags }}", """tags: ["x","y"]""")]
    [InlineData("status {{ nodes.fetch.output.status }}", "status 200")]
    [InlineData("no templates here", "no templates here")]
    public void ResolveTemplates_TextAroundTemplates_Interpolates(string template, string expected)
    {
        var resolved = ExpressionResolver.ResolveTemplates(JsonValue.Create(template), Scope, "config.value");

        Assert.Equal(expected, resolved!.GetValue<string>());
    }

    [Theory]
    [InlineData("{{ input.missing }}")]
    [InlineData("{{ input.address.street.number }}")]
    [InlineData("{{ input.tags[5] }}")]
    [InlineData("{{ input.none }}")]
    [InlineData("{{ input.name.first }}")]
    [InlineData("{{ nodes.fetch.output.body.items.id }}")]
    public void ResolveTemplates_PathLeadingNowhere_GivesNull(string template)
    {
        Assert.Null(ExpressionResolver.ResolveTemplates(JsonValue.Create(template), Scope, "config.value"));
    }

    [Fact]
    public void ResolveTemplates_PathLeadingNowhereInsideText_GivesEmptyText()
    {
        var resolved = ExpressionResolver.ResolveTemplates(JsonValue.Create("[{{ input.missing }}]"), Scope, "config.value");

        Assert.Equal("[]", resolved!.GetValue<string>());
    }

    [Fact]
    public void ResolveTemplates_NestedConfig_ResolvesEveryStringAndCopiesTheRest()
    {
        var config = JsonNode.Parse("""{ "a": "{{ input.age }}", "list": [1, "{{ input.name }}", { "deep": "x {{ input.vip }}" }], "n": 3, "b": false }""");

        var resolved = ExpressionResolver.ResolveTemplates(config, Scope, "config");

        Assert.Equal("""{"a":36,"list":[1,"Ada",{"deep":"x true"}],"n":3,"b":false}""", resolved!.ToJsonString());
        Assert.Equal("{{ input.age }}", config!["a"]!.GetValue<string>());
    }

    [Fact]
    public void ResolveTemplates_ObjectReadTwice_GivesIndependentCopies()
    {
        var config = JsonNode.Parse("""{ "one": "{{ input.address }}", "two": "{{ input.address }}" }""");

        var resolved = ExpressionResolver.ResolveTemplates(config, Scope, "config")!;
        resolved["one"]!["city"] = "Lyon";

        Assert.Equal("Paris", resolved["two"]!["city"]!.GetValue<string>());
        Assert.Equal("Paris", Scope.Input!["address"]!["city"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{{ input. }}", "position 9")]
    [InlineData("x {{ input.tags[a] }}", "position 16")]
    [InlineData("{{ env.HOME }}", "unknown name 'env'")]
    [InlineData("{{ input.name", "no closing")]
    [InlineData("{{ }}", "expected a name")]
    [InlineData("{{ nodes.fetch.body }}", "nodes.<id>.output")]
    public void ResolveTemplates_BadExpression_ThrowsNamingPathAndPosition(string template, string expected)
    {
        var error = Assert.Throws<ExpressionException>(() => ExpressionResolver.ResolveTemplates(JsonValue.Create(template), Scope, "config.url"));

        Assert.Contains("config.url", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveTemplates_NodeWithoutOutputInScope_ThrowsNamingTheNodeAndPath()
    {
        var error = Assert.Throws<ExpressionException>(() =>
            ExpressionResolver.ResolveTemplates(JsonValue.Create("{{ nodes.later.output.total }}"), Scope, "config.values.total"));

        Assert.Equal(
            "expression in config.values.total: node 'later' is not upstream of this node, or has not produced an output at position 3",
            error.Message);
    }

    // The messages below are quoted in docs/expressions.md.
    [Theory]
    [InlineData("Hi {{ input.name. }}", "expected a name but found ' ' at position 17")]
    [InlineData("{{ input.items[a] }}", "unknown name 'a': expressions start with 'input', 'nodes', a value or a helper such as lower(…) at position 15")]
    [InlineData("{{ env.HOME }}", "unknown name 'env': expressions start with 'input', 'nodes', a value or a helper such as lower(…) at position 3")]
    [InlineData("{{ input.name", "'{{' at position 0 has no closing '}}'")]
    [InlineData("{{ nodes.fetch.body }}", "node references read 'nodes.<id>.output…' at position 3")]
    [InlineData("{{ input.a + }}", "expected a name or a value at position 13")]
    [InlineData("{{ (input.a + 1)) }}", "unexpected ')' at position 16")]
    [InlineData("{{ lower(input.a, 2) }}", "lower() takes 1 argument but was given 2 at position 3")]
    [InlineData("{{ shout(input.a) }}", "unknown helper 'shout'; see the list of helpers in docs/expressions.md at position 3")]
    [InlineData("{{ input.a = 1 }}", "unexpected '=': compare with '==' at position 11")]
    public void Check_DocumentedExamples_GiveTheDocumentedMessages(string text, string message)
    {
        var problem = Assert.Single(ExpressionResolver.Check(JsonValue.Create(text), "config.value"));

        Assert.Equal(("config.value", message), problem);
    }

    [Fact]
    public void ReferencedNodes_ConfigWithNodeReads_ListsTheirIds()
    {
        var config = JsonNode.Parse("""{ "a": "{{ nodes.fetch.output }} and {{ input.x }}", "b": ["{{ nodes['my node'].output.x }}"], "c": "{{ broken" }""");

        Assert.Equal(["fetch", "my node"], ExpressionResolver.ReferencedNodes(config));
    }

    [Fact]
    public void Check_BadTemplates_ReportsEachWithItsPath()
    {
        var config = JsonNode.Parse("""{ "ok": "{{ input.a }}", "bad": "{{ input..a }}", "list": ["{{ nodes.x }}"] }""");

        var problems = ExpressionResolver.Check(config, "nodes[1].data.config").ToList();

        Assert.Equal(["nodes[1].data.config.bad", "nodes[1].data.config.list[0]"], problems.Select(p => p.Path));
        Assert.Contains("position", problems[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveTemplates_TextTemplateGrowingPastLimit_ThrowsNamingNodePathAndLimitWithoutBuildingIt()
    {
        var scope = new ExpressionScope(new JsonObject { ["s"] = new string('x', 100_000) }, new Dictionary<string, JsonNode?>())
        {
            MaxResultBytes = 1_000_000,
            NodeId = "render",
        };
        var template = JsonValue.Create(string.Concat(Enumerable.Repeat("{{ input.s }}", 3_000)));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<ExpressionException>(() => ExpressionResolver.ResolveTemplates(template, scope, "config.values.s"));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("config.values.s", error.Message, StringComparison.Ordinal);
        Assert.Contains("node 'render'", error.Message, StringComparison.Ordinal);
        Assert.Contains("1,000,000 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("Engine:MaxExpressionResultBytes", error.Message, StringComparison.Ordinal);
        // The whole result would be 300 MB of text (600 MB as UTF-16); it stops near the limit instead.
        Assert.True(allocated < 64_000_000, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void ResolveTemplates_WholeValueTemplatesPastLimitTogether_Throws()
    {
        var big = new JsonObject { ["items"] = new JsonArray([.. Enumerable.Range(0, 1_000).Select(i => (JsonNode)new JsonObject { ["id"] = i })]) };
        var scope = new ExpressionScope(big, new Dictionary<string, JsonNode?>()) { MaxResultBytes = 20_000 };
        var config = new JsonObject { ["a"] = "{{ input.items }}", ["b"] = "{{ input.items }}" };

        var error = Assert.Throws<ExpressionException>(() => ExpressionResolver.ResolveTemplates(config, scope, "config"));

        Assert.Contains("config.b", error.Message, StringComparison.Ordinal);
        Assert.Contains("20,000 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveTemplates_ObjectInsideTextPastLimit_Throws()
    {
        var big = new JsonObject { ["items"] = new JsonArray([.. Enumerable.Range(0, 1_000).Select(i => (JsonNode)new JsonObject { ["id"] = i })]) };
        var scope = new ExpressionScope(big, new Dictionary<string, JsonNode?>()) { MaxResultBytes = 5_000 };

        var error = Assert.Throws<ExpressionException>(() =>
            ExpressionResolver.ResolveTemplates(JsonValue.Create("items: {{ input.items }}"), scope, "config.text"));

        Assert.Contains("5,000 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveTemplates_ResultJustUnderLimit_Resolves()
    {
        var scope = new ExpressionScope(new JsonObject { ["s"] = "abcde" }, new Dictionary<string, JsonNode?>()) { MaxResultBytes = 12 };

        var resolved = ExpressionResolver.ResolveTemplates(JsonValue.Create("<{{ input.s }}{{ input.s }}>"), scope, "config.text");

        Assert.Equal("<abcdeabcde>", resolved!.GetValue<string>());
    }

    [Theory]
    [InlineData('(', ')')]
    [InlineData('[', ']')]
    public void ResolveTemplates_TenThousandNestedBrackets_ThrowsNestingError(char open, char close)
    {
        var nested = "{{ " + new string(open, 10_000) + "input.s" + new string(close, 10_000) + " }}";

        var error = Assert.Throws<ExpressionException>(() => ExpressionResolver.ResolveTemplates(JsonValue.Create(nested), Scope, "config.deep"));

        Assert.Contains("config.deep", error.Message, StringComparison.Ordinal);
        Assert.Contains("nested more than 32 deep", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ExpressionLongerThanLimit_ReportsLength()
    {
        var text = "{{ input" + string.Concat(Enumerable.Repeat(".a", 3_000)) + " }}";

        var (path, message) = Assert.Single(ExpressionResolver.Check(JsonValue.Create(text), "config.long"));

        Assert.Equal("config.long", path);
        Assert.Contains("over the limit of 4,096", message, StringComparison.Ordinal);
    }
}
