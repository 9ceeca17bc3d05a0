using FlowForge.Engine.Queueing;
using FlowForge.Scaling.Tests.InProcess;
using FlowForge.Scaling.Tests.Infrastructure;

namespace FlowForge.Scaling.Tests.Rabbit;

/// <summary>
/// The thread-pool work a RabbitMQ delivery costs a consumer, counted with no other test running beside it (the count
/// is the whole process').
/// </summary>
[Collection(QuietThreadPoolCollection.Name)]
public sealed class RabbitConsumerWakeUpTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly RabbitTestQueue _test = new(TestServices.RabbitMq, output);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _test.DeleteAsync();

    // A worker consumes with a parallelism of 1,024 (Engine:WorkerParallelism). A consumer dispatch loop per unit of it
    // waited on one channel of deliveries, and each delivery woke every idle loop: about a thousand thread-pool work
    // items per message, more per flow the less loaded the process. One dispatch loop hands the deliveries on.
    [Fact]
    public async Task ConsumeAsync_HighParallelismOneMessageAtATime_WakesFewThreadPoolItemsPerMessage()
    {
        const int Messages = 60;
        var queue = _test.Open();
        var handled = 0;
        using var stop = new CancellationTokenSource();
        var consuming = Task.Run(() => queue.ConsumeAsync((_, _) =>
        {
            Interlocked.Increment(ref handled);
            return Task.CompletedTask;
        }, 1024, stop.Token));
        try
        {
            await queue.PublishAsync([Message(0)], CancellationToken.None);
            await Eventually.TrueAsync(() => Volatile.Read(ref handled) == 1, "the first message handled");

            var before = ThreadPool.CompletedWorkItemCount;
            for (var i = 1; i <= Messages; i++)
            {
                await queue.PublishAsync([Message(i)], CancellationToken.None);
                var expected = i + 1;
                await Eventually.TrueAsync(() => Volatile.Read(ref handled) == expected, $"message {i} handled");
            }

            var perMessage = (ThreadPool.CompletedWorkItemCount - before) / (double)Messages;
            output.WriteLine($"thread-pool work items per message: {perMessage:F1}");
            Assert.True(perMessage < 100, $"{perMessage:F1} thread-pool work items per message (publish, delivery, handler, ack); a loop per unit of parallelism woken by each delivery makes it about a thousand");
        }
        finally
        {
            await stop.CancelAsync();
            await Eventually.WithinAsync(consuming, "the consumer to stop", TimeSpan.FromSeconds(45));
        }
    }

    private static WorkMessage Message(int index) =>
        new(WorkKind.ExecuteNode, Guid.NewGuid(), $"node-{index}", index, Guid.NewGuid(), 1);
}
