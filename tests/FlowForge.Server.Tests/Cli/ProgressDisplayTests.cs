using FlowForge.Engine.Graphs;
using FlowForge.Engine.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Nodes.Core;
using FlowForge.Server.Cli;
using FlowForge.Server.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spectre.Console;
using FlowForge.Nodes.Http;

namespace FlowForge.Server.Tests.Cli;

public sealed class ProgressDisplayTests
{
    private static readonly Guid RunId = Guid.CreateVersion7();

    private static ExecutionPlan DiamondPlan()
    {
        using var provider = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System)
            .AddNodeTypes(typeof(ManualTriggerNode).Assembly).AddOutboundHttp().BuildServiceProvider();
        var checker = new FlowChecker(provider.GetRequiredService<INodeTypeRegistry>(), Options.Create(new FlowLimits()));
        var check = checker.Check(Flows.Diamond().ToJsonString());
        return checker.Compile(check.Document!, Guid.CreateVersion7(), 1);
    }

    private static NodeStatusChanged Changed(string node, NodeStatus status, string? error = null) =>
        new(RunId, node, status, error, DateTimeOffset.UnixEpoch);

    private static string Render(ProgressDisplay display)
    {
        using var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 160;
        console.Write(display.Table());
        return output.ToString();
    }

    [Fact]
    public void Apply_SameStatusDeliveredTwice_IsOneChange()
    {
        var display = new ProgressDisplay(DiamondPlan());

        Assert.Equal("a", display.Apply(Changed("a", NodeStatus.Running), TimeSpan.FromMilliseconds(5)));
        Assert.Null(display.Apply(Changed("a", NodeStatus.Running), TimeSpan.FromMilliseconds(6)));
        Assert.Null(display.Apply(Changed("ghost", NodeStatus.Running), TimeSpan.FromMilliseconds(7)));
    }

    [Fact]
    public void SettledLine_NodeSettledTwice_IsPrintedOnce()
    {
        var display = new ProgressDisplay(DiamondPlan());
        display.Apply(Changed("a", NodeStatus.Succeeded), TimeSpan.FromMilliseconds(5));
        Assert.NotNull(display.SettledLine("a"));
        display.Apply(Changed("a", NodeStatus.Failed, "late"), TimeSpan.FromMilliseconds(9));

        Assert.Null(display.SettledLine("a"));
        var rest = display.RemainingLines().ToList();
        Assert.Equal(4, rest.Count);
        Assert.DoesNotContain(rest, l => l.TrimStart().StartsWith("a ", StringComparison.Ordinal));
    }

    [Fact]
    public void Table_AfterManyChanges_HasOneRowPerNode()
    {
        var display = new ProgressDisplay(DiamondPlan());
        foreach (var status in (NodeStatus[])[NodeStatus.Ready, NodeStatus.Running, NodeStatus.Succeeded])
        {
            foreach (var node in (string[])["trigger", "a", "b", "c", "d"])
            {
                display.Apply(Changed(node, status), TimeSpan.FromMilliseconds(1));
            }
        }

        var rendered = Render(display).Split('\n');

        foreach (var node in (string[])["trigger", "a", "b", "c", "d"])
        {
            Assert.Single(rendered, l => l.Contains($"│ {node} ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Table_ErrorWithMarkupCharacters_IsShownLiterally()
    {
        var display = new ProgressDisplay(DiamondPlan());
        display.Apply(Changed("b", NodeStatus.Failed, "[red]not markup[/"), TimeSpan.FromMilliseconds(1));

        Assert.Contains("[red]not markup[/", Render(display), StringComparison.Ordinal);
    }
}
