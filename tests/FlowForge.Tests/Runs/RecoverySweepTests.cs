using System.Collections.Concurrent;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FlowForge.Tests.Runs;

/// <summary>The recovery sweep against stores that misbehave, on a clock the test moves.</summary>
public sealed class RecoverySweepTests
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Sweep_RequeueFails_TimersAndTheOutboxRelayStillRun()
    {
        var time = new FakeTimeProvider(T0);
        var queue = new RecordingQueue();
        var timerMessage = Message("waiting");
        var recovery = new ScriptedRecovery { RequeueFails = true, Timers = [(timerMessage, T0.AddSeconds(1))] };
        var outbox = new FixedOutbox([new OutboxMessage(7, Message("left-in-outbox"))]);
        await using var sweep = await StartAsync(recovery, outbox, queue, time, new EngineOptions());

        await Eventually.WithinAsync(sweep.Service.StartupScanCompleted, "the start-up scan", TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(() => queue.Published.Any(m => m.NodeId == "left-in-outbox"), "the relay to publish what the outbox holds");

        time.Advance(TimeSpan.FromSeconds(2));
        await Eventually.TrueAsync(() => queue.Published.Contains(timerMessage), "the due timer to wake its node");
        Assert.Equal(1, recovery.RequeueCalls);
        Assert.Equal(1, recovery.CloseCalls);
    }

    [Fact]
    public async Task Sweep_AfterStart_AsksForAtMostMaxResendsPerSweepAndClosesNodesOfEndedRuns()
    {
        var time = new FakeTimeProvider(T0);
        var queue = new RecordingQueue();
        var recovery = new ScriptedRecovery();
        var settings = new EngineOptions { MaxResendsPerSweep = 7, SweepInterval = TimeSpan.FromSeconds(30) };
        await using var sweep = await StartAsync(recovery, new FixedOutbox([]), queue, time, settings);
        await Eventually.WithinAsync(sweep.Service.StartupScanCompleted, "the start-up scan", TimeSpan.FromSeconds(10));

        await Eventually.TrueAsync(() =>
        {
            // The periodic timer may be created just after a step of the clock: step again until the sweep has run.
            time.Advance(settings.SweepInterval);
            return recovery.RequeueCalls >= 2;
        }, "a sweep after the start-up scan");

        var (noOtherWorkers, limit) = recovery.Requests.Last();
        Assert.False(noOtherWorkers);
        Assert.Equal(7, limit);
        Assert.Equal(7, recovery.CloseLimits.Last());
    }

    private static async Task<Sweep> StartAsync(ScriptedRecovery recovery, IOutboxStore outbox, IWorkQueue queue, TimeProvider time, EngineOptions settings)
    {
        var options = Options.Create(settings);
        var dispatcher = new OutboxDispatcher(queue, outbox, options, NullLogger<OutboxDispatcher>.Instance);
        var timers = new DurableTimers(queue, time, options, NullLogger<DurableTimers>.Instance);
        var service = new RecoveryService(recovery, dispatcher, timers, time, options, NullLogger<RecoveryService>.Instance);
        await service.StartAsync(CancellationToken.None);
        return new Sweep(service, dispatcher, timers);
    }

    private static WorkMessage Message(string nodeId) => new(WorkKind.ExecuteNode, Guid.NewGuid(), nodeId, 1, Guid.NewGuid(), 1);

    private sealed record Sweep(RecoveryService Service, OutboxDispatcher Dispatcher, DurableTimers Timers) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Service.StopAsync(CancellationToken.None);
            Service.Dispose();
            Dispatcher.Dispose();
            Timers.Dispose();
        }
    }

    private sealed class ScriptedRecovery : IRecoveryStore
    {
        private int _requeueCalls;
        private int _closeCalls;

        public bool RequeueFails { get; init; }

        public IReadOnlyList<(WorkMessage Message, DateTimeOffset DueAt)> Timers { get; init; } = [];

        public ConcurrentQueue<(bool NoOtherWorkers, int Limit)> Requests { get; } = new();

        public ConcurrentQueue<int> CloseLimits { get; } = new();

        public int RequeueCalls => Volatile.Read(ref _requeueCalls);

        public int CloseCalls => Volatile.Read(ref _closeCalls);

        public Task<IReadOnlyList<OutboxMessage>> RequeueAbandonedAsync(
            DateTimeOffset now, bool noOtherWorkers, TimeSpan readyOlderThan, int limit, CancellationToken cancellationToken)
        {
            Requests.Enqueue((noOtherWorkers, limit));
            Interlocked.Increment(ref _requeueCalls);
            return RequeueFails
                ? Task.FromException<IReadOnlyList<OutboxMessage>>(new StoreUnavailableException("the database is down"))
                : Task.FromResult<IReadOnlyList<OutboxMessage>>([]);
        }

        public Task<int> CloseNodesOfEndedRunsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
        {
            CloseLimits.Enqueue(limit);
            Interlocked.Increment(ref _closeCalls);
            return Task.FromResult(0);
        }

        public Task<IReadOnlyList<(WorkMessage Message, DateTimeOffset DueAt)>> ListTimersAsync(DateTimeOffset dueBefore, CancellationToken cancellationToken) =>
            Task.FromResult(Timers);
    }

    private sealed class FixedOutbox(IReadOnlyList<OutboxMessage> pending) : IOutboxStore
    {
        public Task<IReadOnlyList<OutboxMessage>> ReadPendingAsync(int limit, CancellationToken cancellationToken) => Task.FromResult(pending);

        public Task<IReadOnlyList<OutboxMessage>> ReadPendingAsync(IReadOnlyCollection<long> outboxIds, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<OutboxMessage>>([.. pending.Where(m => outboxIds.Contains(m.OutboxId))]);

        public Task<int> CountPendingAsync(int cap, CancellationToken cancellationToken) => Task.FromResult(Math.Min(cap, pending.Count));

        public Task AcknowledgeAsync(IReadOnlyCollection<long> outboxIds, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class RecordingQueue : IWorkQueue
    {
        private readonly ConcurrentQueue<WorkMessage> _published = new();

        public IReadOnlyList<WorkMessage> Published => [.. _published];

        public ValueTask PublishAsync(IReadOnlyList<WorkMessage> messages, CancellationToken cancellationToken)
        {
            foreach (var message in messages)
            {
                _published.Enqueue(message);
            }

            return ValueTask.CompletedTask;
        }

        public Task ConsumeAsync(Func<WorkMessage, CancellationToken, Task> handler, int parallelism, CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask<bool> IsReadyAsync(CancellationToken cancellationToken) => ValueTask.FromResult(true);
    }
}
