using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace FlowForge.Scaling.Redis;

/// <summary>
/// Listens on one pub/sub channel and hands its messages, in order, to a callback. Subscribing retries in the
/// background until Redis answers; once subscribed, StackExchange.Redis subscribes again after reconnections.
/// </summary>
internal sealed partial class RedisChannelListener(IConnectionMultiplexer redis, RedisChannel channel, Func<RedisValue, Task> onMessage, ILogger logger)
    : IAsyncDisposable
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task? _loop;
    private ChannelMessageQueue? _queue;
    private int _disposed;

    /// <summary>True once the subscription is in place.</summary>
    public bool IsListening => _subscribed.Task.IsCompletedSuccessfully;

    /// <summary>Starts subscribing if that has not begun; does not wait.</summary>
    public void Start()
    {
        if (Volatile.Read(ref _loop) is null && Volatile.Read(ref _disposed) == 0)
        {
            lock (_gate)
            {
                _loop ??= Task.Run(SubscribeAsync);
            }
        }
    }

    /// <summary>Starts subscribing and waits until the subscription is in place.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Start();
        return _subscribed.Task.WaitAsync(cancellationToken);
    }

    private async Task SubscribeAsync()
    {
        var delay = FirstRetryDelay;
        var subscriber = redis.GetSubscriber();
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                // A queue, not a handler: StackExchange.Redis runs handlers concurrently, a queue in order.
                var queue = await subscriber.SubscribeAsync(channel).ConfigureAwait(false);
                queue.OnMessage(DeliverAsync);
                _queue = queue;
                _subscribed.TrySetResult();
                return;
            }
            catch (Exception ex)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }

                LogSubscribeFailed(logger, channel.ToString(), delay.TotalSeconds, ex.Message);
            }

            // A failed subscribe may still have registered a queue that nobody would read; drop it.
            try
            {
                await subscriber.UnsubscribeAsync(channel).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogUnsubscribeFailed(logger, channel.ToString(), ex.Message);
            }

            try
            {
                await Task.Delay(delay, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }

    private async Task DeliverAsync(ChannelMessage message)
    {
        try
        {
            await onMessage(message.Message).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogHandlerFailed(logger, channel.ToString(), ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The container disposes a singleton once per registration it is reachable through.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        Task? loop;
        lock (_gate)
        {
            loop = _loop;
        }

        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        if (_queue is { } queue)
        {
            try
            {
                await queue.UnsubscribeAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogUnsubscribeFailed(logger, channel.ToString(), ex.Message);
            }
        }

        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscribing to Redis channel '{Channel}' failed; trying again in {DelaySeconds} s: {Reason}")]
    private static partial void LogSubscribeFailed(ILogger logger, string channel, double delaySeconds, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Unsubscribing from Redis channel '{Channel}' failed: {Reason}")]
    private static partial void LogUnsubscribeFailed(ILogger logger, string channel, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling a message from Redis channel '{Channel}' failed")]
    private static partial void LogHandlerFailed(ILogger logger, string channel, Exception exception);
}
