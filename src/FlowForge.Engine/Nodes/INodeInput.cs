using System.Text.Json.Nodes;

namespace FlowForge.Engine.Nodes;

/// <summary>A node's input that the engine builds the first time it is read (outputs in the blob store are read then).</summary>
internal interface INodeInput
{
    JsonNode? Input { get; }

    JsonNode? RunInput { get; }
}
