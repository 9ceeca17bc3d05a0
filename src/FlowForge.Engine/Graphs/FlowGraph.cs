namespace FlowForge.Engine.Graphs;

/// <summary>
/// A flow document as integer adjacency: node <c>i</c> is <c>document.Nodes[i]</c>; only edges whose
/// ends both exist and differ are kept. Successors and predecessors are stored in compressed arrays so
/// every walk is O(nodes + edges). When an id is used twice, edges attach to its first node.
/// </summary>
internal sealed class FlowGraph
{
    private readonly int[] _outStart;
    private readonly int[] _outTargets;
    private readonly int[] _outEdges;
    private readonly int[] _inStart;
    private readonly int[] _inSources;

    public FlowGraph(FlowDocument document)
    {
        Document = document;
        var nodeCount = document.Nodes.Count;
        IndexById = new Dictionary<string, int>(nodeCount, StringComparer.Ordinal);
        for (var i = 0; i < nodeCount; i++)
        {
            IndexById.TryAdd(document.Nodes[i].Id, i);
        }

        var edges = document.Edges;
        var from = new int[edges.Count];
        var to = new int[edges.Count];
        _outStart = new int[nodeCount + 1];
        _inStart = new int[nodeCount + 1];
        for (var e = 0; e < edges.Count; e++)
        {
            if (IndexById.TryGetValue(edges[e].Source, out var source) && IndexById.TryGetValue(edges[e].Target, out var target) && source != target)
            {
                from[e] = source;
                to[e] = target;
                _outStart[source + 1]++;
                _inStart[target + 1]++;
            }
            else
            {
                from[e] = -1;
            }
        }

        for (var i = 0; i < nodeCount; i++)
        {
            _outStart[i + 1] += _outStart[i];
            _inStart[i + 1] += _inStart[i];
        }

        _outTargets = new int[_outStart[nodeCount]];
        _outEdges = new int[_outStart[nodeCount]];
        _inSources = new int[_inStart[nodeCount]];
        var outFill = _outStart[..nodeCount];
        var inFill = _inStart[..nodeCount];
        for (var e = 0; e < edges.Count; e++)
        {
            if (from[e] < 0)
            {
                continue;
            }

            _outTargets[outFill[from[e]]] = to[e];
            _outEdges[outFill[from[e]]++] = e;
            _inSources[inFill[to[e]]++] = from[e];
        }
    }

    public FlowDocument Document { get; }

    public int NodeCount => Document.Nodes.Count;

    /// <summary>Node index by id (the first node when an id is used twice).</summary>
    public Dictionary<string, int> IndexById { get; }

    /// <summary>Successor node indexes, in edge order; a target appears once per edge.</summary>
    public ReadOnlySpan<int> Successors(int node) => _outTargets.AsSpan(_outStart[node], _outStart[node + 1] - _outStart[node]);

    /// <summary>Indexes into <see cref="FlowDocument.Edges"/> of the kept edges leaving <paramref name="node"/>, aligned with <see cref="Successors"/>.</summary>
    public ReadOnlySpan<int> OutgoingEdges(int node) => _outEdges.AsSpan(_outStart[node], _outStart[node + 1] - _outStart[node]);

    /// <summary>Predecessor node indexes, in edge order; a source appears once per edge.</summary>
    public ReadOnlySpan<int> Predecessors(int node) => _inSources.AsSpan(_inStart[node], _inStart[node + 1] - _inStart[node]);

    public int InDegree(int node) => _inStart[node + 1] - _inStart[node];

    /// <summary>
    /// Kahn's algorithm: repeatedly takes a node whose predecessors are all taken, in document order
    /// among those ready. Returns the taken nodes; the others lie on a cycle or downstream of one.
    /// </summary>
    public List<int> TopologicalOrder()
    {
        var remaining = new int[NodeCount];
        var ready = new Queue<int>();
        for (var i = 0; i < NodeCount; i++)
        {
            remaining[i] = InDegree(i);
            if (remaining[i] == 0)
            {
                ready.Enqueue(i);
            }
        }

        var order = new List<int>(NodeCount);
        while (ready.TryDequeue(out var node))
        {
            order.Add(node);
            foreach (var next in Successors(node))
            {
                if (--remaining[next] == 0)
                {
                    ready.Enqueue(next);
                }
            }
        }

        return order;
    }

    /// <summary>
    /// The cycles among nodes Kahn could not order: Tarjan's strongly connected components of two or
    /// more nodes (a single leftover node is only downstream of a cycle). Each cycle starts at its
    /// first node in document order and follows edges from there.
    /// </summary>
    public List<int[]> Cycles(IReadOnlyList<int> topologicalOrder)
    {
        var cycles = new List<int[]>();
        if (topologicalOrder.Count == NodeCount)
        {
            return cycles;
        }

        var leftover = new bool[NodeCount];
        Array.Fill(leftover, true);
        foreach (var node in topologicalOrder)
        {
            leftover[node] = false;
        }

        foreach (var component in StronglyConnectedComponents(leftover))
        {
            if (component.Count > 1)
            {
                cycles.Add(InCycleOrder(component));
            }
        }

        cycles.Sort((a, b) => a[0].CompareTo(b[0]));
        return cycles;
    }

    /// <summary>True when every node of the cycle has exactly one distinct successor inside it (a plain ring).</summary>
    public bool IsSimpleRing(int[] cycle)
    {
        var members = new HashSet<int>(cycle);
        foreach (var node in cycle)
        {
            var successor = -1;
            foreach (var next in Successors(node))
            {
                if (!members.Contains(next) || next == successor)
                {
                    continue;
                }

                if (successor >= 0)
                {
                    return false;
                }

                successor = next;
            }
        }

        return true;
    }

    /// <summary>Nodes reachable from <paramref name="starts"/> (the starts included).</summary>
    public bool[] ReachableFrom(IEnumerable<int> starts)
    {
        var seen = new bool[NodeCount];
        var pending = new Stack<int>();
        foreach (var start in starts)
        {
            if (!seen[start])
            {
                seen[start] = true;
                pending.Push(start);
            }
        }

        while (pending.TryPop(out var node))
        {
            foreach (var next in Successors(node))
            {
                if (!seen[next])
                {
                    seen[next] = true;
                    pending.Push(next);
                }
            }
        }

        return seen;
    }

    /// <summary>Nodes from which <paramref name="node"/> can be reached, excluding itself unless it lies on a cycle.</summary>
    public bool[] AncestorsOf(int node)
    {
        var seen = new bool[NodeCount];
        var pending = new Stack<int>();
        pending.Push(node);
        while (pending.TryPop(out var current))
        {
            foreach (var previous in Predecessors(current))
            {
                if (!seen[previous])
                {
                    seen[previous] = true;
                    pending.Push(previous);
                }
            }
        }

        return seen;
    }

    // Iterative Tarjan: a recursive one would overflow the stack on long chains.
    private List<List<int>> StronglyConnectedComponents(bool[] include)
    {
        var index = new int[NodeCount];
        var lowLink = new int[NodeCount];
        var onStack = new bool[NodeCount];
        Array.Fill(index, -1);
        var stack = new Stack<int>();
        var work = new Stack<(int Node, int NextSuccessor)>();
        var components = new List<List<int>>();
        var counter = 0;

        for (var root = 0; root < NodeCount; root++)
        {
            if (!include[root] || index[root] >= 0)
            {
                continue;
            }

            work.Push((root, 0));
            while (work.Count > 0)
            {
                var (node, next) = work.Pop();
                if (next == 0)
                {
                    index[node] = lowLink[node] = counter++;
                    stack.Push(node);
                    onStack[node] = true;
                }

                var successors = Successors(node);
                var descended = false;
                for (; next < successors.Length; next++)
                {
                    var successor = successors[next];
                    if (!include[successor])
                    {
                        continue;
                    }

                    if (index[successor] < 0)
                    {
                        work.Push((node, next + 1));
                        work.Push((successor, 0));
                        descended = true;
                        break;
                    }

                    if (onStack[successor])
                    {
                        lowLink[node] = Math.Min(lowLink[node], index[successor]);
                    }
                }

                if (descended)
                {
                    continue;
                }

                if (lowLink[node] == index[node])
                {
                    var component = new List<int>();
                    int member;
                    do
                    {
                        member = stack.Pop();
                        onStack[member] = false;
                        component.Add(member);
                    }
                    while (member != node);

                    components.Add(component);
                }

                if (work.TryPeek(out var parent))
                {
                    lowLink[parent.Node] = Math.Min(lowLink[parent.Node], lowLink[node]);
                }
            }
        }

        return components;
    }

    // A depth-first walk inside the component from its first node: for a simple cycle this is the
    // cycle itself; for several loops sharing nodes it still lists each node once, each reached
    // along an edge from an earlier one.
    private int[] InCycleOrder(List<int> component)
    {
        var members = new HashSet<int>(component);
        var start = component.Min();
        var ordered = new List<int>(component.Count);
        var visited = new HashSet<int>();
        var pending = new Stack<int>();
        pending.Push(start);
        while (pending.TryPop(out var node))
        {
            if (!visited.Add(node))
            {
                continue;
            }

            ordered.Add(node);
            var successors = Successors(node);
            for (var i = successors.Length - 1; i >= 0; i--)
            {
                if (members.Contains(successors[i]) && !visited.Contains(successors[i]))
                {
                    pending.Push(successors[i]);
                }
            }
        }

        return [.. ordered];
    }
}
