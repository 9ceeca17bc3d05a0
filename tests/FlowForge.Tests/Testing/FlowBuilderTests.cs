using System.Text.Json.Nodes;

namespace FlowForge.Tests.Testing;

public sealed class FlowBuilderTests
{
    [Fact]
    public void FixtureNames_ListsEveryFlowFileInTestsFixtures()
    {
        // bin/Release/net10.0 of this project, four levels below tests/.
        var directory = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "fixtures"));
        var files = Directory.GetFiles(directory, "*.flow.json").Select(f => Path.GetFileName(f)[..^".flow.json".Length]).Order(StringComparer.Ordinal);

        Assert.Equal(files, FlowBuilder.FixtureNames);
        Assert.Contains("diamond", FlowBuilder.FixtureNames);
    }

    [Theory]
    [InlineData("diamond")]
    [InlineData("diamond.flow.json")]
    public void FromFixture_NameWithOrWithoutSuffix_LoadsTheFile(string name)
    {
        var document = FlowBuilder.FromFixture(name).ToDocument();

        Assert.Equal("Diamond", document.Name);
        Assert.Equal(["trigger", "a", "b", "c", "d"], document.Nodes.Select(n => n.Id));
    }

    [Fact]
    public void FromFixture_Extended_KeepsTheFixtureAndAddsTheNewNodes()
    {
        var json = JsonNode.Parse(FlowBuilder.FromFixture("diamond").Node("e", "core.noop").Edge("d", "e").ToJson())!;

        Assert.Equal(6, json["nodes"]!.AsArray().Count);
        Assert.Equal(6, json["edges"]!.AsArray().Count);
        Assert.Equal(0.85, json["viewport"]!["zoom"]!.GetValue<double>());
    }

    [Fact]
    public void FromFixture_Missing_ThrowsNamingTheFile()
    {
        var error = Assert.Throws<FileNotFoundException>(() => FlowBuilder.FromFixture("no-such-flow"));

        Assert.Contains("no-such-flow.flow.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Diamond_Default_IsTriggerThenFanOutAndJoin()
    {
        var document = FlowBuilder.Diamond().ToDocument();

        Assert.Equal(
            ["trigger->a", "a->b", "a->c", "b->d", "c->d"],
            document.Edges.Select(e => $"{e.Source}->{e.Target}"));
    }
}
