using System.Diagnostics.CodeAnalysis;

namespace FlowForge.Engine.Nodes;

/// <summary>The node types found at start-up.</summary>
public interface INodeTypeRegistry
{
    IReadOnlyCollection<INodeType> All { get; }

    bool TryGet(string typeId, [MaybeNullWhen(false)] out INodeType nodeType);
}
