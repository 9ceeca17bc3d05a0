using System.Text.Json;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Storage;

namespace FlowForge.Engine.Runs;

/// <summary>
/// A pure region run in memory (docs/adr/0005-pure-nodes.md), by the plan's node index: for each node the region knows,
/// the output it produced (or its first node read), when it finished, the ports it fired and the text it was stored as;
/// which nodes ran and which are queued to run, and the queue. One per region, made when its first node succeeds and
/// dropped when the region is written: what it knows never changes while it lives, so the nodes it runs read their
/// dependencies through a view over it (<see cref="RegionDependencies"/>) instead of maps of their own.
/// </summary>
internal sealed class PureRegion
{
    private const byte Known = 1;
    private const byte Ran = 2;
    private const byte Queued = 4;

    // A slot per plan node (0: none, else the entry's position + 1), so a big plan costs four bytes a node, not an entry.
    private readonly int[] _slots;
    private Entry[] _entries;
    private int _count;
    private Queue<ClaimedNode>? _queue;

    public PureRegion(ExecutionPlan plan, int capacity)
    {
        Plan = plan;
        _slots = new int[plan.Nodes.Count];
        _entries = new Entry[Math.Clamp(capacity, 4, Math.Max(4, plan.Nodes.Count))];
    }

    public ExecutionPlan Plan { get; }

    /// <summary>Whether a node has run in the region yet (before its first one, its first node's inputs are not known).</summary>
    public bool Started { get; private set; }

    /// <summary>An output the region's first node read: readable by the nodes after it.</summary>
    public void Know(int index, JsonElement? output, DateTimeOffset finishedAt, IReadOnlyList<string>? ports, string? text)
    {
        if (index >= 0)
        {
            Set(index, new Entry(output, finishedAt, ports, text, Known));
        }
    }

    /// <summary>A node of the region that ran, with what it produced.</summary>
    public void RanNode(int index, JsonElement? output, DateTimeOffset finishedAt, IReadOnlyList<string> ports, string? text)
    {
        Started = true;
        Set(index, new Entry(output, finishedAt, ports, text, Known | Ran));
    }

    public bool HasRun(int index) => (StateOf(index) & Ran) != 0;

    public bool IsQueued(int index) => (StateOf(index) & Queued) != 0;

    /// <summary>Whether the node's output is known with the ports it fired (an output read by the first node without them is not enough).</summary>
    public bool HasOutputAndPorts(int index) => (StateOf(index) & Known) != 0 && _entries[_slots[index] - 1].Ports is not null;

    public IReadOnlyList<string>? PortsOf(int index) => index >= 0 && _slots[index] is > 0 and var slot ? _entries[slot - 1].Ports : null;

    public JsonElement? OutputOf(int index) => _entries[_slots[index] - 1].Output;

    public DateTimeOffset FinishedAtOf(int index) => _entries[_slots[index] - 1].FinishedAt;

    public string? TextOf(int index) => _entries[_slots[index] - 1].Text;

    public void Enqueue(int index, ClaimedNode claim)
    {
        if (_slots[index] == 0)
        {
            Set(index, new Entry(null, default, null, null, Queued));
        }
        else
        {
            _entries[_slots[index] - 1].State |= Queued;
        }

        (_queue ??= new Queue<ClaimedNode>(4)).Enqueue(claim);
    }

    /// <summary>The next node queued to run, or null when none is left.</summary>
    public ClaimedNode? Dequeue() => _queue is { Count: > 0 } queue ? queue.Dequeue() : null;

    private byte StateOf(int index) => index >= 0 && _slots[index] is > 0 and var slot ? _entries[slot - 1].State : (byte)0;

    private void Set(int index, Entry entry)
    {
        if (_slots[index] is > 0 and var slot)
        {
            // A queued node keeps its Queued mark when it runs (a node queued once is never queued again).
            entry.State |= (byte)(_entries[slot - 1].State & Queued);
            _entries[slot - 1] = entry;
            return;
        }

        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }

        _entries[_count] = entry;
        _slots[index] = ++_count;
    }

    private struct Entry(JsonElement? output, DateTimeOffset finishedAt, IReadOnlyList<string>? ports, string? text, byte state)
    {
        public readonly JsonElement? Output = output;
        public readonly DateTimeOffset FinishedAt = finishedAt;
        public readonly IReadOnlyList<string>? Ports = ports;
        public readonly string? Text = text;
        public byte State = state;
    }
}
