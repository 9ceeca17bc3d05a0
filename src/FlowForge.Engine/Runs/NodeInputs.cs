using System.Text.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Nodes;
using FlowForge.Engine.Storage;

namespace FlowForge.Engine.Runs;

/// <summary>
/// What a node execution reads, built from its claim. Every view (the run input, each upstream output,
/// the input keyed by parent for a join) is a fresh node over the one parsed document of that value:
/// nothing is copied, so a join of many large outputs holds each of them once. Outputs kept in the blob store
/// are read only when the node or one of its expressions reads them, and given back on <see cref="Dispose"/>.
/// </summary>
internal sealed class NodeInputs : IReadOnlyDictionary<string, JsonNode?>, INodeInput, IDisposable
{
    private readonly PlanNode _node;
    private readonly ClaimedNode _claim;
    private readonly BlobReads? _reads;
    private Lock? _lock;

    // The input and the run input, each made the first time it is read (a view over the claim's parsed values; a node
    // that reads neither costs neither): null before, NoValue when built to nothing. Reads from two threads at once may
    // both build one; the first stored is the one every read returns.
    private object? _input;
    private object? _runInput;

    private static readonly object NoValue = new();

    // Made on first read, one view per dependency read: most nodes read only their input, built from the elements.
    private Dictionary<string, JsonNode?>? _views;
    private Dictionary<string, JsonElement?>? _resolved;

    private NodeInputs(PlanNode node, ClaimedNode claim, BlobReads? reads)
    {
        _node = node;
        _claim = claim;
        _reads = reads;
        FinishedParents = FinishOrder(node, claim);
    }

    /// <summary>A view of the run's input, made the first time it is read.</summary>
    public JsonNode? RunInput => Volatile.Read(ref _runInput) is { } made ? made as JsonNode : Publish(ref _runInput, View(_claim.RunInput));

    // Made on first use (a node's input is built without it unless an output is in the blob store or a dependency is read by key).
    private Lock Gate => Volatile.Read(ref _lock) ?? Interlocked.CompareExchange(ref _lock, new Lock(), null) ?? _lock!;

    /// <summary>The node's input, built the first time it is read.</summary>
    public JsonNode? Input => Volatile.Read(ref _input) is { } built ? built as JsonNode : Publish(ref _input, BuildInput());

    private static JsonNode? Publish(ref object? slot, JsonNode? value)
    {
        var made = (object?)value ?? NoValue;
        return (Interlocked.CompareExchange(ref slot, made, null) ?? made) as JsonNode;
    }

    /// <summary>The outputs of the node's dependencies keyed by node id: inline ones viewed on first read, blob-stored ones read then.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Upstream => this;

    /// <summary>
    /// The parents that reached this node, earliest first: they ended (Succeeded, or Failed through their error port)
    /// and fired a port with an edge into this node. A parent whose other port fired ran, but not towards here.
    /// </summary>
    public IReadOnlyList<string> FinishedParents { get; }

    public static NodeInputs From(PlanNode node, ClaimedNode claim) => From(node, claim, null);

    /// <param name="reads">Where blob-stored outputs are read from; required when the claim has any.</param>
    public static NodeInputs From(PlanNode node, ClaimedNode claim, BlobReads? reads)
    {
        if (claim.BlobOutputs.Count > 0 && reads is null)
        {
            throw new ArgumentException($"Node '{node.Id}' has outputs in the blob store to read and no blob store was given.", nameof(reads));
        }

        return new NodeInputs(node, claim, reads);
    }

    private JsonNode? BuildInput()
    {
        if (_node.IsTrigger)
        {
            return View(_claim.RunInput);
        }

        if (_node.Parents.Count == 1)
        {
            return View(ElementOf(_node.Parents[0]));
        }

        var keyed = new JsonObject();
        for (var i = 0; i < _node.Parents.Count; i++)
        {
            var parent = _node.Parents[i];
            keyed[parent] = View(ElementOf(parent));
        }

        return keyed;
    }

    /// <summary>The parents that ended through an edge into this node, earliest first; a stable sort keeps the plan's parent order for equal times.</summary>
    private static IReadOnlyList<string> FinishOrder(PlanNode node, ClaimedNode claim)
    {
        if (node.Parents.Count == 0)
        {
            return [];
        }

        if (node.Parents.Count == 1)
        {
            // One parent: the plan's own list of it when it reached this node, no list of this execution's.
            var only = node.Parents[0];
            return claim.DependencyFinishedAt.ContainsKey(only) && ReachedThisNode(node, claim, only) ? node.Parents : [];
        }

        var ids = new string[node.Parents.Count];
        var times = new DateTimeOffset[node.Parents.Count];
        var count = 0;
        for (var p = 0; p < node.Parents.Count; p++)
        {
            var parent = node.Parents[p];
            if (!claim.DependencyFinishedAt.TryGetValue(parent, out var at) || !ReachedThisNode(node, claim, parent))
            {
                continue;
            }

            // An insertion sort: parents are few, and it is stable (an equal time goes after the ones already placed).
            var i = count++;
            for (; i > 0 && times[i - 1] > at; i--)
            {
                ids[i] = ids[i - 1];
                times[i] = times[i - 1];
            }

            ids[i] = parent;
            times[i] = at;
        }

        return count == ids.Length ? ids : ids[..count];
    }

    private static bool ReachedThisNode(PlanNode node, ClaimedNode claim, string parent)
    {
        if (!claim.DependencyPorts.TryGetValue(parent, out var fired) || !node.ParentPorts.TryGetValue(parent, out var edgePorts))
        {
            return true;
        }

        // Indexed loops: these are interfaces, whose enumerators would each be an allocation.
        for (var i = 0; i < fired.Count; i++)
        {
            for (var j = 0; j < edgePorts.Count; j++)
            {
                if (string.Equals(fired[i], edgePorts[j], StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>A new node over <paramref name="value"/>'s document; it reads the shared bytes until someone changes it.</summary>
    internal static JsonNode? View(JsonElement? value) => value switch
    {
        null => null,
        { ValueKind: JsonValueKind.Object } e => JsonObject.Create(e),
        { ValueKind: JsonValueKind.Array } e => JsonArray.Create(e),
        { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
        { } e => JsonValue.Create(e),
    };

    public int Count => _claim.DependencyOutputs.Count + _claim.BlobOutputs.Count;

    public IEnumerable<string> Keys => _claim.DependencyOutputs.Keys.Concat(_claim.BlobOutputs.Keys);

    public IEnumerable<JsonNode?> Values => Keys.Select(k => this[k]);

    public JsonNode? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"Node '{key}' is not an upstream node.");

    public bool ContainsKey(string key) => _claim.DependencyOutputs.ContainsKey(key) || _claim.BlobOutputs.ContainsKey(key);

    public bool TryGetValue(string key, out JsonNode? value)
    {
        lock (Gate)
        {
            if (_views?.TryGetValue(key, out value) == true)
            {
                return true;
            }

            if (_claim.DependencyOutputs.TryGetValue(key, out var inline))
            {
                value = View(inline);
            }
            else if (_claim.BlobOutputs.ContainsKey(key))
            {
                value = View(ResolveLocked(key));
            }
            else
            {
                value = null;
                return false;
            }

            (_views ??= new Dictionary<string, JsonNode?>(StringComparer.Ordinal))[key] = value;
            return true;
        }
    }

    public IEnumerator<KeyValuePair<string, JsonNode?>> GetEnumerator() =>
        Keys.Select(k => KeyValuePair.Create(k, this[k])).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
        // Only blob-stored outputs are given back; without any, nothing was acquired.
        if (_claim.BlobOutputs.Count == 0)
        {
            return;
        }

        lock (Gate)
        {
            foreach (var key in _resolved?.Keys ?? Enumerable.Empty<string>())
            {
                _reads!.Release(_claim.BlobOutputs[key]);
            }

            _resolved?.Clear();
        }
    }

    /// <summary>The parsed output of a dependency (null when it has none), reading it from the blob store if need be.</summary>
    private JsonElement? ElementOf(string key)
    {
        if (_claim.DependencyOutputs.TryGetValue(key, out var inline))
        {
            return inline;
        }

        lock (Gate)
        {
            return _claim.BlobOutputs.ContainsKey(key) ? ResolveLocked(key) : null;
        }
    }

    private JsonElement? ResolveLocked(string key)
    {
        if (_resolved?.TryGetValue(key, out var element) == true)
        {
            return element;
        }

        var blob = _claim.BlobOutputs[key];
        try
        {
            element = _reads!.Acquire(blob, key);
        }
        catch
        {
            _reads!.Release(blob);
            throw;
        }

        (_resolved ??= new Dictionary<string, JsonElement?>(StringComparer.Ordinal))[key] = element;
        return element;
    }
}
