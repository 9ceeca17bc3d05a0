using FlowForge.Engine.Nodes;

namespace FlowForge.Tests.Testing;

/// <summary>A node type whose settings constructor refuses values, the way settings with their own rules may.</summary>
[NodeType("test.strict", "Strict settings test node", Category = NodeCategory.Action)]
public sealed class StrictSettingsNode : Node<StrictSettingsNode.Settings>
{
    public sealed record Settings
    {
        public Settings(string code = "ok")
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(code.Length, 3, nameof(code));
            Code = code;
        }

        public string Code { get; }
    }

    protected override Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken) =>
        Task.FromResult(NodeResult.To(NodePorts.Main, null));
}
