using System.Reflection;
using FlowForge.Engine.Nodes;

namespace FlowForge.Server.Hosting;

/// <summary>
/// Loads node types from the plugins folder at start-up, each plugin in its own load context, and registers them
/// through the same discovery as the built-in ones. A plugin that cannot be loaded, or that defines a node type id
/// already taken, stops start-up with an error naming its file: a flow must not silently lose its node types.
/// </summary>
internal static class PluginLoader
{
    public static IServiceCollection AddPlugins(this IServiceCollection services, IConfiguration configuration)
    {
        // Read here because node types must be registered before the container is built; the validator reports bad values at start.
        services.AddValidatedOptions<PluginOptions, PluginOptionsValidator>(PluginOptions.Section);
        var options = configuration.GetSection(PluginOptions.Section).Get<PluginOptions>() ?? new PluginOptions();
        if (string.IsNullOrWhiteSpace(options.Directory))
        {
            return services;
        }

        if (options.Directory.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            return services;
        }

        var directory = Path.GetFullPath(options.Directory);
        if (!Directory.Exists(directory))
        {
            return services;
        }

        var taken = TakenIds(services);
        foreach (var path in MainAssemblies(directory))
        {
            var assembly = Load(path);
            foreach (var type in FindNodeTypes(assembly, path))
            {
                var id = type.GetCustomAttribute<NodeTypeAttribute>()!.Id;
                if (!taken.TryAdd(id, path))
                {
                    throw new InvalidOperationException(
                        $"Plugin '{path}' defines node type '{id}', which {taken[id]} already defines. Remove one of them from {PluginOptions.Section}:Directory ('{directory}').");
                }
            }

            services.AddNodeTypes(assembly);
        }

        return services;
    }

    /// <summary>The plugin entry assemblies: each top-level .dll, and in each subfolder the one assembly with a .deps.json that the host does not supply.</summary>
    private static IEnumerable<string> MainAssemblies(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*.dll").Order(StringComparer.Ordinal))
        {
            yield return file;
        }

        foreach (var folder in Directory.EnumerateDirectories(directory).Order(StringComparer.Ordinal))
        {
            var candidates = Directory.EnumerateFiles(folder, "*.deps.json")
                .Select(deps => Path.Combine(folder, Path.GetFileName(deps)[..^".deps.json".Length] + ".dll"))
                .Where(dll => File.Exists(dll) && !PluginLoadContext.HostHas(new AssemblyName(Path.GetFileNameWithoutExtension(dll))))
                .ToList();
            if (candidates.Count != 1)
            {
                throw new InvalidOperationException(
                    $"Plugin folder '{folder}' must hold exactly one assembly with a .deps.json that FlowForge does not already have (the output of 'dotnet build -o'), but it holds {candidates.Count}.");
            }

            yield return candidates[0];
        }
    }

    private static Assembly Load(string path)
    {
        try
        {
            return new PluginLoadContext(path).LoadFromAssemblyPath(path);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or FileNotFoundException)
        {
            throw new InvalidOperationException($"Plugin '{path}' could not be loaded: {e.Message}", e);
        }
    }

    private static List<Type> FindNodeTypes(Assembly assembly, string path)
    {
        try
        {
            return [.. NodeTypeDiscovery.FindIn(assembly)];
        }
        catch (ReflectionTypeLoadException e)
        {
            var first = e.LoaderExceptions.FirstOrDefault(x => x is not null)?.Message ?? e.Message;
            throw new InvalidOperationException($"Plugin '{path}' could not be loaded: {first} (was it built against this FlowForge version?)", e);
        }
    }

    private static Dictionary<string, string> TakenIds(IServiceCollection services)
    {
        var taken = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var descriptor in services.Where(d => d.ServiceType == typeof(INodeType)))
        {
            if (descriptor.ImplementationType is { } type && type.GetCustomAttribute<NodeTypeAttribute>() is { } attribute)
            {
                taken.TryAdd(attribute.Id, $"the built-in {type.Name}");
            }
        }

        return taken;
    }
}
