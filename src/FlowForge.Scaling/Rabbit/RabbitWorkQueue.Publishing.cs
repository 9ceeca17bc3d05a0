using System.Diagnostics;
using System.Runtime.ExceptionServices;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Storage;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace FlowForge.Scaling.Rabbit;

public sealed partial class RabbitWorkQueue
{
    // Confirms awaited at once on the publishing channel; the client library throttles publishing beyond it.
    private const int MaxOutstandingConfirms = 1_024;

    private readonly SemaphoreSlim _publishGate = new(1, 1);
    private readonly ThrottlingRateLimiter _confirmLimiter = new(MaxOutstandingConfirms);
    private IChannel? _publishChannel;

    public async ValueTask PublishAsync(IReadOnlyList<WorkMessage> messages, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        if (messages.Count == 0)
        {
            return;
        }

        var bodies = new byte[messages.Count][];
        var pending = new List<int>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            bodies[i] = WorkMessageCodec.Encode(messages[i]);
            pending.Add(i);
        }

        // One deadline for the whole call, so a broker that blocks publishers (resource alarm) cannot hold it forever either.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.PublishTimeout);
        var started = Stopwatch.GetTimestamp();
        var delay = FirstRetryDelay;
        Exception? failure = null;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var channel = await GetPublishChannelAsync(deadline.Token).ConfigureAwait(false);
                    failure = await PublishPendingAsync(channel, messages, bodies, pending, deadline.Token).ConfigureAwait(false);
                    if (failure is null)
                    {
                        return;
                    }
                }
                catch (Exception ex) when (IsTransient(ex) && !deadline.IsCancellationRequested)
                {
                    failure = ex;
                }

                if (Stopwatch.GetElapsedTime(started) + delay > _options.PublishTimeout)
                {
                    break;
                }

                LogPublishRetry(_logger, pending.Count, _options.QueueName, attempt, delay.TotalMilliseconds, failure.Message);
                await Task.Delay(delay, deadline.Token).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.RecoveryInterval.Ticks));
            }
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            failure ??= ex;
        }

        throw new TimeoutException(
            $"RabbitMQ did not confirm {pending.Count} of {messages.Count} work messages for queue '{_options.QueueName}' within {_options.PublishTimeout.TotalSeconds:0.#} s: " +
            $"the broker is unreachable, recovering or blocking publishers ({failure.Message}). Check that it runs and that " +
            $"{RabbitOptions.Section}:{nameof(RabbitOptions.ConnectionString)} points at it.",
            failure);
    }

    /// <summary>
    /// Publishes every pending message at once and waits for all confirms. Confirmed messages leave
    /// <paramref name="pending"/>; those cut off by a lost connection stay for the next attempt.
    /// </summary>
    /// <returns>The failure that left messages pending, or null when none are left.</returns>
    private async Task<Exception?> PublishPendingAsync(
        IChannel channel, IReadOnlyList<WorkMessage> messages, byte[][] bodies, List<int> pending, CancellationToken cancellationToken)
    {
        var publishes = new Task[pending.Count];
        for (var i = 0; i < publishes.Length; i++)
        {
            var index = pending[i];
            try
            {
                publishes[i] = channel.BasicPublishAsync(
                    CachedString.Empty, _routingKeys[RunShards.ShardOf(messages[index].RunId, _routingKeys.Length)], mandatory: true, PropertiesFor(messages[index]), bodies[index], cancellationToken).AsTask();
            }
            catch (Exception ex)
            {
                publishes[i] = Task.FromException(ex);
            }
        }

        var stillPending = new List<int>();
        Exception? transient = null;
        Exception? fatal = null;
        PublishException? refused = null;
        var refusedCount = 0;
        for (var i = 0; i < publishes.Length; i++)
        {
            try
            {
                await publishes[i].ConfigureAwait(false);
            }
            catch (PublishException ex)
            {
                refused ??= ex;
                refusedCount++;
            }
            catch (Exception ex) when (IsTransient(ex))
            {
                stillPending.Add(pending[i]);
                transient = ex;
            }
            catch (Exception ex)
            {
                fatal ??= ex;
            }
        }

        if (fatal is not null)
        {
            ExceptionDispatchInfo.Throw(fatal);
        }

        if (refused is not null)
        {
            var why = refused.IsReturn
                ? "returned as unroutable: the queue does not exist on the broker"
                : "negatively acknowledged by the broker";
            throw new InvalidOperationException(
                $"RabbitMQ refused {refusedCount} of {messages.Count} work messages for queue '{_options.QueueName}' ({why}).", refused);
        }

        pending.Clear();
        pending.AddRange(stillPending);
        return pending.Count == 0 ? null : transient;
    }

    private static BasicProperties PropertiesFor(WorkMessage message)
    {
        var properties = new BasicProperties
        {
            ContentType = WorkMessageCodec.ContentType,
            Persistent = true,
        };
        if (message.TraceParent is not null)
        {
            properties.Headers = new Dictionary<string, object?> { [WorkMessageCodec.TraceParentHeader] = message.TraceParent };
        }

        return properties;
    }

    private async ValueTask<IChannel> GetPublishChannelAsync(CancellationToken cancellationToken)
    {
        var channel = Volatile.Read(ref _publishChannel);
        if (channel is not null && !IsAbandoned(channel))
        {
            return channel;
        }

        await _publishGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
            channel = _publishChannel;
            if (channel is not null && !IsAbandoned(channel))
            {
                return channel;
            }

            var connection = await _publisher.GetAsync(cancellationToken).ConfigureAwait(false);
            if (channel is not null)
            {
                await CloseQuietlyAsync(channel).ConfigureAwait(false);
            }

            channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(
                    publisherConfirmationsEnabled: true,
                    publisherConfirmationTrackingEnabled: true,
                    outstandingPublisherConfirmationsRateLimiter: _confirmLimiter),
                cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _publishChannel, channel);
            return channel;
        }
        finally
        {
            _publishGate.Release();
        }
    }

    // A channel closed while its connection is open was closed by the broker (a channel error) and is never
    // recovered; one closed with its connection comes back when the connection does.
    private bool IsAbandoned(IChannel channel) => channel.IsClosed && _publisher.IsOpen;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing {Count} work messages to '{Queue}' failed (attempt {Attempt}); retrying in {DelayMs} ms: {Reason}")]
    private static partial void LogPublishRetry(ILogger logger, int count, string queue, int attempt, double delayMs, string reason);
}
