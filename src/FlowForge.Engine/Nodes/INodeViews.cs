using FlowForge.Engine.Credentials;

namespace FlowForge.Engine.Nodes;

/// <summary>Makes the views of a node execution that the node asks for (<see cref="NodeContext.Views"/>).</summary>
internal interface INodeViews
{
    IRunBlobWriter? BlobsFor(NodeContext context);

    IChildRuns? ChildrenFor(NodeContext context);

    INodeConnections? ConnectionsFor(NodeContext context);
}
