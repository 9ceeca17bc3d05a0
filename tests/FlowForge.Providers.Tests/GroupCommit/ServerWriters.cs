using FlowForge.Storage.Sql;
using FlowForge.Storage.Sql.Execution;

namespace FlowForge.Providers.Tests.GroupCommit;

/// <summary>The group-commit writer of a server store, and a way to hold it inside a batch.</summary>
internal static class ServerWriters
{
    public static ServerGroupCommitWriter WriterOf(SqlStorage store) =>
        ((PooledSqlExecutor)store.Executor).Writer ?? throw new InvalidOperationException("Group commit is off.");

    /// <summary>
    /// Keeps <paramref name="writer"/> busy inside a batch until <paramref name="release"/> is completed, so that what the
    /// test queues meanwhile forms the next batch.
    /// </summary>
    public static Task<int> Hold(ServerGroupCommitWriter writer, out TaskCompletionSource started, out TaskCompletionSource release)
    {
        var gates = (Started: new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously),
            Release: new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        started = gates.Started;
        release = gates.Release;
        return writer.WriteAsync(static async (_, g, _) =>
        {
            g.Started.TrySetResult();
            await g.Release.Task;
            return 0;
        }, gates, CancellationToken.None);
    }
}
