namespace FlowForge.Server.Tests.Processes;

/// <summary>
/// Tests of clusters of real processes (an api and workers of the built CLI): one at a time, so no two clusters compete
/// for the cores, but beside the in-process classes, and started first (<see cref="Testing.ScaledOutFirstOrderer"/>):
/// they are the longest lane, and run alone at the end they left the machine partly idle for minutes. None restarts a
/// shared server: the fault test restarts a RabbitMQ of its own.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ScaledOutCollection
{
    public const string Name = "scaled-out processes";
}
