using FlowForge.Engine.Runs;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace FlowForge.Scaling.Redis;

/// <summary>
/// <see cref="IRunEvents"/> across processes: an event is delivered to this process's subscribers at once and, when
/// another process wants it, published on a Redis channel; events other processes publish there reach the subscribers
/// here. So live run views, callers waiting for a run (<c>Prefer: wait</c>) and cancellations work whichever process
/// the change happened in. Delivery between processes is at most once (Redis pub/sub): the run store stays the record.
/// <para>
/// Which events travel: failures and cancellations always (notifications and workers listen to every run); any other
/// event only for runs that some process watches (<see cref="Watch"/>). Watches are announced on a second channel and
/// every process keeps the table of watched runs, so deciding costs a dictionary look-up, not a round trip.
/// </para>
/// </summary>
public sealed partial class RedisRunEvents : IRunEvents, IAsyncDisposable
{
    private readonly RunEventHub _local = new();
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisChannel _channel;
    private readonly RedisChannelListener _listener;
    private readonly ILogger<RedisRunEvents> _logger;

    public RedisRunEvents(IConnectionMultiplexer redis, RedisOptions options, ILogger<RedisRunEvents> logger, TimeProvider? time = null)
    {
        _redis = redis;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _channel = RedisChannel.Literal(options.KeyPrefix + "runs:events");
        _listener = new RedisChannelListener(redis, _channel, OnMessageAsync, logger);
        _watchChannel = RedisChannel.Literal(options.KeyPrefix + "runs:watches");
        _watchListener = new RedisChannelListener(redis, _watchChannel, OnWatchMessageAsync, logger);
        _watchLifetime = options.WatchLifetime;
        _unsent = new RunEvent?[options.UnwatchedEventsKept];
    }

    /// <summary>Tells this instance's own events apart when Redis echoes them back.</summary>
    public Guid InstanceId { get; } = Guid.NewGuid();

    /// <summary>True once events and watches from other processes arrive.</summary>
    public bool IsListening => _listener.IsListening && _watchListener.IsListening;

    /// <summary>Events sent to other processes by this instance; for tests and measurements.</summary>
    public long SentCount => Interlocked.Read(ref _sent);

    /// <summary>Subscribes to events and watches of other processes and waits until they arrive.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        StartWatching();
        return Task.WhenAll(_listener.StartAsync(cancellationToken), _watchListener.StartAsync(cancellationToken));
    }

    public void Publish(RunEvent runEvent)
    {
        // Other processes first: a local handler that throws must not keep them uninformed.
        if (IsAlwaysSent(runEvent))
        {
            SendWithKept(runEvent);
        }
        else
        {
            SendIfWatched(runEvent);
        }

        _local.Publish(runEvent);
    }

    public IDisposable Subscribe(Guid? runId, Action<RunEvent> handler)
    {
        if (!_listener.IsListening)
        {
            _listener.Start();
        }

        return _local.Subscribe(runId, handler);
    }

    public async ValueTask DisposeAsync()
    {
        await StopWatchingAsync().ConfigureAwait(false);
        await _watchListener.DisposeAsync().ConfigureAwait(false);
        await _listener.DisposeAsync().ConfigureAwait(false);
    }

    private void PublishRemote(RunEvent runEvent)
    {
        byte[] payload;
        try
        {
            payload = RunEventJson.Serialize(InstanceId, runEvent);
        }
        catch (NotSupportedException ex)
        {
            LogNotSerializable(_logger, runEvent.GetType().Name, ex.Message);
            return;
        }

        try
        {
            // Fire and forget keeps Publish non-blocking; commands on one connection keep their order.
            _redis.GetSubscriber().Publish(_channel, payload, CommandFlags.FireAndForget);
            Interlocked.Increment(ref _sent);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogPublishFailed(_logger, runEvent.RunId, ex.Message);
        }
    }

    private Task OnMessageAsync(RedisValue message)
    {
        if (!RunEventJson.TryDeserialize((byte[])message!, out var origin, out var runEvent))
        {
            LogUnreadable(_logger, _channel.ToString());
        }
        else if (origin != InstanceId)
        {
            _local.Publish(runEvent);
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Run event {EventType} cannot be sent to other processes: {Reason}")]
    private static partial void LogNotSerializable(ILogger logger, string eventType, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending an event of run {RunId} to other processes failed: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, Guid runId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring an unreadable message on Redis channel '{Channel}'")]
    private static partial void LogUnreadable(ILogger logger, string channel);
}
