using System.Text.Json.Nodes;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Policies;
using FlowForge.Tests.Graphs;

namespace FlowForge.Tests.Policies;

public sealed class NodePoliciesTests
{
    private readonly GraphValidator _validator = new(TestNodeTypes.Registry, new FlowLimits());

    private static FlowBuilder Flow() => new FlowBuilder().Node("t", "trigger.manual").Node("work", "core.noop").Node("after", "core.noop").Chain("t", "work", "after");

    [Fact]
    public void Validate_ValidPolicies_NoProblemsAndCompiledIntoThePlan()
    {
        var document = Flow()
            .Data("work", "retry", JsonNode.Parse("""{ "maxAttempts": 4, "delayMs": 500, "multiplier": 3, "maxDelayMs": 9000, "jitter": 0.2 }"""))
            .Data("work", "timeoutMs", 2500)
            .Data("work", "onError", "continue")
            .ToDocument();

        Assert.Empty(_validator.Validate(document));
        var policies = PlanCompiler.Compile(document, Guid.NewGuid(), 1)["work"].Policies;
        Assert.Equal(new RetryPolicy(4, TimeSpan.FromMilliseconds(500), 3, TimeSpan.FromSeconds(9), 0.2), policies.Retry);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), policies.Timeout);
        Assert.Equal(ErrorHandling.Continue, policies.OnError);
    }

    [Fact]
    public void Compile_NoPolicies_Defaults()
    {
        var plan = PlanCompiler.Compile(Flow().ToDocument(), Guid.NewGuid(), 1);

        Assert.Same(NodePolicies.Default, plan["work"].Policies);
    }

    [Theory]
    [InlineData("""{ "maxAttempts": 0 }""", "nodes[1].data.retry.maxAttempts")]
    [InlineData("""{ "maxAttempts": 26 }""", "nodes[1].data.retry.maxAttempts")]
    [InlineData("""{ "maxAttempts": 2.5 }""", "nodes[1].data.retry.maxAttempts")]
    [InlineData("""{ "delayMs": -1 }""", "nodes[1].data.retry.delayMs")]
    [InlineData("""{ "multiplier": 0.5 }""", "nodes[1].data.retry.multiplier")]
    [InlineData("""{ "jitter": 2 }""", "nodes[1].data.retry.jitter")]
    [InlineData("""{ "delayMs": 5000, "maxDelayMs": 1000 }""", "nodes[1].data.retry.maxDelayMs")]
    [InlineData("""{ "attempts": 3 }""", "nodes[1].data.retry.attempts")]
    [InlineData("3", "nodes[1].data.retry")]
    public void Validate_InvalidRetry_NamesNodeAndField(string retry, string field)
    {
        var problems = _validator.Validate(Flow().Data("work", "retry", JsonNode.Parse(retry)).ToDocument());

        var problem = Assert.Single(problems);
        Assert.Equal(GraphProblemCodes.InvalidPolicy, problem.Code);
        Assert.Equal("work", problem.NodeId);
        Assert.Equal(field, problem.Field);
        Assert.Contains("'work'", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("timeoutMs", "0")]
    [InlineData("timeoutMs", "\"1000\"")]
    [InlineData("timeoutMs", "86400001")]
    [InlineData("onError", "\"ignore\"")]
    public void Validate_InvalidTimeoutOrOnError_NamesField(string key, string value)
    {
        var problems = _validator.Validate(Flow().Data("work", key, JsonNode.Parse(value)).ToDocument());

        var problem = Assert.Single(problems);
        Assert.Equal(GraphProblemCodes.InvalidPolicy, problem.Code);
        Assert.Equal($"nodes[1].data.{key}", problem.Field);
    }

    [Fact]
    public void Validate_EdgeFromErrorPortWithoutContinue_UnknownPortSayingHowToEnableIt()
    {
        var document = Flow().Node("handler", "core.noop").Edge("work", "handler", "error").ToDocument();

        var problem = Assert.Single(_validator.Validate(document));

        Assert.Equal(GraphProblemCodes.UnknownPort, problem.Code);
        Assert.Contains("onError", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EdgeFromErrorPortWithContinue_Accepted()
    {
        var document = Flow().Node("handler", "core.noop").Edge("work", "handler", "error").Data("work", "onError", "continue").ToDocument();

        Assert.Empty(_validator.Validate(document));
    }
}
