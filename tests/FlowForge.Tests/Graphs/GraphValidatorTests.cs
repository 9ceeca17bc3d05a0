using System.Text.Json.Nodes;
using FlowForge.Engine.Graphs;

namespace FlowForge.Tests.Graphs;

public sealed class GraphValidatorTests
{
    private readonly GraphValidator _validator = new(TestNodeTypes.Registry, new FlowLimits());

    [Fact]
    public void Validate_DiamondFixture_HasNoProblems()
    {
        Assert.Empty(_validator.Validate(FlowBuilder.FromFixture("diamond").ToDocument()));
    }

    [Fact]
    public void Validate_SetAndWaitFixture_HasNoProblems()
    {
        Assert.Empty(_validator.Validate(FlowBuilder.FromFixture("set-and-wait").ToDocument()));
    }

    [Fact]
    public void Validate_ThreeNodeCycle_NamesExactlyTheNodesOnTheCycleInOrder()
    {
        var problems = _validator.Validate(FlowBuilder.FromFixture("cycle").ToDocument());

        var problem = Assert.Single(problems);
        Assert.Equal(GraphProblemCodes.Cycle, problem.Code);
        Assert.Equal(["fetch", "transform", "check"], problem.NodeIds);
        Assert.Contains("fetch → transform → check → fetch", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("report", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TwoSeparateCycles_ReportsOneProblemPerCycle()
    {
        var document = new FlowBuilder()
            .Node("t", "trigger.manual").Node("a", "core.noop").Node("b", "core.noop")
            .Node("c", "core.noop").Node("d", "core.noop").Node("e", "core.noop").Node("after", "core.noop")
            .Chain("t", "a", "b", "a")
            .Chain("t", "c", "d", "e", "c")
            .Chain("e", "after")
            .ToDocument();

        var cycles = _validator.Validate(document).Where(p => p.Code == GraphProblemCodes.Cycle).ToList();

        Assert.Equal(2, cycles.Count);
        Assert.Equal(["a", "b"], cycles[0].NodeIds);
        Assert.Equal(["c", "d", "e"], cycles[1].NodeIds);
    }

    [Fact]
    public void Validate_LoopsSharingNodes_ReportsThemAsOneProblemNamingEveryNode()
    {
        var document = new FlowBuilder()
            .Node("t", "trigger.manual").Node("a", "core.noop").Node("b", "core.noop").Node("c", "core.noop")
            .Chain("t", "a", "b", "a")
            .Chain("b", "c", "a")
            .ToDocument();

        var problem = Assert.Single(_validator.Validate(document));

        Assert.Equal(GraphProblemCodes.Cycle, problem.Code);
        Assert.Equal(["a", "b", "c"], problem.NodeIds);
    }

    [Fact]
    public void Validate_CycleStartingAtTrigger_AlsoReportsTriggerParents()
    {
        var document = new FlowBuilder()
            .Node("t", "trigger.manual").Node("a", "core.noop")
            .Chain("t", "a", "t")
            .ToDocument();

        var problems = _validator.Validate(document);

        Assert.Equal([GraphProblemCodes.Cycle, GraphProblemCodes.TriggerHasParents], problems.Select(p => p.Code));
        Assert.Equal(["t", "a"], problems[0].NodeIds);
        Assert.Equal("t", problems[1].NodeId);
    }

    [Fact]
    public void Validate_SelfLoop_ReportsEdgeAndNode()
    {
        var document = new FlowBuilder()
            .Node("t", "trigger.manual").Node("a", "core.noop")
            .Edge("t", "a").Edge("a", "a", id: "loop")
            .ToDocument();

        var problem = Assert.Single(_validator.Validate(document));

        Assert.Equal(GraphProblemCodes.SelfLoop, problem.Code);
        Assert.Equal("loop", problem.EdgeId);
        Assert.Equal("a", problem.NodeId);
    }

    [Fact]
    public void Validate_UnreachableNodes_ReportsEachOnce()
    {
        var document = new FlowBuilder()
            .Node("t", "trigger.manual").Node("a", "core.noop").Node("island", "core.noop").Node("island2", "core.noop")
            .Chain("t", "a")
            .Chain("island", "island2")
            .ToDocument();

        var problems = _validator.Validate(document);

        Assert.All(problems, p => Assert.Equal(GraphProblemCodes.Unreachable, p.Code));
        Assert.Equal(["island", "island2"], problems.Select(p => p.NodeId));
        Assert.Contains("trigger 't'", problems[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DuplicateNodeIds_ReportsTheRepeat()
    {
        var document = new FlowBuilder()
            .Node("t", "trigger.manual").Node("a", "core.noop").Node("a", "core.noop")
            .Chain("t", "a")
            .ToDocument();

        var problem = Assert.Single(_validator.Validate(document));

        Assert.Equal(GraphProblemCodes.DuplicateNodeId, problem.Code);
        Assert.Equal("a", problem.NodeId);
        Assert.Equal("nodes[2].id", problem.Field);
        Assert.Contains("nodes[1] and nodes[2]", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DuplicateEdgeIds_ReportsTheRepeat()
    {
        var document = new FlowBuilder()
            .Node("t", "trigger.manual").Node("a", "core.noop").Node("b", "core.noop")
            .Edge("t", "a", id: "e").Edge("a", "b", id: "e")
            .ToDocument();

        var problem = Assert.Single(_validator.Validate(document));

        Assert.Equal(GraphProblemCodes.DuplicateEdgeId, problem.Code);
        Assert.Equal("e", problem.EdgeId);
        Assert.Equal("edges[1].id", problem.Field);
    }

    [Fact]
    public void Validate_TwoTriggersSharingADescendant_ReportsNoProblem()
    {
        var document = new FlowBuilder()
            .Node("first", "trigger.manual").Node("second", "trigger.manual").Node("a", "core.noop").Node("onlySecond", "core.noop")
            .Chain("first", "a").Chain("second", "a").Chain("second", "onlySecond")
            .ToDocument();

        Assert.Empty(_validator.Validate(document));
    }

    [Fact]
    public void Validate_NodeReachedFromNoTriggerOfSeveral_NamesItAndSaysAnyTrigger()
    {
        var document = new FlowBuilder()
            .Node("first", "trigger.manual").Node("second", "trigger.manual").Node("a", "core.noop").Node("orphan", "core.noop")
            .Chain("first", "a").Chain("second", "a")
            .ToDocument();

        var problem = Assert.Single(_validator.Validate(document));

        Assert.Equal((GraphProblemCodes.Unreachable, "orphan"), (problem.Code, problem.NodeId));
        Assert.Contains("any trigger", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoTrigger_ReportsItOnceAndNoUnreachableNodes()
    {
        var document = new FlowBuilder()
            .Node("a", "core.noop").Node("b", "core.noop")
            .Chain("a", "b")
            .ToDocument();

        var problem = Assert.Single(_validator.Validate(document));

        Assert.Equal(GraphProblemCodes.NoTrigger, problem.Code);
    }

    [Fact]
    public void Validate_UnknownNodeType_NamesNodeAndField()
    {
        var document = new FlowBuilder()
            .Node("t", "trigger.manual").Node("mystery", "acme.mystery")
            .Chain("t", "mystery")
            .ToDocument();

        var problem = Assert.Single(_validator.Validate(document));

        Assert.Equal(GraphProblemCodes.UnknownNodeType, problem.Code);
        Assert.Equal("mystery", problem.NodeId);
        Assert.Equal("nodes[1].type", problem.Field);
        Assert.Contains("acme.mystery", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EdgesToMissingNodes_ReportSourceAndTarget()
    {
        var document = new FlowBuilder()
            .Node("t", "trigger.manual").Node("a", "core.noop")
            .Edge("t", "a")
            .Edge("a", "ghost", id: "to-ghost")
            .Edge("phantom", "a", id: "from-phantom")
            .ToDocument();

        var problems = _validator.Validate(document);

        Assert.Equal(2, problems.Count);
        Assert.Equal((GraphProblemCodes.EdgeTargetMissing, "to-ghost", "edges[1].target"), (problems[0].Code, problems[0].EdgeId, problems[0].Field));
        Assert.Equal((GraphProblemCodes.EdgeSourceMissing, "from-phantom", "edges[2].source"), (problems[1].Code, problems[1].EdgeId, problems[1].Field));
    }

    [Fact]
    public void Validate_UnknownPort_NamesThePortsThatExist()
    {
        var document = new FlowBuilder()
            .Node("t", "trigger.manual").Node("if", "test.branch").Node("yes", "core.noop").Node("maybe", "core.noop").Node("plain", "core.noop")
            .Edge("t", "if")
            .Edge("if", "yes", port: "true")
            .Edge("if", "maybe", port: "maybe", id: "bad-port")
            .Edge("if", "plain", id: "no-port")
            .ToDocument();

        var problems = _validator.Validate(document);

        Assert.Equal(2, problems.Count);
        Assert.All(problems, p => Assert.Equal(GraphProblemCodes.UnknownPort, p.Code));
        Assert.Equal(["bad-port", "no-port"], problems.Select(p => p.EdgeId));
        Assert.Contains("true, false", problems[0].Message, StringComparison.Ordinal);
        Assert.Contains("without naming a port", problems[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SwitchEdgesFromCasePortsAndDefault_ReportsNoProblem()
    {
        var document = SwitchFlow().Edge("route", "other", port: "default").ToDocument();

        Assert.Empty(_validator.Validate(document));
    }

    [Fact]
    public void Validate_SwitchEdgeFromPortNoCaseNames_NamesTheEdgeAndTheCasePorts()
    {
        var document = SwitchFlow().Edge("route", "other", port: "refunded", id: "to-refunds").ToDocument();

        var problem = Assert.Single(_validator.Validate(document));

        Assert.Equal((GraphProblemCodes.UnknownPort, "to-refunds", "route", "edges[2].sourceHandle"), (problem.Code, problem.EdgeId, problem.NodeId, problem.Field));
        Assert.Contains("default, paid", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SwitchEdgeWithoutPort_IsRefusedForWantOfMain()
    {
        var document = SwitchFlow().Edge("route", "other", id: "plain").ToDocument();

        var problem = Assert.Single(_validator.Validate(document));

        Assert.Equal((GraphProblemCodes.UnknownPort, "plain"), (problem.Code, problem.EdgeId));
    }

    private static FlowBuilder SwitchFlow() => new FlowBuilder()
        .Node("t", "trigger.manual")
        .Node("route", "core.switch", new JsonObject
        {
            ["value"] = "{{ input.status }}",
            ["cases"] = new JsonArray(new JsonObject { ["port"] = "paid", ["equals"] = "paid" }),
        })
        .Node("paid", "core.noop").Node("other", "core.noop")
        .Edge("t", "route")
        .Edge("route", "paid", port: "paid");

    [Fact]
    public void Validate_PortOfNodeWithDefaultOutput_MustBeMain()
    {
        var document = new FlowBuilder()
            .Node("t", "trigger.manual").Node("a", "core.noop").Node("b", "core.noop")
            .Edge("t", "a", port: "main")
            .Edge("a", "b", port: "error", id: "a-error")
            .ToDocument();

        var problem = Assert.Single(_validator.Validate(document));

        Assert.Equal(GraphProblemCodes.UnknownPort, problem.Code);
        Assert.Equal("edges[1].sourceHandle", problem.Field);
    }

    [Theory]
    [InlineData("""{ "ms": "x" }""", "nodes[1].data.config.ms")]
    [InlineData("""{ "ms": -1 }""", "nodes[1].data.config.ms")]
    [InlineData("""{ "ms": 2592000001 }""", "nodes[1].data.config.ms")]
    [InlineData("""{ "ms": 10, "seconds": 1 }""", "nodes[1].data.config.seconds")]
    [InlineData("""{ }""", "nodes[1].data.config.ms")]
    public void Validate_WaitConfigBreakingSchema_ReportsInvalidConfigAtField(string config, string field)
    {
        var document = new FlowBuilder()
            .Node("t", "trigger.manual").Node("pause", "core.wait", JsonNode.Parse(config))
            .Chain("t", "pause")
            .ToDocument();

        var problem = Assert.Single(_validator.Validate(document));

        Assert.Equal(GraphProblemCodes.InvalidConfig, problem.Code);
        Assert.Equal("pause", problem.NodeId);
        Assert.Equal(field, problem.Field);
    }

    [Fact]
    public void Validate_SetWithoutValues_ReportsInvalidConfig()
    {
        var document = new FlowBuilder()
            .Node("t", "trigger.manual").Node("set", "core.set", new JsonObject { ["value"] = 1 })
            .Chain("t", "set")
            .ToDocument();

        var problem = Assert.Single(_validator.Validate(document));

        Assert.Equal(GraphProblemCodes.InvalidConfig, problem.Code);
        Assert.Equal("set", problem.NodeId);
        Assert.StartsWith("nodes[1].data.config", problem.Field, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SetWithNoConfigAtAll_ReportsInvalidConfig()
    {
        var document = new FlowBuilder()
            .Node("t", "trigger.manual").Node("set", "core.set")
            .Chain("t", "set")
            .ToDocument();

        var problem = Assert.Single(_validator.Validate(document));

        Assert.Equal((GraphProblemCodes.InvalidConfig, "nodes[1].data.config"), (problem.Code, problem.Field));
        Assert.Contains("required setting 'values' is missing", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ValueWrittenAsExpression_IsLeftToRunTime()
    {
        var document = new FlowBuilder()
            .Node("t", "trigger.manual").Node("pause", "core.wait", new JsonObject { ["ms"] = "{{ input.delayMs }}" })
            .Chain("t", "pause")
            .ToDocument();

        Assert.Empty(_validator.Validate(document));
    }

    [Fact]
    public void Validate_ExpressionSyntaxError_ReportsPathAndPosition()
    {
        var document = new FlowBuilder()
            .Node("t", "trigger.manual")
            .Node("set", "core.set", new JsonObject { ["values"] = new JsonObject { ["greeting"] = "Hi {{ input.name. }}" } })
            .Chain("t", "set")
            .ToDocument();

        var problem = Assert.Single(_validator.Validate(document));

        Assert.Equal(GraphProblemCodes.InvalidConfig, problem.Code);
        Assert.Equal("nodes[1].data.config.values.greeting", problem.Field);
        Assert.Contains("position", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData('(', ')')]
    [InlineData('[', ']')]
    public void Validate_ExpressionNestedTenThousandDeep_ReportsNestingLimitAtNodeAndField(char open, char close)
    {
        var nested = "{{ " + new string(open, 10_000) + "input.a" + new string(close, 10_000) + " }}";
        var document = new FlowBuilder()
            .Node("t", "trigger.manual")
            .Node("set", "core.set", new JsonObject { ["values"] = new JsonObject { ["deep"] = nested } })
            .Chain("t", "set")
            .ToDocument();

        var problem = Assert.Single(_validator.Validate(document));

        Assert.Equal(GraphProblemCodes.InvalidConfig, problem.Code);
        Assert.Equal("set", problem.NodeId);
        Assert.Equal("nodes[1].data.config.values.deep", problem.Field);
        Assert.Contains("nested more than 32 deep", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ExpressionReadingNonAncestor_ReportsInvalidConfig()
    {
        var document = new FlowBuilder()
            .Node("t", "trigger.manual").Node("a", "core.noop").Node("c", "core.noop")
            .Node("b", "core.set", new JsonObject { ["values"] = new JsonObject { ["fromSibling"] = "{{ nodes.c.output.x }}" } })
            .Node("d", "core.set", new JsonObject { ["values"] = new JsonObject { ["fromTrigger"] = "{{ nodes.t.output }}", ["fromB"] = "{{ nodes.b.output.fromSibling }}" } })
            .Chain("t", "a", "b", "d").Chain("a", "c", "d")
            .ToDocument();

        var problem = Assert.Single(_validator.Validate(document));

        Assert.Equal(GraphProblemCodes.InvalidConfig, problem.Code);
        Assert.Equal("b", problem.NodeId);
        Assert.Equal("nodes[3].data.config.values.fromSibling", problem.Field);
        Assert.Contains("'c'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ExpressionReadingUnknownOrOwnNode_ReportsBoth()
    {
        var document = new FlowBuilder()
            .Node("t", "trigger.manual")
            .Node("set", "core.set", new JsonObject { ["values"] = new JsonObject { ["a"] = "{{ nodes.nowhere.output }}", ["b"] = "{{ nodes.set.output }}" } })
            .Chain("t", "set")
            .ToDocument();

        var problems = _validator.Validate(document);

        Assert.Equal(["nodes[1].data.config.values.a", "nodes[1].data.config.values.b"], problems.Select(p => p.Field));
        Assert.Contains("not in this flow", problems[0].Message, StringComparison.Ordinal);
        Assert.Contains("its own output", problems[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TooManyNodesAndEdges_ReportsBothLimits()
    {
        var validator = new GraphValidator(TestNodeTypes.Registry, new FlowLimits { MaxNodes = 2, MaxEdges = 1 });
        var document = new FlowBuilder()
            .Node("t", "trigger.manual").Node("a", "core.noop").Node("b", "core.noop")
            .Chain("t", "a", "b")
            .ToDocument();

        var problems = validator.Validate(document);

        Assert.Equal(2, problems.Count);
        Assert.All(problems, p => Assert.Equal(GraphProblemCodes.TooManyNodes, p.Code));
        Assert.Equal(["nodes", "edges"], problems.Select(p => p.Field));
    }

    [Fact]
    public void Validate_FlowWithManyFaults_ReportsThemAllAtOnce()
    {
        var document = new FlowBuilder()
            .Node("t", "trigger.manual").Node("t2", "trigger.manual")
            .Node("a", "core.noop").Node("a", "core.noop")
            .Node("x", "unknown.type")
            .Node("pause", "core.wait", new JsonObject { ["ms"] = -5 })
            .Node("lonely", "core.noop")
            .Chain("t", "a", "pause", "x")
            .Edge("pause", "missing")
            .ToDocument();

        var codes = _validator.Validate(document).Select(p => p.Code).ToHashSet();

        Assert.Superset(
            new HashSet<string>
            {
                GraphProblemCodes.DuplicateNodeId, GraphProblemCodes.UnknownNodeType, GraphProblemCodes.EdgeTargetMissing,
                GraphProblemCodes.Unreachable, GraphProblemCodes.InvalidConfig,
            },
            codes);
    }

    [Fact]
    public void Validate_ThousandNodesWithExpressionsOnAncestors_ReportsNoProblem()
    {
        var flow = new FlowBuilder().Node("n0", "trigger.manual");
        for (var i = 1; i < 1_000; i++)
        {
            flow.Node($"n{i}", "core.set", new JsonObject { ["values"] = new JsonObject { ["from"] = $"{{{{ nodes.n{i / 2}.output }}}}" } });
        }

        for (var i = 1; i < 1_000; i++)
        {
            for (var back = 1; back <= 4 && i - back >= 0; back++)
            {
                flow.Edge($"n{i - back}", $"n{i}");
            }
        }

        Assert.Empty(_validator.Validate(flow.ToDocument()));
    }

    [Fact]
    public void Validate_IdsNamesAndConfigPastTheLimits_NameEachFieldAndStopThere()
    {
        var validator = new GraphValidator(TestNodeTypes.Registry, new FlowLimits { MaxIdLength = 10, MaxNameLength = 12, MaxNodeConfigBytes = 40 });
        var longId = new string('n', 11);
        var document = new FlowBuilder(new string('f', 13))
            .Node("t", "trigger.manual").Node(longId, "core.noop")
            .Node("set", "core.set", new JsonObject { ["values"] = new JsonObject { ["text"] = new string('x', 40) } })
            .Chain("t", longId, "set")
            .ToDocument();

        var problems = validator.Validate(document);

        Assert.Equal(["name", "nodes[1].id", "nodes[2].data.config", "edges[0].id", "edges[1].id"], problems.Select(p => p.Field));
        Assert.Equal([GraphProblemCodes.TooLong, GraphProblemCodes.TooLong, GraphProblemCodes.TooLarge, GraphProblemCodes.TooLong, GraphProblemCodes.TooLong], problems.Select(p => p.Code));
        Assert.Contains("at most 10", problems[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TenThousandCharacterId_IsRefusedWithAShortMessage()
    {
        var longId = new string('n', 10_000);
        var document = new FlowBuilder().Node("t", "trigger.manual").Node(longId, "core.noop").Chain("t", longId).ToDocument();

        var problems = _validator.Validate(document);

        Assert.Equal(["nodes[1].id", "nodes[1].data.label", "edges[0].id"], problems.Select(p => p.Field));
        Assert.All(problems, p => Assert.True(p.Message.Length < 300, p.Message));
    }

    [Fact]
    public void Validate_SettingsConstructorThrows_ReportsInvalidConfigInsteadOfThrowing()
    {
        var document = new FlowBuilder()
            .Node("t", "trigger.manual").Node("strict", "test.strict", new JsonObject { ["code"] = "too long" })
            .Chain("t", "strict")
            .ToDocument();

        var problem = Assert.Single(_validator.Validate(document));

        Assert.Equal(GraphProblemCodes.InvalidConfig, problem.Code);
        Assert.Equal("strict", problem.NodeId);
        Assert.Equal("nodes[1].data.config", problem.Field);
    }
}
