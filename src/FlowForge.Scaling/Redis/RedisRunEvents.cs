using FlowForge.Engine.Runs;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace FlowForge.Scaling.Redis;

/// <summary>
/// <see cref="IRunEvents"/> across processes: an event is delivered to this process's subscribers at once and
/// published on a Redis channel; events other processes publish there reach the subscribers here. So live run
/// views, callers waiting for a run (<c>Prefer: wait</c>) and cancellations work whichever process the change
/// happened in. Delivery between processes is at most once (Redis pub/sub): the run store stays the record.
/// </summary>
public sealed partial class RedisRunEvents : IRunEvents, IAsyncDisposable
{
    private readonly RunEventHub _local = new();
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisChannel _channel;
    private readonly RedisChannelListener _listener;
    private readonly ILogger<RedisRunEvents> _logger;

    public RedisRunEvents(IConnectionMultiplexer redis, RedisOptions options, ILogger<RedisRunEvents> logger)
    {
        _redis = redis;
        _logger = logger;
        _channel = RedisChannel.Literal(options.KeyPrefix + "runs:events");
        _listener = new RedisChannelListener(redis, _channel, OnMessageAsync, logger);
    }

    /// <summary>Tells this instance's own events apart when Redis echoes them back.</summary>
    public Guid InstanceId { get; } = Guid.NewGuid();

    /// <summary>True once events from other processes arrive.</summary>
    public bool IsListening => _listener.IsListening;

    /// <summary>Subscribes to events of other processes and waits until they arrive.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => _listener.StartAsync(cancellationToken);

    public void Publish(RunEvent runEvent)
    {
        // Other processes first: a local handler that throws must not keep them uninformed.
        PublishRemote(runEvent);
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

    public ValueTask DisposeAsync() => _listener.DisposeAsync();

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
