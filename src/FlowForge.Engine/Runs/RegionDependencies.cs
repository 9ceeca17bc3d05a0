using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using FlowForge.Engine.Graphs;

namespace FlowForge.Engine.Runs;

/// <summary>
/// What a node run in a pure region reads of its dependencies (outputs, finish times, fired ports, stored texts), keyed by
/// node id as a claim's maps are, read from the region by the plan's node index: one object per node in place of four maps
/// and their arrays. Every dependency is known to the region when it is made (<see cref="NodeExecutor"/> checks), and what
/// the region knows does not change while the node runs.
/// </summary>
internal sealed class RegionDependencies(PureRegion region, PlanNode node, int[] indexes) :
    IReadOnlyDictionary<string, JsonElement?>,
    IReadOnlyDictionary<string, DateTimeOffset>,
    IReadOnlyDictionary<string, IReadOnlyList<string>>,
    IReadOnlyDictionary<string, string?>
{
    // Past this many, a key is found by the plan's index of it rather than by comparing it with each dependency's id.
    private const int ScannedKeys = 16;

    public int Count => indexes.Length;

    public IEnumerable<string> Keys => node.Dependencies;

    public bool ContainsKey(string key) => Find(key) >= 0;

    JsonElement? IReadOnlyDictionary<string, JsonElement?>.this[string key] => region.OutputOf(Get(key));

    DateTimeOffset IReadOnlyDictionary<string, DateTimeOffset>.this[string key] => region.FinishedAtOf(Get(key));

    IReadOnlyList<string> IReadOnlyDictionary<string, IReadOnlyList<string>>.this[string key] => region.PortsOf(Get(key))!;

    string? IReadOnlyDictionary<string, string?>.this[string key] => region.TextOf(Get(key));

    IEnumerable<JsonElement?> IReadOnlyDictionary<string, JsonElement?>.Values => Each(region.OutputOf);

    IEnumerable<DateTimeOffset> IReadOnlyDictionary<string, DateTimeOffset>.Values => Each(region.FinishedAtOf);

    IEnumerable<IReadOnlyList<string>> IReadOnlyDictionary<string, IReadOnlyList<string>>.Values => Each(i => region.PortsOf(i)!);

    IEnumerable<string?> IReadOnlyDictionary<string, string?>.Values => Each(region.TextOf);

    bool IReadOnlyDictionary<string, JsonElement?>.TryGetValue(string key, out JsonElement? value)
    {
        var index = Find(key);
        value = index >= 0 ? region.OutputOf(index) : null;
        return index >= 0;
    }

    bool IReadOnlyDictionary<string, DateTimeOffset>.TryGetValue(string key, out DateTimeOffset value)
    {
        var index = Find(key);
        value = index >= 0 ? region.FinishedAtOf(index) : default;
        return index >= 0;
    }

    bool IReadOnlyDictionary<string, IReadOnlyList<string>>.TryGetValue(string key, [MaybeNullWhen(false)] out IReadOnlyList<string> value)
    {
        var index = Find(key);
        value = index >= 0 ? region.PortsOf(index) : null;
        return value is not null;
    }

    bool IReadOnlyDictionary<string, string?>.TryGetValue(string key, out string? value)
    {
        var index = Find(key);
        value = index >= 0 ? region.TextOf(index) : null;
        return index >= 0;
    }

    IEnumerator<KeyValuePair<string, JsonElement?>> IEnumerable<KeyValuePair<string, JsonElement?>>.GetEnumerator() => Pairs(region.OutputOf);

    IEnumerator<KeyValuePair<string, DateTimeOffset>> IEnumerable<KeyValuePair<string, DateTimeOffset>>.GetEnumerator() => Pairs(region.FinishedAtOf);

    IEnumerator<KeyValuePair<string, IReadOnlyList<string>>> IEnumerable<KeyValuePair<string, IReadOnlyList<string>>>.GetEnumerator() => Pairs(i => region.PortsOf(i)!);

    IEnumerator<KeyValuePair<string, string?>> IEnumerable<KeyValuePair<string, string?>>.GetEnumerator() => Pairs(region.TextOf);

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => Pairs(region.OutputOf);

    /// <summary>The plan index of the dependency <paramref name="key"/>, or -1 when it is not one of this node's.</summary>
    private int Find(string key)
    {
        if (indexes.Length <= ScannedKeys)
        {
            var dependencies = node.Dependencies;
            for (var i = 0; i < indexes.Length; i++)
            {
                // The ids are the plan's own strings: most compare by reference.
                if (string.Equals(dependencies[i], key, StringComparison.Ordinal))
                {
                    return indexes[i];
                }
            }

            return -1;
        }

        var index = region.Plan.IndexOf(key);
        return index >= 0 && Array.IndexOf(indexes, index) >= 0 ? index : -1;
    }

    private int Get(string key) => Find(key) is >= 0 and var index ? index : throw new KeyNotFoundException($"Node '{key}' is not a dependency of node '{node.Id}'.");

    private IEnumerable<T> Each<T>(Func<int, T> read)
    {
        for (var i = 0; i < indexes.Length; i++)
        {
            yield return read(indexes[i]);
        }
    }

    private IEnumerator<KeyValuePair<string, T>> Pairs<T>(Func<int, T> read)
    {
        var dependencies = node.Dependencies;
        for (var i = 0; i < indexes.Length; i++)
        {
            yield return KeyValuePair.Create(dependencies[i], read(indexes[i]));
        }
    }
}
