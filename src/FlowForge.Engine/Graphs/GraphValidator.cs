using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Expressions;
using FlowForge.Engine.Json;
using FlowForge.Engine.Nodes;
using FlowForge.Engine.Policies;

namespace FlowForge.Engine.Graphs;

/// <summary>
/// Checks a parsed flow against the rules a run relies on and reports every problem at once:
/// limits, unique ids, known node types and ports (a switch's from its config), edges between existing nodes, no loops,
/// at least one trigger, every node reached from some trigger, configs that fit their node type, and expressions that read only
/// nodes running earlier. Work is linear in nodes and edges, except the upstream check for expressions,
/// which keeps one bit per node pair (about 125 KB for a thousand nodes), built only when some expression names a node.
/// </summary>
public sealed class GraphValidator(INodeTypeRegistry registry, FlowLimits limits)
{
    private const string TemplateOpen = "{{";

    public IReadOnlyList<GraphProblem> Validate(FlowDocument document)
    {
        var problems = new List<GraphProblem>();
        var nodes = document.Nodes;
        var edges = document.Edges;

        // Past the limits nothing else is examined: the limits exist to bound this very work.
        if (nodes.Count > limits.MaxNodes)
        {
            problems.Add(new GraphProblem(GraphProblemCodes.TooManyNodes, Invariant($"The flow has {nodes.Count} nodes; at most {limits.MaxNodes} are allowed. Split it into smaller flows."), Field: "nodes"));
        }

        if (edges.Count > limits.MaxEdges)
        {
            problems.Add(new GraphProblem(GraphProblemCodes.TooManyNodes, Invariant($"The flow has {edges.Count} edges; at most {limits.MaxEdges} are allowed. Split it into smaller flows."), Field: "edges"));
        }

        CheckSizes(document, problems);
        if (problems.Count > 0)
        {
            return problems;
        }

        var graph = new FlowGraph(document);
        var types = CheckNodes(graph, problems);
        var policies = CheckPolicies(graph, problems);
        CheckEdges(graph, types, policies, problems);
        var order = graph.TopologicalOrder();
        CheckCycles(graph, order, problems);
        CheckTriggers(graph, types, problems);
        CheckConfigs(graph, types, order, problems);
        return problems;
    }

    /// <summary>Lengths and sizes every store can keep: ids, names and labels in characters, configs in bytes.</summary>
    private void CheckSizes(FlowDocument document, List<GraphProblem> problems)
    {
        if (document.Name.Length > limits.MaxNameLength)
        {
            problems.Add(new GraphProblem(GraphProblemCodes.TooLong, Invariant($"The flow name has {document.Name.Length} characters; at most {limits.MaxNameLength} are allowed. Shorten it."), Field: "name"));
        }

        for (var i = 0; i < document.Nodes.Count; i++)
        {
            var node = document.Nodes[i];
            if (node.Id.Length > limits.MaxIdLength)
            {
                problems.Add(new GraphProblem(
                    GraphProblemCodes.TooLong,
                    Invariant($"nodes[{i}].id has {node.Id.Length} characters; at most {limits.MaxIdLength} are allowed. Give the node a shorter id."),
                    Shorten(node.Id),
                    Field: Invariant($"nodes[{i}].id")));
            }

            if (node.Label is { } label && label.Length > limits.MaxNameLength)
            {
                problems.Add(new GraphProblem(
                    GraphProblemCodes.TooLong,
                    Invariant($"The label of node '{Shorten(node.Id)}' has {label.Length} characters; at most {limits.MaxNameLength} are allowed. Shorten it."),
                    Shorten(node.Id),
                    Field: Invariant($"nodes[{i}].data.label")));
            }

            if (node.Config is { } config && JsonPolicy.Utf8Length(config) is var bytes && bytes > limits.MaxNodeConfigBytes)
            {
                problems.Add(new GraphProblem(
                    GraphProblemCodes.TooLarge,
                    Invariant($"The config of node '{Shorten(node.Id)}' takes {bytes} bytes; at most {limits.MaxNodeConfigBytes} are allowed. Move large values into the run input."),
                    Shorten(node.Id),
                    Field: Invariant($"nodes[{i}].data.config")));
            }
        }

        for (var e = 0; e < document.Edges.Count; e++)
        {
            var edge = document.Edges[e];
            if (edge.Id.Length > limits.MaxIdLength)
            {
                problems.Add(new GraphProblem(
                    GraphProblemCodes.TooLong,
                    Invariant($"edges[{e}].id has {edge.Id.Length} characters; at most {limits.MaxIdLength} are allowed. Give the edge a shorter id."),
                    EdgeId: Shorten(edge.Id),
                    Field: Invariant($"edges[{e}].id")));
            }
        }
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");

    private INodeType?[] CheckNodes(FlowGraph graph, List<GraphProblem> problems)
    {
        var nodes = graph.Document.Nodes;
        var types = new INodeType?[nodes.Count];
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            var first = graph.IndexById[node.Id];
            if (first != i)
            {
                problems.Add(new GraphProblem(
                    GraphProblemCodes.DuplicateNodeId,
                    Invariant($"Node id '{node.Id}' is used by nodes[{first}] and nodes[{i}]; give each node its own id."),
                    node.Id,
                    Field: Invariant($"nodes[{i}].id")));
            }

            if (registry.TryGet(node.Type, out var type))
            {
                types[i] = type;
            }
            else
            {
                problems.Add(new GraphProblem(
                    GraphProblemCodes.UnknownNodeType,
                    $"Node '{node.Id}' has type '{node.Type}', which this server does not know; pick a type from the palette or install the plug-in that provides it.",
                    node.Id,
                    Field: Invariant($"nodes[{i}].type")));
            }
        }

        return types;
    }

    /// <summary>Each node's <c>retry</c>, <c>timeoutMs</c> and <c>onError</c>, each problem named by node and field.</summary>
    private NodePolicies[] CheckPolicies(FlowGraph graph, List<GraphProblem> problems)
    {
        var nodes = graph.Document.Nodes;
        var policies = new NodePolicies[nodes.Count];
        var found = new List<(string Field, string Message)>();
        for (var i = 0; i < nodes.Count; i++)
        {
            found.Clear();
            policies[i] = NodePolicies.Read(nodes[i].Data, limits, found);
            foreach (var (field, message) in found)
            {
                var path = Invariant($"nodes[{i}].data.{field}");
                problems.Add(new GraphProblem(GraphProblemCodes.InvalidPolicy, $"Node '{nodes[i].Id}' has an invalid {path}: {message}.", nodes[i].Id, Field: path));
            }
        }

        return policies;
    }

    private static void CheckEdges(FlowGraph graph, INodeType?[] types, NodePolicies[] policies, List<GraphProblem> problems)
    {
        var edges = graph.Document.Edges;
        var edgeIds = new Dictionary<string, int>(edges.Count, StringComparer.Ordinal);
        // A node's ports may come from its config; each node's are worked out once, not once per edge.
        var portsOf = new IReadOnlyList<string>?[graph.NodeCount];
        for (var e = 0; e < edges.Count; e++)
        {
            var edge = edges[e];
            if (!edgeIds.TryAdd(edge.Id, e))
            {
                problems.Add(new GraphProblem(
                    GraphProblemCodes.DuplicateEdgeId,
                    Invariant($"Edge id '{edge.Id}' is used by edges[{edgeIds[edge.Id]}] and edges[{e}]; give each edge its own id."),
                    EdgeId: edge.Id,
                    Field: Invariant($"edges[{e}].id")));
            }

            var hasSource = graph.IndexById.TryGetValue(edge.Source, out var source);
            if (!hasSource)
            {
                problems.Add(new GraphProblem(
                    GraphProblemCodes.EdgeSourceMissing,
                    $"Edge '{edge.Id}' starts at node '{edge.Source}', which is not in the flow; reconnect the edge or delete it.",
                    EdgeId: edge.Id,
                    Field: Invariant($"edges[{e}].source")));
            }

            if (!graph.IndexById.ContainsKey(edge.Target))
            {
                problems.Add(new GraphProblem(
                    GraphProblemCodes.EdgeTargetMissing,
                    $"Edge '{edge.Id}' ends at node '{edge.Target}', which is not in the flow; reconnect the edge or delete it.",
                    EdgeId: edge.Id,
                    Field: Invariant($"edges[{e}].target")));
            }

            if (string.Equals(edge.Source, edge.Target, StringComparison.Ordinal))
            {
                problems.Add(new GraphProblem(
                    GraphProblemCodes.SelfLoop,
                    $"Edge '{edge.Id}' connects node '{edge.Source}' to itself; a flow only runs forward, so delete the edge.",
                    edge.Source,
                    edge.Id,
                    Invariant($"edges[{e}].target")));
            }

            if (hasSource && types[source] is { } type)
            {
                var outputs = portsOf[source] ??= type.OutputsFor(graph.Document.Nodes[source].Config);
                var port = edge.SourceHandle ?? NodePorts.Main;
                var implicitError = port == NodePorts.Error && policies[source].OnError == ErrorHandling.Continue;
                if (!implicitError && !outputs.Contains(port, StringComparer.Ordinal))
                {
                    var message = port == NodePorts.Error
                        ? $"Edge '{edge.Id}' leaves node '{edge.Source}' through port '{NodePorts.Error}', which a node has only when its data.onError is \"continue\"; set it, or connect the edge from one of: {string.Join(", ", outputs)}."
                        : edge.SourceHandle is null
                        ? $"Edge '{edge.Id}' leaves node '{edge.Source}' without naming a port, but type '{type.Descriptor.Id}' has no default '{NodePorts.Main}' port; connect it from one of: {string.Join(", ", outputs)}."
                        : $"Edge '{edge.Id}' leaves node '{edge.Source}' through port '{edge.SourceHandle}', but type '{type.Descriptor.Id}' has the ports: {string.Join(", ", outputs)}; connect it from one of them.";
                    problems.Add(new GraphProblem(GraphProblemCodes.UnknownPort, message, edge.Source, edge.Id, Invariant($"edges[{e}].sourceHandle")));
                }
            }
        }
    }

    private static void CheckCycles(FlowGraph graph, List<int> order, List<GraphProblem> problems)
    {
        var nodes = graph.Document.Nodes;
        foreach (var cycle in graph.Cycles(order))
        {
            var ids = cycle.Select(i => nodes[i].Id).ToArray();
            var message = graph.IsSimpleRing(cycle)
                ? $"Nodes {string.Join(" → ", ids)} → {ids[0]} form a cycle; a flow only runs forward, so delete one of these edges."
                : $"Nodes {string.Join(", ", ids)} loop back on each other; a flow only runs forward, so delete edges until no path returns to a node it left.";
            problems.Add(new GraphProblem(GraphProblemCodes.Cycle, message, NodeIds: ids));
        }
    }

    private static void CheckTriggers(FlowGraph graph, INodeType?[] types, List<GraphProblem> problems)
    {
        var nodes = graph.Document.Nodes;
        var triggers = new List<int>();
        for (var i = 0; i < nodes.Count; i++)
        {
            if (types[i]?.Descriptor.Category == NodeCategory.Trigger)
            {
                triggers.Add(i);
            }
        }

        if (triggers.Count == 0)
        {
            problems.Add(new GraphProblem(
                GraphProblemCodes.NoTrigger,
                "The flow has no trigger; add a trigger node (for example 'Manual Trigger') and connect it to the first step.",
                Field: "nodes"));
            return;
        }

        foreach (var trigger in triggers)
        {
            var parents = graph.Predecessors(trigger);
            if (parents.Length > 0)
            {
                var parentIds = string.Join(", ", parents.ToArray().Distinct().Select(p => $"'{nodes[p].Id}'"));
                problems.Add(new GraphProblem(
                    GraphProblemCodes.TriggerHasParents,
                    $"Trigger '{nodes[trigger].Id}' has incoming edges from {parentIds}; a trigger starts the flow, so delete the edges into it.",
                    nodes[trigger].Id));
            }
        }

        var reachable = graph.ReachableFrom(triggers);
        var from = triggers.Count == 1 ? $"the trigger '{nodes[triggers[0]].Id}'" : "any trigger";
        for (var i = 0; i < nodes.Count; i++)
        {
            // A repeated id is already reported; edges attach to its first node, so the copy looks unconnected.
            if (!reachable[i] && graph.IndexById[nodes[i].Id] == i)
            {
                problems.Add(new GraphProblem(
                    GraphProblemCodes.Unreachable,
                    $"Node '{nodes[i].Id}' cannot be reached from {from}; connect it to the flow or delete it.",
                    nodes[i].Id));
            }
        }
    }

    private static void CheckConfigs(FlowGraph graph, INodeType?[] types, List<int> order, List<GraphProblem> problems)
    {
        var nodes = graph.Document.Nodes;
        UpstreamSets? upstream = null;
        var templates = new List<(string Path, JsonValue Text)>();
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            var configField = Invariant($"nodes[{i}].data.config");
            if (types[i] is { } type)
            {
                foreach (var problem in type.ValidateConfig(node.Config))
                {
                    // A value written as an expression gets its type only when the node runs;
                    // the node checks it again then.
                    if (IsTemplateAt(node.Config, problem.Path))
                    {
                        continue;
                    }

                    var field = ConfigField(configField, problem.Path);
                    problems.Add(new GraphProblem(
                        GraphProblemCodes.InvalidConfig,
                        $"Node '{node.Id}' ({type.Descriptor.Id}) has an invalid setting at {field}: {problem.Message.TrimEnd('.')}.",
                        node.Id,
                        Field: field));
                }
            }

            templates.Clear();
            CollectTemplates(node.Config, configField, templates);
            foreach (var (path, text) in templates)
            {
                var unreadable = false;
                foreach (var (_, message) in ExpressionResolver.Check(text, path))
                {
                    unreadable = true;
                    problems.Add(new GraphProblem(
                        GraphProblemCodes.InvalidConfig,
                        $"Node '{node.Id}' has an expression at {path} that cannot be read: {message}. Expressions read {{{{ input.field }}}} or {{{{ nodes.<id>.output.field }}}} and may use the operators and helpers of docs/expressions.md.",
                        node.Id,
                        Field: path));
                }

                if (unreadable)
                {
                    continue;
                }

                foreach (var referenced in ExpressionResolver.ReferencedNodes(text).Distinct(StringComparer.Ordinal))
                {
                    string? reason = null;
                    if (!graph.IndexById.TryGetValue(referenced, out var target))
                    {
                        reason = $"reads node '{referenced}', which is not in this flow; use the id of a node that runs before it";
                    }
                    else
                    {
                        upstream ??= new UpstreamSets(graph, order);
                        if (!upstream.IsUpstream(target, i))
                        {
                            reason = target == graph.IndexById[node.Id]
                                ? "reads its own output; read the node's input or an upstream node instead"
                                : $"reads node '{referenced}', which does not run before it; connect '{referenced}' upstream of '{node.Id}' or read a node that is";
                        }
                    }

                    if (reason is not null)
                    {
                        problems.Add(new GraphProblem(GraphProblemCodes.InvalidConfig, $"Node '{node.Id}' has an expression at {path} that {reason}.", node.Id, Field: path));
                    }
                }
            }
        }
    }

    /// <summary>The config's strings that hold templates, with their paths in the flow document.</summary>
    private static void CollectTemplates(JsonNode? value, string path, List<(string Path, JsonValue Text)> found)
    {
        switch (value)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    CollectTemplates(child, $"{path}.{key}", found);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    CollectTemplates(array[i], Invariant($"{path}[{i}]"), found);
                }

                break;
            case JsonValue text when text.GetValueKind() == JsonValueKind.String && text.GetValue<string>().Contains(TemplateOpen, StringComparison.Ordinal):
                found.Add((path, text));
                break;
        }
    }

    private static string ConfigField(string configField, string problemPath) => problemPath switch
    {
        "" or "$" => configField,
        _ when problemPath.StartsWith('$') => configField + problemPath[1..],
        _ when problemPath.StartsWith('[') => configField + problemPath,
        _ => $"{configField}.{problemPath}",
    };

    /// <summary>True when the value at a JSON path such as <c>$.a[0]['b c']</c> is a string holding a template.</summary>
    private static bool IsTemplateAt(JsonNode? config, string path)
    {
        var current = config;
        var i = path.StartsWith('$') ? 1 : 0;
        while (i < path.Length && current is not null)
        {
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? path.Length : end;
                current = current is JsonObject obj ? obj[path[(i + 1)..end]] : null;
                i = end;
            }
            else if (path[i] == '[' && i + 1 < path.Length && path[i + 1] is '\'' or '"')
            {
                var quote = path[i + 1];
                var end = path.IndexOf(quote, i + 2);
                if (end < 0)
                {
                    return false;
                }

                current = current is JsonObject obj ? obj[path[(i + 2)..end]] : null;
                i = end + 2;
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0 || !int.TryParse(path.AsSpan(i + 1, end - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    return false;
                }

                current = current is JsonArray array && index < array.Count ? array[index] : null;
                i = end + 1;
            }
            else
            {
                return false;
            }
        }

        return current is JsonValue value
            && value.GetValueKind() == JsonValueKind.String
            && value.GetValue<string>().Contains(TemplateOpen, StringComparison.Ordinal);
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    /// <summary>
    /// Which nodes run before which. For nodes Kahn ordered, upstream sets are bit sets built in
    /// topological order (a node's set is the union of its parents' sets plus the parents), computed
    /// only when some expression names a node. Nodes on or after a cycle are answered by a walk back.
    /// </summary>
    private sealed class UpstreamSets
    {
        private readonly FlowGraph _graph;
        private readonly ulong[]?[] _bits;
        private readonly Dictionary<int, bool[]> _walked = [];

        public UpstreamSets(FlowGraph graph, List<int> order)
        {
            _graph = graph;
            var words = (graph.NodeCount + 63) / 64;
            _bits = new ulong[]?[graph.NodeCount];
            foreach (var node in order)
            {
                var set = new ulong[words];
                foreach (var parent in graph.Predecessors(node))
                {
                    var parentSet = _bits[parent]!;
                    for (var w = 0; w < words; w++)
                    {
                        set[w] |= parentSet[w];
                    }

                    set[parent >> 6] |= 1UL << (parent & 63);
                }

                _bits[node] = set;
            }
        }

        public bool IsUpstream(int candidate, int node)
        {
            if (_bits[node] is { } set)
            {
                return (set[candidate >> 6] & (1UL << (candidate & 63))) != 0;
            }

            if (!_walked.TryGetValue(node, out var ancestors))
            {
                ancestors = _graph.AncestorsOf(node);
                _walked[node] = ancestors;
            }

            return ancestors[candidate];
        }
    }
}
