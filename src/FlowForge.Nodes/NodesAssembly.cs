using System.Reflection;

namespace FlowForge.Nodes;

/// <summary>Points at the assembly of built-in node types: <c>services.AddNodeTypes(NodesAssembly.Assembly)</c>.</summary>
public static class NodesAssembly
{
    public static Assembly Assembly { get; } = typeof(NodesAssembly).Assembly;
}
