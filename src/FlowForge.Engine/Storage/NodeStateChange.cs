using FlowForge.Engine.Runs;

namespace FlowForge.Engine.Storage;

public sealed record NodeStateChange(string NodeId, NodeStatus Status);
