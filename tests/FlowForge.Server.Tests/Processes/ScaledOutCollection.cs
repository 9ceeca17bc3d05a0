namespace FlowForge.Server.Tests.Processes;

/// <summary>Tests that restart the shared RabbitMQ node must not run beside each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ScaledOutCollection
{
    public const string Name = "scaled-out processes";
}
