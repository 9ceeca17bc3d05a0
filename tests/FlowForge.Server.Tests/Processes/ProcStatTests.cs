using FlowForge.Bench;

namespace FlowForge.Server.Tests.Processes;

public sealed class ProcStatTests
{
    // A real line's shape: pid, (comm), state, ppid, … utime=1500 stime=300 cutime=9000 cstime=700 …
    private const string BenchLine =
        "4242 (dotnet) S 4000 4242 4000 34816 4242 4194560 90000 20000 0 0 1500 300 9000 700 20 0 24 0 123456 3000000000 40000 18446744073709551615 1 1 0 0 0 0 0 4096 17630 0 0 0 17 1 0 0 0 0 0";

    [Fact]
    public void Parse_ProcessThatReapedChildren_KeepsChildrenTicksApartFromItsOwn()
    {
        var stat = ProcStat.Parse(BenchLine);

        Assert.NotNull(stat);
        Assert.Equal(4000, stat.Value.Parent);
        Assert.Equal(1800, stat.Value.OwnTicks);
        Assert.Equal(9700, stat.Value.ReapedChildrenTicks);
    }

    [Fact]
    public void Parse_CommandNameWithSpacesAndParentheses_ReadsFieldsAfterTheLastParenthesis()
    {
        var stat = ProcStat.Parse("77 (a b) (c)) R 1 77 1 0 -1 0 0 0 0 0 25 5 0 0 20 0 1 0 1 1 1 1");

        Assert.NotNull(stat);
        Assert.Equal(1, stat.Value.Parent);
        Assert.Equal(30, stat.Value.OwnTicks);
        Assert.Equal(0, stat.Value.ReapedChildrenTicks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12 (cut")]
    [InlineData("12 (short) S 1 2 3")]
    public void Parse_TruncatedText_ReturnsNull(string text) => Assert.Null(ProcStat.Parse(text));

    [Fact]
    public void OwnCpuSeconds_ThisProcess_IsAtMostItsTreeTotal()
    {
        var own = BenchServer.OwnCpuSeconds(Environment.ProcessId);
        var tree = BenchServer.CpuSeconds(Environment.ProcessId);

        Assert.True(own > 0, "no CPU time read for this process");
        Assert.True(own <= tree, $"own {own} s > tree {tree} s");
    }
}
