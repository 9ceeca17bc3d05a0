namespace FlowForge.Scaling.Rabbit;

/// <summary>The RabbitMQ work queue; bound to configuration section <c>Queue</c>.</summary>
public sealed class RabbitOptions
{
    public const string Section = "Queue";

    /// <summary>AMQP URI of the broker, e.g. <c>amqp://user:password@rabbitmq:5672/vhost</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The work queue. Its dead-letter exchange and queue are named after it (<c>.dlx</c>, <c>.dead</c>).</summary>
    public string QueueName { get; set; } = "flowforge.work";

    /// <summary>
    /// Work queues, one per state shard (set from <c>Storage:Shards</c>): a message goes to the queue of its run's shard,
    /// <c>&lt;QueueName&gt;</c> for shard 0 and <c>&lt;QueueName&gt;.&lt;shard&gt;</c> for the others.
    /// </summary>
    public int Shards { get; set; } = 1;

    /// <summary>
    /// The shards whose queues this process consumes, comma-separated (e.g. <c>0,2</c>); empty consumes every shard's queue.
    /// </summary>
    public string? ConsumeShards { get; set; }

    /// <summary>How many unacknowledged messages the broker hands one consumer ahead (raised to the consumer's parallelism).</summary>
    public int Prefetch { get; set; } = 64;

    /// <summary>How often a message may be returned to the queue before it is dead-lettered (quorum <c>x-delivery-limit</c>).</summary>
    public int DeliveryLimit { get; set; } = 5;

    /// <summary>How long a publish keeps retrying while the connection recovers before it gives up.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Pause between reconnection attempts after the broker went away.</summary>
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Throws naming the setting at fault; called when the queue is registered and created.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString)
            || !Uri.TryCreate(ConnectionString, UriKind.Absolute, out var uri)
            || (uri.Scheme != "amqp" && uri.Scheme != "amqps"))
        {
            throw new InvalidOperationException(
                $"{Section}:{nameof(ConnectionString)} must be an AMQP URI such as amqp://user:password@host:5672/ (got '{Redact(ConnectionString)}').");
        }

        if (string.IsNullOrWhiteSpace(QueueName) || QueueName.Length > 200)
        {
            throw new InvalidOperationException($"{Section}:{nameof(QueueName)} must be a name of 1 to 200 characters.");
        }

        if (Shards is < 1 or > MaxShards)
        {
            throw new InvalidOperationException($"{Section}:{nameof(Shards)} must be from 1 to {MaxShards} (got {Shards}); it follows Storage:Shards.");
        }

        _ = ConsumedShards();

        if (Prefetch is < 1 or > ushort.MaxValue)
        {
            throw new InvalidOperationException($"{Section}:{nameof(Prefetch)} must be between 1 and {ushort.MaxValue} (got {Prefetch}).");
        }

        if (DeliveryLimit < 1)
        {
            throw new InvalidOperationException($"{Section}:{nameof(DeliveryLimit)} must be at least 1 (got {DeliveryLimit}).");
        }

        if (PublishTimeout <= TimeSpan.Zero || RecoveryInterval <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{Section}:{nameof(PublishTimeout)} and {Section}:{nameof(RecoveryInterval)} must be positive.");
        }
    }

    /// <summary>Most work queues, as many as the store has shards at most.</summary>
    public const int MaxShards = 1024;

    /// <summary>The shards this process consumes, in order, without repeats; every shard when <see cref="ConsumeShards"/> is empty.</summary>
    public IReadOnlyList<int> ConsumedShards()
    {
        if (string.IsNullOrWhiteSpace(ConsumeShards))
        {
            return [.. Enumerable.Range(0, Shards)];
        }

        var shards = new SortedSet<int>();
        foreach (var part in ConsumeShards.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var shard) || shard >= Shards)
            {
                throw new InvalidOperationException(
                    $"{Section}:{nameof(ConsumeShards)} must list shard numbers from 0 to {Shards - 1}, comma-separated (e.g. '0,2'); '{part}' is not one (got '{ConsumeShards}').");
            }

            shards.Add(shard);
        }

        return [.. shards];
    }

    /// <summary>The work queue of a shard: the configured name for shard 0, with <c>.&lt;shard&gt;</c> for the others.</summary>
    public string QueueNameOf(int shard) => shard == 0 ? QueueName : $"{QueueName}.{shard}";

    // Error messages must not carry the password of the URI.
    private static string Redact(string? connectionString) =>
        connectionString is null ? "" :
        Uri.TryCreate(connectionString, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
            ? connectionString.Replace(uri.UserInfo, "***", StringComparison.Ordinal)
            : connectionString;
}
