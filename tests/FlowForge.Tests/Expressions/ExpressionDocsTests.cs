using System.Text.Json.Nodes;
using FlowForge.Engine.Expressions;
using Microsoft.Extensions.Time.Testing;

namespace FlowForge.Tests.Expressions;

/// <summary>
/// Runs the examples of docs/expressions.md: each line of an <c>expression-examples</c> block is a config text,
/// <c>→</c>, and the JSON it resolves to (or <c>error:</c> and the message), against the <c>expression-scope</c> block.
/// </summary>
public sealed class ExpressionDocsTests
{
    private const string Arrow = " → ";
    private const string ErrorMark = "error:";
    private const string ErrorPrefix = "expression in config.value: ";

    private static readonly Lazy<string[]> Lines = new(() => File.ReadAllLines(Path.Combine(FindRepositoryRoot(), "docs", "expressions.md")));

    public static TheoryData<int, string> Examples()
    {
        var data = new TheoryData<int, string>();
        foreach (var (line, text) in Block("expression-examples"))
        {
            data.Add(line, text);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_InDocs_ResolvesAsDocumented(int line, string example)
    {
        var at = example.IndexOf(Arrow, StringComparison.Ordinal);
        Assert.True(at > 0, $"docs/expressions.md line {line} has no '{Arrow.Trim()}': {example}");
        var template = example[..at].TrimEnd();
        var expected = example[(at + Arrow.Length)..].Trim();

        if (expected.StartsWith(ErrorMark, StringComparison.Ordinal))
        {
            var error = Assert.Throws<ExpressionException>(() => ExpressionResolver.ResolveTemplates(JsonValue.Create(template), SampleScope(), "config.value"));
            Assert.Equal(ErrorPrefix + expected[ErrorMark.Length..].Trim(), error.Message);
            return;
        }

        var resolved = ExpressionResolver.ResolveTemplates(JsonValue.Create(template), SampleScope(), "config.value");

        Assert.Equal(JsonNode.Parse(expected)?.ToJsonString() ?? "null", resolved?.ToJsonString() ?? "null");
    }

    [Fact]
    public void Examples_InDocs_CoverEveryHelper()
    {
        var examples = string.Join('\n', Block("expression-examples").Select(e => e.Text));

        var missing = ExpressionHelpers.Names.Where(name => !examples.Contains(name + "(", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();

        Assert.True(missing.Count == 0, $"docs/expressions.md has no example for: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Examples_InDocs_AreFound()
    {
        Assert.True(Block("expression-examples").Count() > 100);
        Assert.NotNull(SampleScope().Input);
    }

    private static ExpressionScope SampleScope()
    {
        var scope = JsonNode.Parse(string.Join('\n', Block("expression-scope").Select(e => e.Text)))!.AsObject();
        var nodes = scope["nodes"]!.AsObject().ToDictionary(p => p.Key, p => p.Value?.DeepClone(), StringComparer.Ordinal);
        return new ExpressionScope(scope["input"]!.DeepClone(), nodes)
        {
            Time = new FakeTimeProvider(DateTimeOffset.Parse(scope["now"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)),
        };
    }

    private static IEnumerable<(int Line, string Text)> Block(string kind)
    {
        var lines = Lines.Value;
        var inside = false;
        for (var i = 0; i < lines.Length; i++)
        {
            if (!inside)
            {
                inside = lines[i].Trim() == "```" + kind;
                continue;
            }

            if (lines[i].Trim() == "```")
            {
                inside = false;
                continue;
            }

            if (lines[i].Trim().Length > 0)
            {
                yield return (i + 1, lines[i]);
            }
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FlowForge.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No FlowForge.slnx above {AppContext.BaseDirectory}; the docs tests read docs/expressions.md.");
    }
}
