using System.Diagnostics.CodeAnalysis;

namespace FlowForge.Engine.Runs;

/// <summary>
/// A node's dependencies and one value for each, in two arrays: what a region hands the next node it runs (outputs,
/// finish times, fired ports), three maps over one array of keys instead of three dictionaries. Looked up one key after
/// another, as a node's dependencies are few (<see cref="MaxKeys"/> at most; more go into a dictionary).
/// </summary>
internal sealed class DependencyMap<TValue>(string[] keys, TValue[] values) : IReadOnlyDictionary<string, TValue>
{
    public const int MaxKeys = 16;

    public int Count => keys.Length;

    public IEnumerable<string> Keys => keys;

    public IEnumerable<TValue> Values => values;

    public TValue this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"Node '{key}' is not a dependency.");

    public bool ContainsKey(string key) => Array.IndexOf(keys, key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value)
    {
        for (var i = 0; i < keys.Length; i++)
        {
            if (string.Equals(keys[i], key, StringComparison.Ordinal))
            {
                value = values[i];
                return true;
            }
        }

        value = default;
        return false;
    }

    public IEnumerator<KeyValuePair<string, TValue>> GetEnumerator()
    {
        for (var i = 0; i < keys.Length; i++)
        {
            yield return KeyValuePair.Create(keys[i], values[i]);
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
