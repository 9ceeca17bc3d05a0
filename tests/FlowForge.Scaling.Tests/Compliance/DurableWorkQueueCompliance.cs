using System.Collections.Concurrent;
using FlowForge.Engine.Queueing;
using FlowForge.Scaling.Tests.Infrastructure;

namespace FlowForge.Scaling.Tests.Compliance;

/// <summary>
/// What a durable <see cref="IWorkQueue"/> adds: a message is acknowledged only after its handler returned, so a
/// failed or interrupted handling delivers it again, and messages wait in the queue for a consumer. The in-process
/// queue makes none of these promises (it re-creates lost messages from the database at start-up instead).
/// </summary>
public abstract class DurableWorkQueueCompliance : WorkQueueCompliance
{
    [Fact]
    public async Task ConsumeAsync_HandlerThrows_MessageIsDeliveredAgain()
    {
        var queue = await OpenQueueAsync();
        var attempts = 0;
        var succeeded = 0;
        StartConsuming(queue, (_, _) =>
        {
            if (Interlocked.Increment(ref attempts) == 1)
            {
                throw new InvalidOperationException("first attempt fails");
            }

            Interlocked.Increment(ref succeeded);
            return Task.CompletedTask;
        });

        await queue.PublishAsync([Message(1)], CancellationToken.None);

        await Eventually.TrueAsync(() => Volatile.Read(ref succeeded) == 1, "the second delivery to succeed");
        await Eventually.NeverAsync(() => Volatile.Read(ref attempts) > 2, "a third delivery of the handled message", TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task ConsumeAsync_StoppedWhileHandlerRuns_MessageWaitsForTheHandlerThenGoesToTheNextConsumer()
    {
        var first = await OpenQueueAsync();
        var second = await OpenQueueAsync();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstConsumer = StartConsuming(first, async (_, _) =>
        {
            started.TrySetResult();
            await release.Task;
        }, parallelism: 1);
        var message = Message(1);
        await first.PublishAsync([message], CancellationToken.None);
        await Eventually.WithinAsync(started.Task, "the first consumer to start handling");

        var received = new ConcurrentQueue<WorkMessage>();
        StartConsuming(second, (m, _) =>
        {
            received.Enqueue(m);
            return Task.CompletedTask;
        }, parallelism: 1);
        firstConsumer.Cancel();
        await Eventually.NeverAsync(() => !received.IsEmpty, "the message at the second consumer while the first still handles it", TimeSpan.FromSeconds(1));

        release.SetResult();

        await Eventually.TrueAsync(() => received.Count == 1, "the message at the second consumer");
        Assert.Equal(message, Assert.Single(received));
    }

    [Fact]
    public async Task PublishAsync_BeforeAnyConsumer_MessagesWaitInTheQueue()
    {
        var publisher = await OpenQueueAsync();
        var sent = Enumerable.Range(0, 20).Select(Message).ToArray();
        await publisher.PublishAsync(sent, CancellationToken.None);

        var consumer = await OpenQueueAsync();
        var received = new ConcurrentQueue<WorkMessage>();
        StartConsuming(consumer, (m, _) =>
        {
            received.Enqueue(m);
            return Task.CompletedTask;
        });

        await Eventually.TrueAsync(() => received.Count == sent.Length, "every message published before the consumer");
        Assert.Equal(sent.OrderBy(m => m.RunId), received.OrderBy(m => m.RunId));
    }
}
