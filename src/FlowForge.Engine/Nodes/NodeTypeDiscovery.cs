using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlowForge.Engine.Nodes;

/// <summary>Finds node types by scanning assemblies for classes marked with <see cref="NodeTypeAttribute"/>.</summary>
public static class NodeTypeDiscovery
{
    public static IEnumerable<Type> FindIn(Assembly assembly) =>
        assembly.GetTypes().Where(t => t is { IsAbstract: false, IsClass: true }
            && typeof(INodeType).IsAssignableFrom(t)
            && t.GetCustomAttribute<NodeTypeAttribute>() is not null);

    /// <summary>Registers every node type of the given assemblies as a singleton, plus the registry.</summary>
    public static IServiceCollection AddNodeTypes(this IServiceCollection services, params Assembly[] assemblies)
    {
        foreach (var type in assemblies.SelectMany(FindIn))
        {
            services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(INodeType), type));
        }

        services.TryAddSingleton<INodeTypeRegistry, NodeTypeRegistry>();

        // Node types may take IOptions<T> for their settings; unbound sections give the defaults.
        services.AddOptions();
        return services;
    }
}
