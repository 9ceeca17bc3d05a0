using System.Collections.Concurrent;
using FlowForge.Engine.Queueing;
using FlowForge.Scaling.Tests.Infrastructure;

namespace FlowForge.Scaling.Tests.Compliance;

/// <summary>What every <see cref="IWorkQueue"/> does: deliver what was published, all of it, as parallel as asked and no more.</summary>
public abstract class WorkQueueCompliance : IAsyncLifetime
{
    private readonly List<ConsumerRun> _consumers = [];

    /// <summary>
    /// Opens a handle on this test's queue, empty at the start of the test. For a broker, each call is another
    /// connection, as another process would have; the in-process queue has one handle.
    /// </summary>
    protected abstract Task<IWorkQueue> OpenQueueAsync();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var consumer in _consumers)
        {
            await consumer.StopAsync();
        }
    }

    [Fact]
    public async Task PublishAsync_ThenConsume_DeliversEveryField()
    {
        var queue = await OpenQueueAsync();
        WorkMessage[] sent =
        [
            new(WorkKind.StartFlow, Guid.NewGuid(), "trigger", 1, Guid.NewGuid(), 3),
            new(WorkKind.ExecuteNode, Guid.NewGuid(), "nœud-ü-😀 with spaces", long.MaxValue, Guid.NewGuid(), int.MaxValue,
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
            new(WorkKind.ExecuteNode, Guid.NewGuid(), "", 0, Guid.Empty, 0),
        ];
        var received = new ConcurrentQueue<WorkMessage>();

        await queue.PublishAsync(sent, CancellationToken.None);
        StartConsuming(queue, (message, _) =>
        {
            received.Enqueue(message);
            return Task.CompletedTask;
        });

        await Eventually.TrueAsync(() => received.Count >= sent.Length, "three messages");
        Assert.Equal(sent.OrderBy(m => m.RunId), received.OrderBy(m => m.RunId));
    }

    [Fact]
    public async Task PublishAsync_EmptyBatch_ReturnsAndDeliversNothing()
    {
        var queue = await OpenQueueAsync();
        var received = 0;

        await queue.PublishAsync([], CancellationToken.None);
        StartConsuming(queue, (_, _) =>
        {
            Interlocked.Increment(ref received);
            return Task.CompletedTask;
        });
        await queue.PublishAsync([Message(1)], CancellationToken.None);

        await Eventually.TrueAsync(() => Volatile.Read(ref received) == 1, "the one message");
        // Anything the empty batch had put on the queue would be delivered before this second message.
        await queue.PublishAsync([Message(2)], CancellationToken.None);
        await Eventually.TrueAsync(() => Volatile.Read(ref received) >= 2, "the second message");
        Assert.Equal(2, Volatile.Read(ref received));
    }

    [Fact]
    public async Task ConsumeAsync_ManyMessagesFromConcurrentPublishers_NoneLostNoneDuplicated()
    {
        const int Publishers = 4;
        const int Batches = 25;
        const int BatchSize = 10;
        var queue = await OpenQueueAsync();
        var received = new ConcurrentDictionary<Guid, int>();
        StartConsuming(queue, (message, _) =>
        {
            received.AddOrUpdate(message.RunId, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        }, parallelism: 8);

        var sent = new ConcurrentBag<Guid>();
        await Task.WhenAll(Enumerable.Range(0, Publishers).Select(_ => Task.Run(async () =>
        {
            for (var b = 0; b < Batches; b++)
            {
                var batch = Enumerable.Range(0, BatchSize).Select(Message).ToArray();
                await queue.PublishAsync(batch, CancellationToken.None);
                foreach (var message in batch)
                {
                    sent.Add(message.RunId);
                }
            }
        })));

        await Eventually.TrueAsync(() => received.Count >= Publishers * Batches * BatchSize, "every message", TimeSpan.FromSeconds(60));
        Assert.Equal(sent.Order(), received.Keys.Order());
        Assert.All(received.Values, count => Assert.Equal(1, count));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task ConsumeAsync_Parallelism_RunsThatManyHandlersAtOnceAndNoMore(int parallelism)
    {
        var queue = await OpenQueueAsync();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = 0;
        var mostAtOnce = 0;
        var done = 0;
        await queue.PublishAsync(Enumerable.Range(0, parallelism * 3).Select(Message).ToArray(), CancellationToken.None);

        StartConsuming(queue, async (_, _) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref mostAtOnce, now);
            await gate.Task;
            Interlocked.Decrement(ref running);
            Interlocked.Increment(ref done);
        }, parallelism);

        await Eventually.TrueAsync(() => Volatile.Read(ref running) == parallelism, $"{parallelism} handlers running at once");
        await Eventually.NeverAsync(() => Volatile.Read(ref mostAtOnce) > parallelism, $"more than {parallelism} handlers at once", TimeSpan.FromMilliseconds(300));

        gate.SetResult();
        await Eventually.TrueAsync(() => Volatile.Read(ref done) == parallelism * 3, "every message handled");
        Assert.Equal(parallelism, Volatile.Read(ref mostAtOnce));
    }

    [Fact]
    public async Task ConsumeAsync_Cancelled_Returns()
    {
        var queue = await OpenQueueAsync();
        using var stop = new CancellationTokenSource();
        var consuming = queue.ConsumeAsync((_, _) => Task.CompletedTask, 2, stop.Token);
        await queue.PublishAsync([Message(1)], CancellationToken.None);

        await stop.CancelAsync();

        await Eventually.WithinAsync(consuming, "ConsumeAsync to return after cancellation");
    }

    [Fact]
    public async Task IsReadyAsync_QueueReachable_ReturnsTrue()
    {
        var queue = await OpenQueueAsync();

        Assert.True(await queue.IsReadyAsync(CancellationToken.None));
    }

    protected static WorkMessage Message(int index) =>
        new(WorkKind.ExecuteNode, Guid.NewGuid(), $"node-{index}", index, Guid.NewGuid(), 1);

    /// <summary>Consumes in the background until the test ends or <see cref="ConsumerRun.StopAsync"/>.</summary>
    protected ConsumerRun StartConsuming(IWorkQueue queue, Func<WorkMessage, CancellationToken, Task> handler, int parallelism = 4)
    {
        var run = new ConsumerRun(queue, handler, parallelism);
        _consumers.Add(run);
        return run;
    }

    /// <summary>Stops a consumer now rather than when the test ends (before the broker it reads from goes away).</summary>
    protected async Task StopConsumingAsync(ConsumerRun? run)
    {
        if (run is not null && _consumers.Remove(run))
        {
            await run.StopAsync();
        }
    }

    protected static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    protected sealed class ConsumerRun : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _consuming;

        public ConsumerRun(IWorkQueue queue, Func<WorkMessage, CancellationToken, Task> handler, int parallelism) =>
            _consuming = Task.Run(() => queue.ConsumeAsync(handler, parallelism, _stop.Token));

        /// <summary>Asks the consumer to stop without waiting for it.</summary>
        public void Cancel() => _stop.Cancel();

        public Task Stopped => _consuming;

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await Eventually.WithinAsync(_consuming, "the consumer to stop", TimeSpan.FromSeconds(45));
            Dispose();
        }

        public void Dispose() => _stop.Dispose();
    }
}
