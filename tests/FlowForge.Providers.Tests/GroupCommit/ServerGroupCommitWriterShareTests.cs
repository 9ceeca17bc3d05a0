using FlowForge.Storage.Sql.Execution;

namespace FlowForge.Providers.Tests.GroupCommit;

public sealed class ServerGroupCommitWriterShareTests
{
    [Theory]
    [InlineData(4, 0, 4)]
    [InlineData(4, 1, 4)]
    [InlineData(4, 2, 2)]
    [InlineData(4, 3, 2)]
    [InlineData(4, 4, 1)]
    [InlineData(4, 9, 1)]
    [InlineData(1, 2, 1)]
    [InlineData(8, 3, 3)]
    public void WritersFor_LiveWorkers_ShareTheBudgetRoundedUpAndNeverBelowOne(int writers, int processes, int expected) =>
        Assert.Equal(expected, ServerGroupCommitWriter.WritersFor(writers, processes));
}
