namespace FlowForge.Server.Hosting;

/// <summary>How work reaches workers (<c>Queue:Provider</c>, <c>--queue</c>).</summary>
public enum QueueKind
{
    InProcess,
    RabbitMq,
}
