using FlowForge.Engine.Runs;
using FlowForge.Nodes;

namespace FlowForge.Tests.Architecture;

/// <summary>Dependencies point one way: the engine and the node library know nothing of HTTP hosting, databases or brokers.</summary>
public sealed class DependencyRulesTests
{
    private static readonly string[] Forbidden =
    [
        "Microsoft.AspNetCore", "Microsoft.Data", "System.Data.SqlClient", "Npgsql", "MySqlConnector", "RabbitMQ", "StackExchange.Redis",
        "FlowForge.Storage", "FlowForge.Scaling", "FlowForge.Server", "flowforge", "OpenTelemetry",
    ];

    [Fact]
    public void EngineAssembly_ReferencesNoHostingDatabaseOrBrokerPackage()
    {
        var references = typeof(RunCoordinator).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Contains("Microsoft.Extensions.Hosting.Abstractions", references);
        Assert.DoesNotContain(references, name => Forbidden.Any(f => name.StartsWith(f, StringComparison.Ordinal)));
    }

    [Fact]
    public void NodesAssembly_ReferencesOnlyTheEngine()
    {
        var references = NodesAssembly.Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Contains("FlowForge.Engine", references);
        Assert.DoesNotContain(references, name => Forbidden.Any(f => name.StartsWith(f, StringComparison.Ordinal)));
    }
}
