using System.Diagnostics.CodeAnalysis;

namespace FlowForge.Engine.Nodes;

public sealed class NodeTypeRegistry : INodeTypeRegistry
{
    private readonly Dictionary<string, INodeType> _byId;

    public NodeTypeRegistry(IEnumerable<INodeType> nodeTypes)
    {
        _byId = new Dictionary<string, INodeType>(StringComparer.Ordinal);
        foreach (var nodeType in nodeTypes)
        {
            if (!_byId.TryAdd(nodeType.Descriptor.Id, nodeType))
            {
                throw new InvalidOperationException($"Two node types share the id '{nodeType.Descriptor.Id}'.");
            }
        }
    }

    public IReadOnlyCollection<INodeType> All => _byId.Values;

    public bool TryGet(string typeId, [MaybeNullWhen(false)] out INodeType nodeType) => _byId.TryGetValue(typeId, out nodeType);
}
