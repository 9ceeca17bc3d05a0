using System.Text;
using System.Text.Json;
using FlowForge.Engine.Storage;

namespace FlowForge.Storage.Sql;

/// <summary>
/// Parsed run inputs that claims of the same run share while any node execution still holds one: the hundreds of
/// nodes of a run claimed at once read and parse its input about once instead of once each. A run's input never
/// changes, so a shared read-only document is the same value. Entries are weak: the cache keeps nothing alive.
/// </summary>
internal sealed class RunInputCache
{
    private const int SweepEvery = 1024;

    private readonly Dictionary<Guid, WeakReference<JsonDocument>> _inputs = [];
    private int _addsSinceSweep;

    public bool TryGet(Guid runId, out JsonElement? input)
    {
        lock (_inputs)
        {
            if (_inputs.TryGetValue(runId, out var weak) && weak.TryGetTarget(out var document))
            {
                input = document.RootElement;
                return true;
            }
        }

        input = null;
        return false;
    }

    /// <summary>Parses the stored text (UTF-8 into an array the document keeps) and shares the document.</summary>
    public JsonElement? Add(Guid runId, string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        // A JsonElement keeps its document alive, so the document lives exactly as long as some claim holds the input.
        var document = JsonDocument.Parse(Encoding.UTF8.GetBytes(json).AsMemory(), StoredJson.Options);
        lock (_inputs)
        {
            _inputs[runId] = new WeakReference<JsonDocument>(document);
            if (++_addsSinceSweep >= SweepEvery)
            {
                _addsSinceSweep = 0;
                foreach (var (id, weak) in _inputs)
                {
                    if (!weak.TryGetTarget(out _))
                    {
                        _inputs.Remove(id);
                    }
                }
            }
        }

        return document.RootElement;
    }
}
