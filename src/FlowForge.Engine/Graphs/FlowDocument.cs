using System.Text.Json.Nodes;

namespace FlowForge.Engine.Graphs;

/// <summary>
/// A flow as the canvas sends it (React Flow shape). Only the fields FlowForge reads are modelled;
/// the stored JSON keeps everything else the editor adds.
/// </summary>
public sealed record FlowDocument(string Name, IReadOnlyList<FlowNode> Nodes, IReadOnlyList<FlowEdge> Edges);

/// <summary>A node as drawn: its id, FlowForge node type id, position, label and config.</summary>
public sealed record FlowNode(string Id, string Type, double X, double Y, string? Label, JsonNode? Config, JsonObject? Data);

/// <summary>An edge from <see cref="Source"/> (leaving through port <see cref="SourceHandle"/>) to <see cref="Target"/>.</summary>
public sealed record FlowEdge(string Id, string Source, string Target, string? SourceHandle);
