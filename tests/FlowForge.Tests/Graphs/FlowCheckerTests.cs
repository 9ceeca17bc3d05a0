using FlowForge.Engine.Graphs;
using Microsoft.Extensions.Options;

namespace FlowForge.Tests.Graphs;

public sealed class FlowCheckerTests
{
    private readonly FlowChecker _checker = new(TestNodeTypes.Registry, Options.Create(new FlowLimits()));

    [Theory]
    [InlineData("diamond.flow.json")]
    [InlineData("set-and-wait.flow.json")]
    public void Check_ValidFixture_IsValid(string fixture)
    {
        var check = _checker.Check(FlowBuilder.FixtureJson(fixture));

        Assert.True(check.IsValid, string.Join("; ", check.Problems.Select(p => p.Message)));
    }

    [Fact]
    public void Check_MalformedJson_ReturnsTheParseProblemWithoutDocument()
    {
        var check = _checker.Check("{ \"name\": ");

        Assert.False(check.IsValid);
        Assert.Null(check.Document);
        Assert.Equal(GraphProblemCodes.InvalidJson, Assert.Single(check.Problems).Code);
    }

    [Fact]
    public void Check_InvalidGraph_KeepsDocumentAndListsProblems()
    {
        var check = _checker.Check(FlowBuilder.FixtureJson("cycle"));

        Assert.False(check.IsValid);
        Assert.NotNull(check.Document);
        Assert.Equal(GraphProblemCodes.Cycle, Assert.Single(check.Problems).Code);
    }

    [Fact]
    public void CheckAndCompile_ValidFlow_ReturnsPlanForThatVersion()
    {
        var flowId = Guid.NewGuid();

        var plan = _checker.CheckAndCompile(FlowBuilder.FixtureJson("diamond"), flowId, 7);

        Assert.Equal((flowId, 7, 5), (plan.FlowId, plan.Version, plan.Nodes.Count));
    }

    [Fact]
    public void CheckAndCompile_InvalidFlow_ThrowsWithEveryProblem()
    {
        var json = new FlowBuilder()
            .Node("a", "core.noop").Node("b", "no.such.type")
            .Chain("a", "b")
            .ToJson();

        var error = Assert.Throws<FlowInvalidException>(() => _checker.CheckAndCompile(json, Guid.NewGuid(), 1));

        Assert.Equal([GraphProblemCodes.UnknownNodeType, GraphProblemCodes.NoTrigger], error.Problems.Select(p => p.Code));
        Assert.Contains("2 problems", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_DocumentThatNoLongerValidates_ThrowsFlowInvalid()
    {
        var document = new FlowBuilder()
            .Node("t", "trigger.manual").Node("gone", "plugin.removed")
            .Chain("t", "gone")
            .ToDocument();

        var error = Assert.Throws<FlowInvalidException>(() => _checker.Compile(document, Guid.NewGuid(), 2));

        Assert.Equal("gone", Assert.Single(error.Problems).NodeId);
    }

    [Fact]
    public void CheckAndCompile_ValidFlow_EstimatesPlanBytesFromJsonLength()
    {
        var json = FlowBuilder.FixtureJson("diamond");

        var plan = _checker.CheckAndCompile(json, Guid.NewGuid(), 1);

        Assert.Equal(json.Length * 2L, plan.EstimatedBytes);
    }
}
