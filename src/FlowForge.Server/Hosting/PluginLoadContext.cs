using System.Reflection;
using System.Runtime.Loader;

namespace FlowForge.Server.Hosting;

/// <summary>
/// One plugin's assemblies. What the host already has (FlowForge.Engine, the framework, shared packages) comes from
/// the default context, so <c>INodeType</c> is the same type on both sides; the rest comes from the plugin's own folder.
/// </summary>
internal sealed class PluginLoadContext(string mainAssemblyPath)
    : AssemblyLoadContext($"plugin:{Path.GetFileNameWithoutExtension(mainAssemblyPath)}", isCollectible: false)
{
    private readonly AssemblyDependencyResolver _resolver = new(mainAssemblyPath);

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (HostHas(assemblyName))
        {
            return null;
        }

        var path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }

    /// <summary>Whether the default context can supply the assembly; if so the plugin shares the host's copy.</summary>
    public static bool HostHas(AssemblyName assemblyName)
    {
        try
        {
            Default.LoadFromAssemblyName(new AssemblyName(assemblyName.Name!));
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (FileLoadException)
        {
            return false;
        }
    }
}
