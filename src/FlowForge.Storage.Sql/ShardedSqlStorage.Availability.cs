using Microsoft.Extensions.Logging;

namespace FlowForge.Storage.Sql;

public sealed partial class ShardedSqlStorage
{
    /// <summary>
    /// Runs a sweep's operation (recovery, timers, the outbox relay, takeovers) on every shard at once. A shard that
    /// fails is logged and left out of the answer, so one database that is down does not stop the others; only when
    /// every shard failed does the failure reach the caller.
    /// </summary>
    private async Task<List<(int Shard, T Result)>> OnEveryAvailableShardAsync<T>(
        string operation, Func<SqlStorage, Task<T>> run, CancellationToken cancellationToken)
    {
        var tasks = new Task<T>[_shards.Length];
        for (var shard = 0; shard < _shards.Length; shard++)
        {
            tasks[shard] = RunOnShardAsync(_shards[shard], run);
        }

        try
        {
            await Task.WhenAll(tasks);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Looked at shard by shard below.
        }

        var answered = new List<(int Shard, T Result)>(tasks.Length);
        Exception? first = null;
        for (var shard = 0; shard < tasks.Length; shard++)
        {
            var task = tasks[shard];
            if (task.IsCompletedSuccessfully)
            {
                answered.Add((shard, task.Result));
                continue;
            }

            var failure = task.Exception?.InnerException ?? new OperationCanceledException(cancellationToken);
            if (failure is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw failure;
            }

            first ??= failure;
            LogShardFailed(_logger, operation, shard, _shards.Length, failure);
        }

        if (answered.Count == 0 && first is not null)
        {
            throw first;
        }

        return answered;
    }

    // Starts the operation so that a synchronous throw becomes a failed task like any other.
    private static async Task<T> RunOnShardAsync<T>(SqlStorage shard, Func<SqlStorage, Task<T>> run) => await run(shard);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Operation} failed on shard {Shard} of {Shards}; the other shards went on, and this one is tried again at the next sweep")]
    private static partial void LogShardFailed(ILogger logger, string operation, int shard, int shards, Exception exception);
}
