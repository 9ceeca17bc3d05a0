using System.Data.Common;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Runs;
using FlowForge.Engine.Storage;
using FlowForge.Storage.Sql.Mapping;

namespace FlowForge.Storage.Sql;

public sealed partial class SqlStorage
{
    /// <summary>What the read of a region's row (or of all of them) says of its set-based write.</summary>
    private enum RegionRow
    {
        /// <summary>The write can go through as one set.</summary>
        Ready,

        /// <summary>The first node is held by another claim now: nothing is written, the operation is stale.</summary>
        Stale,

        /// <summary>The region must be recorded one completion after another, which decides where it stops.</summary>
        OneByOne,
    }

    /// <summary>
    /// A region's set-based write worked out from its completions (the edges between them, as the store would resolve them
    /// one by one) and completed by the read of its rows: their versions and active edges.
    /// </summary>
    private sealed class RegionWrite
    {
        private readonly bool[] _seen;
        private RegionRow _failed;

        private RegionWrite(NodeCompletion last, NodeCompletion[] completions, Dictionary<string, int> index, ChainClaim claim)
        {
            Last = last;
            Completions = completions;
            Index = index;
            Claim = claim;
            Edges = new int[completions.Length];
            Active = new int[completions.Length];
            ReadyAt = new long[completions.Length];
            Versions = new long[completions.Length];
            _seen = new bool[completions.Length];
        }

        public NodeCompletion Last { get; }

        public NodeCompletion[] Completions { get; }

        public Dictionary<string, int> Index { get; }

        public ChainClaim Claim { get; }

        /// <summary>The edges into each node from the completions before it.</summary>
        public int[] Edges { get; }

        /// <summary>The taken edges into each node: from the completions before it, then, once read, those its row holds.</summary>
        public int[] Active { get; }

        public long[] ReadyAt { get; }

        /// <summary>The rows' versions as read.</summary>
        public long[] Versions { get; }

        /// <summary>The completions that record an attempt (a completion without an attempt number records none).</summary>
        public int Attempts
        {
            get
            {
                var attempts = 0;
                foreach (var completion in Completions)
                {
                    attempts += completion.Attempt > 0 ? 1 : 0;
                }

                return attempts;
            }
        }

        /// <summary>
        /// The region's write, or null when it must be recorded one completion after another without a read: a completion
        /// that is not an inline success, a node twice, no claim for the region, an edge back to an earlier node.
        /// </summary>
        public static RegionWrite? Of(NodeCompletion last, ExecutionPlan plan, ChainClaim? claim)
        {
            if (claim is null)
            {
                return null;
            }

            var count = last.Preceding.Count + 1;
            var completions = new NodeCompletion[count];
            var index = new Dictionary<string, int>(count, StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                var completion = i < last.Preceding.Count ? last.Preceding[i] : last;
                if (completion is not { Status: NodeStatus.Succeeded, OutputBlob: null } || !index.TryAdd(completion.NodeId, i))
                {
                    return null;
                }

                completions[i] = completion;
            }

            var region = new RegionWrite(last, completions, index, claim);
            for (var j = 0; j < count; j++)
            {
                var children = plan[completions[j].NodeId].Children;
                for (var e = 0; e < children.Count; e++)
                {
                    if (!index.TryGetValue(children[e].Target, out var k))
                    {
                        continue;
                    }

                    if (k <= j)
                    {
                        return null;
                    }

                    region.Edges[k]++;
                    region.Active[k] += Contains(completions[j].FiredPorts, children[e].Port) ? 1 : 0;
                    region.ReadyAt[k] = UnixMicros.From(completions[j].At);
                }
            }

            return region;
        }

        /// <summary>
        /// Takes the row the reader is on: NodeId at <paramref name="at"/>, then Status, Version, PendingParents,
        /// ActiveParents, Attempt, Interruptions, ResumedFrom. The first node must be Running at the completion's version,
        /// every later one Pending as its first attempt with exactly the region's edges into it left to resolve and one taken.
        /// </summary>
        public RegionRow Read(DbDataReader reader, int at)
        {
            var i = Index[reader.GetString(at)];
            var status = reader.GetString(at + 1);
            Versions[i] = reader.GetInt64(at + 2);
            var ready = i == 0
                ? status == "Running" && Versions[i] == Completions[0].Version
                : status == "Pending" && reader.GetInt64(at + 3) == Edges[i] && reader.GetInt64(at + 4) + Active[i] > 0
                    && reader.GetInt32(at + 5) == 0 && reader.GetInt32(at + 6) == 0 && reader.IsDBNull(at + 7);
            if (!ready)
            {
                var failed = i == 0 ? RegionRow.Stale : RegionRow.OneByOne;
                _failed = _failed == RegionRow.Ready ? failed : _failed;
                return failed;
            }

            Active[i] += i == 0 ? 0 : (int)reader.GetInt64(at + 4);
            _seen[i] = true;
            return RegionRow.Ready;
        }

        /// <summary>
        /// Once every row was read: the first row that failed <see cref="Read"/> decides; else a first node not found is
        /// stale, and any other row not found goes one by one.
        /// </summary>
        public RegionRow Verdict() =>
            _failed != RegionRow.Ready ? _failed : !_seen[0] ? RegionRow.Stale : Array.IndexOf(_seen, false) >= 0 ? RegionRow.OneByOne : RegionRow.Ready;
    }
}
