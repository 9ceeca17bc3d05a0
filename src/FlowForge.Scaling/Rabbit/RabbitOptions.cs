namespace FlowForge.Scaling.Rabbit;

/// <summary>The RabbitMQ work queue; bound to configuration section <c>Queue</c>.</summary>
public sealed class RabbitOptions
{
    public const string Section = "Queue";

    /// <summary>AMQP URI of the broker, e.g. <c>amqp://user:password@rabbitmq:5672/vhost</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The work queue. Its dead-letter exchange and queue are named after it (<c>.dlx</c>, <c>.dead</c>).</summary>
    public string QueueName { get; set; } = "flowforge.work";

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

    // Error messages must not carry the password of the URI.
    private static string Redact(string? connectionString) =>
        connectionString is null ? "" :
        Uri.TryCreate(connectionString, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
            ? connectionString.Replace(uri.UserInfo, "***", StringComparison.Ordinal)
            : connectionString;
}
