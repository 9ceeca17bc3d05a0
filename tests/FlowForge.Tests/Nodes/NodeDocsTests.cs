using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlowForge.Engine.Nodes;
using FlowForge.Nodes;

namespace FlowForge.Tests.Nodes;

/// <summary>
/// docs/nodes.md documents every built-in node type in a section of its own, and each section names an example flow
/// under <c>tests/fixtures</c> that uses the type; <c>FlowFixtureTests</c> runs every fixture there.
/// </summary>
public sealed partial class NodeDocsTests
{
    private static readonly Lazy<Dictionary<string, string>> Sections = new(ReadSections);

    public static TheoryData<string> TypeIds() =>
        [.. NodeTypeDiscovery.FindIn(NodesAssembly.Assembly).Select(t => t.GetCustomAttribute<NodeTypeAttribute>()!.Id).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(TypeIds))]
    public void Section_EveryBuiltInType_NamesAnExampleFixtureThatUsesIt(string id)
    {
        Assert.True(Sections.Value.TryGetValue(id, out var section), $"docs/nodes.md has no section headed `{id}`.");

        var named = FixtureReference().Matches(section).Select(m => m.Groups["name"].Value).Distinct(StringComparer.Ordinal).ToList();
        Assert.True(named.Count > 0, $"The section of `{id}` in docs/nodes.md names no example under tests/fixtures/.");
        var missing = named.Where(n => !FlowBuilder.FixtureNames.Contains(n, StringComparer.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"The section of `{id}` names fixtures that do not exist: {string.Join(", ", missing)}.");
        Assert.True(named.Any(n => TypesIn(n).Contains(id)), $"None of the fixtures the section of `{id}` names ({string.Join(", ", named)}) has a node of that type.");
    }

    [Fact]
    public void Sections_EachHeadedType_IsInstalled()
    {
        var installed = NodeTypeDiscovery.FindIn(NodesAssembly.Assembly).Select(t => t.GetCustomAttribute<NodeTypeAttribute>()!.Id).ToHashSet(StringComparer.Ordinal);

        var unknown = Sections.Value.Keys.Where(id => !installed.Contains(id)).ToList();
        Assert.True(unknown.Count == 0, $"docs/nodes.md has sections for node types that are not installed: {string.Join(", ", unknown)}.");
    }

    private static HashSet<string> TypesIn(string fixture) =>
        [.. ((JsonNode.Parse(FlowBuilder.FixtureJson(fixture))?["nodes"] as JsonArray) ?? []).Select(n => (string?)n?["type"]).OfType<string>()];

    /// <summary>The text under each heading that names a node type, up to the next such heading or the next section (a "## " heading).</summary>
    private static Dictionary<string, string> ReadSections()
    {
        var sections = new Dictionary<string, string>(StringComparer.Ordinal);
        string? current = null;
        foreach (var line in File.ReadLines(Path.Combine(RepositoryRoot(), "docs", "nodes.md")))
        {
            if (TypeHeading().Match(line) is { Success: true } heading)
            {
                current = heading.Groups["id"].Value;
                sections[current] = "";
                continue;
            }

            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                current = null;
            }

            if (current is not null)
            {
                sections[current] += line + "\n";
            }
        }

        return sections;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FlowForge.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No FlowForge.slnx above {AppContext.BaseDirectory}; the docs tests read docs/nodes.md.");
    }

    [GeneratedRegex(@"^#{2,3} `(?<id>[A-Za-z][A-Za-z0-9.]*)`")]
    private static partial Regex TypeHeading();

    [GeneratedRegex(@"tests/fixtures/(?<name>[a-z0-9-]+)\.flow\.json")]
    private static partial Regex FixtureReference();
}
