using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace FlowForge.Scaling.Rabbit;

public sealed partial class RabbitWorkQueue
{
    // How long a stopping consumer waits for running handlers before it closes its channel anyway.
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    public async Task ConsumeAsync(Func<WorkMessage, CancellationToken, Task> handler, int parallelism, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        parallelism = Math.Clamp(parallelism, 1, ushort.MaxValue);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        var delay = FirstRetryDelay;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await ConsumeUntilLostAsync(handler, parallelism, stopping.Token).ConfigureAwait(false);
                delay = FirstRetryDelay;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (IsTransient(ex) || ex is ObjectDisposedException)
            {
                LogConsumeRetry(_logger, _options.QueueName, delay.TotalMilliseconds, ex.Message);
            }

            try
            {
                await Task.Delay(delay, stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.RecoveryInterval.Ticks));
        }
    }

    /// <summary>
    /// Consumes on one channel until stopped, or until the broker cancels the consumer or closes the channel
    /// for good. Connection losses are not returns: the client library recovers the channel and consumer.
    /// </summary>
    private async Task ConsumeUntilLostAsync(Func<WorkMessage, CancellationToken, Task> handler, int parallelism, CancellationToken stopping)
    {
        var connection = await _consumer.GetAsync(stopping).ConfigureAwait(false);

        // One dispatch loop per channel, which starts each delivery's handler and goes on to the next: the client's
        // dispatch concurrency N runs N loops on one channel of deliveries, and every delivery woke each idle one (about
        // a thousand thread-pool items per message at the worker's parallelism). The handlers at once are bounded here.
        var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false, consumerDispatchConcurrency: 1),
            stopping).ConfigureAwait(false);
        var prefetch = (ushort)Math.Clamp(Math.Max(_options.Prefetch, parallelism), 1, ushort.MaxValue);

        // Done messages behind one still running are held for a multiple ack up to half the window, then acked alone.
        var session = new ConsumerSession(channel, new AckWindow(
            (tag, multiple) => new ValueTask(SettleAsync(() => channel.BasicAckAsync(tag, multiple, CancellationToken.None))), prefetch / 2), parallelism);
        _sessions.TryAdd(session, 0);
        var consumers = new List<(AsyncEventingBasicConsumer Consumer, string Tag)>(_consumedShards.Count);
        try
        {
            await channel.BasicQosAsync(0, prefetch, global: false, stopping).ConfigureAwait(false);

            // Read before the switch: a change after this read completes it.
            var quietChanged = _quiet.Changed;
            if (!_quiet.IsQuiet)
            {
                await SubscribeAsync(channel, session, handler, consumers, stopping).ConfigureAwait(false);
            }

            // Seen twice in a row, so a channel caught between connection and consumer recovery is not mistaken for lost.
            var lostBefore = false;
            while (true)
            {
                await Task.WhenAny(Task.Delay(_options.RecoveryInterval, stopping), quietChanged).ConfigureAwait(false);
                stopping.ThrowIfCancellationRequested();
                if (quietChanged.IsCompleted)
                {
                    quietChanged = _quiet.Changed;
                    if (_quiet.IsQuiet && consumers.Count > 0)
                    {
                        // Quiet: no new deliveries; the handlers running finish and acknowledge as usual.
                        await CancelConsumersAsync(channel, consumers).ConfigureAwait(false);
                        LogQuiet(_logger, _options.QueueName);
                    }
                    else if (!_quiet.IsQuiet && consumers.Count == 0)
                    {
                        await SubscribeAsync(channel, session, handler, consumers, stopping).ConfigureAwait(false);
                        LogResumed(_logger, _options.QueueName);
                    }

                    continue;
                }

                var lost = connection.IsOpen && (channel.IsClosed || consumers.Exists(c => !c.Consumer.IsRunning));
                if (lost && lostBefore)
                {
                    LogConsumerLost(_logger, _options.QueueName, channel.CloseReason?.ReplyText ?? "consumer cancelled by the broker");
                    return;
                }

                lostBefore = lost;
            }
        }
        finally
        {
            if (stopping.IsCancellationRequested && channel.IsOpen)
            {
                await CancelConsumersAsync(channel, consumers).ConfigureAwait(false);
            }
            else
            {
                EngineTelemetry.QueueConsumersChanged(-consumers.Count);
                consumers.Clear();
            }

            // Handlers finish (and settle their messages) before the channel goes; closing it returns the rest.
            var drained = await session.DrainAsync(DrainTimeout).ConfigureAwait(false);
            if (!drained)
            {
                LogDrainTimedOut(_logger, _options.QueueName, DrainTimeout.TotalSeconds);
            }

            // The done messages still held behind one that never finished are acked before the channel goes.
            await session.Acks.FlushAsync().ConfigureAwait(false);

            _sessions.TryRemove(session, out _);
            await CloseQuietlyAsync(channel).ConfigureAwait(false);
            if (drained)
            {
                // A handler still running past the drain may yet settle its message (on the closed channel: nothing sent).
                session.Acks.Dispose();
            }
        }
    }

    private async Task SubscribeAsync(
        IChannel channel, ConsumerSession session, Func<WorkMessage, CancellationToken, Task> handler,
        List<(AsyncEventingBasicConsumer Consumer, string Tag)> consumers, CancellationToken stopping)
    {
        foreach (var shard in _consumedShards)
        {
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, delivery) => DispatchAsync(channel, session, delivery, handler, stopping);
            var tag = await channel.BasicConsumeAsync(_options.QueueNameOf(shard), autoAck: false, consumer, stopping).ConfigureAwait(false);
            consumers.Add((consumer, tag));
            EngineTelemetry.QueueConsumersChanged(1);
        }
    }

    // The broker delivers nothing more to them; what they hold runs to its end and is settled on the channel.
    private async Task CancelConsumersAsync(IChannel channel, List<(AsyncEventingBasicConsumer Consumer, string Tag)> consumers)
    {
        foreach (var (_, tag) in consumers)
        {
            try
            {
                await channel.BasicCancelAsync(tag, noWait: false, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransient(ex))
            {
                LogCloseFailed(_logger, "consumer", ex.Message);
            }
        }

        EngineTelemetry.QueueConsumersChanged(-consumers.Count);
        consumers.Clear();
    }

    // On the channel's one dispatch loop: waits for a free handler slot, decodes the body (the client reuses its memory
    // once this returns) and starts the handler, which runs here up to its first wait; then the loop takes the next delivery.
    private async Task DispatchAsync(
        IChannel channel, ConsumerSession session, BasicDeliverEventArgs delivery, Func<WorkMessage, CancellationToken, Task> handler, CancellationToken stopping)
    {
        session.Enter();
        var started = false;
        var slot = false;
        try
        {
            await session.Slots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            slot = true;
            var headers = delivery.BasicProperties.Headers;
            var tag = delivery.DeliveryTag;
            if (!WorkMessageCodec.TryDecode(delivery.Body.Span, WorkMessageCodec.ReadHeader(headers, WorkMessageCodec.TraceParentHeader), out var message))
            {
                // Redelivering a body nobody can read helps no one: straight to the dead-letter queue.
                LogUndecodable(_logger, _options.QueueName, delivery.Body.Length, delivery.BasicProperties.ContentType);
                started = true;
                _ = SettleUndecodableAsync(channel, session, tag);
                return;
            }

            started = true;
            _ = HandleDeliveryAsync(channel, session, tag, WorkMessageCodec.ReadDeliveryCount(headers), message, handler, stopping);
        }
        finally
        {
            if (!started)
            {
                if (slot)
                {
                    session.Slots.Release();
                }

                session.Exit();
            }
        }
    }

    private async Task SettleUndecodableAsync(IChannel channel, ConsumerSession session, ulong tag)
    {
        try
        {
            await session.Acks.SettleAloneAsync(
                tag, () => new ValueTask(SettleAsync(() => channel.BasicRejectAsync(tag, requeue: false, CancellationToken.None))))
                .ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The channel's session ended first: closing the channel returned the message.
        }
        finally
        {
            session.Slots.Release();
            session.Exit();
        }
    }

    private async Task HandleDeliveryAsync(
        IChannel channel, ConsumerSession session, ulong tag, long deliveryCount, WorkMessage message, Func<WorkMessage, CancellationToken, Task> handler,
        CancellationToken stopping)
    {
        try
        {
            if (!stopping.IsCancellationRequested)
            {
                try
                {
                    await handler(message, stopping).ConfigureAwait(false);
                    if (!stopping.IsCancellationRequested)
                    {
                        // With the others it can go with (AckWindow): never before the work is done.
                        await session.Acks.AckAsync(tag).ConfigureAwait(false);
                        return;
                    }
                }
                catch (Exception ex) when (!stopping.IsCancellationRequested)
                {
                    LogHandlerFailed(_logger, message.RunId, message.NodeId, deliveryCount + 1, ex);
                }
                catch (Exception)
                {
                    // Stopping: handed back below like any message caught by the stop.
                }
            }

            // Back to the queue for another worker; the quorum queue counts it toward the delivery limit. A handler
            // that finished its work just before the stop makes this a duplicate, which the claim on Version drops.
            await session.Acks.SettleAloneAsync(
                tag, () => new ValueTask(SettleAsync(() => channel.BasicNackAsync(tag, multiple: false, requeue: true, CancellationToken.None))))
                .ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The channel's session ended while this ran past its drain: closing the channel returned the message.
        }
        finally
        {
            session.Slots.Release();
            session.Exit();
        }
    }

    // An ack or nack that cannot be sent is not an error: the broker hands the message out again when the channel
    // closes. A delegate, because a closed channel throws before it returns a task.
    private async Task SettleAsync(Func<ValueTask> settle)
    {
        try
        {
            await settle().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransient(ex) || ex is ObjectDisposedException)
        {
            LogSettleFailed(_logger, _options.QueueName, ex.Message);
        }
    }

    /// <summary>One consuming channel, the handlers running on it and its acknowledgements.</summary>
    private sealed class ConsumerSession(IChannel channel, AckWindow acks, int parallelism)
    {
        private int _running;
        private TaskCompletionSource? _drained;

        public IChannel Channel => channel;

        public AckWindow Acks => acks;

        /// <summary>The handlers that may run at once (the consumer's parallelism); the dispatch loop waits for one.</summary>
        public SemaphoreSlim Slots { get; } = new(parallelism, parallelism);

        public void Enter() => Interlocked.Increment(ref _running);

        public void Exit()
        {
            if (Interlocked.Decrement(ref _running) == 0)
            {
                Volatile.Read(ref _drained)?.TrySetResult();
            }
        }

        /// <summary>Waits until no handler runs; false when <paramref name="timeout"/> passed first.</summary>
        public async Task<bool> DrainAsync(TimeSpan timeout)
        {
            var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _drained, drained);
            if (Volatile.Read(ref _running) == 0)
            {
                return true;
            }

            try
            {
                await drained.Task.WaitAsync(timeout).ConfigureAwait(false);
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consuming '{Queue}' failed; trying again in {DelayMs} ms: {Reason}")]
    private static partial void LogConsumeRetry(ILogger logger, string queue, double delayMs, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Quiet: no new work from '{Queue}'; the work held runs to its end")]
    private static partial void LogQuiet(ILogger logger, string queue);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming '{Queue}' again")]
    private static partial void LogResumed(ILogger logger, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The consumer of '{Queue}' was lost ({Reason}); consuming again")]
    private static partial void LogConsumerLost(ILogger logger, string queue, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handlers on '{Queue}' still ran {Seconds} s after the stop; closing their channel returns their messages to the queue")]
    private static partial void LogDrainTimedOut(ILogger logger, string queue, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "A message on '{Queue}' is not a work message ({Length} bytes, content type {ContentType}); dead-lettering it")]
    private static partial void LogUndecodable(ILogger logger, string queue, int length, string? contentType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handling work for run {RunId} node '{NodeId}' failed (delivery {Delivery}); handing it back to the queue")]
    private static partial void LogHandlerFailed(ILogger logger, Guid runId, string nodeId, long delivery, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Settling a message of '{Queue}' failed; the broker delivers it again: {Reason}")]
    private static partial void LogSettleFailed(ILogger logger, string queue, string reason);
}
