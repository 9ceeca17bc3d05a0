using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowForge.Bench;

/// <summary>
/// The machine's speed in the hour a bench ran: the same fixed piece of work on one thread (a flow-sized JSON document
/// written and read back, the kind of work a serve process spends its CPU on), timed before the bench starts its
/// servers, to tell a slow hour from a slower build: a build's CPU per flow that moved with it since another run moved with
/// the hour. It is not a load test: one core, about a second.
/// </summary>
public static class ReferenceWork
{
    /// <summary>Documents written and read per measured round.</summary>
    public const int Documents = 1_000;

    /// <summary>Measured rounds.</summary>
    public const int Rounds = 5;

    /// <summary>The reference work's time in milliseconds: the median of <see cref="Rounds"/>, after one round not measured.</summary>
    public static double Measure()
    {
        var document = Document();
        Round(document);
        var times = new double[Rounds];
        for (var i = 0; i < Rounds; i++)
        {
            var started = Stopwatch.GetTimestamp();
            Round(document);
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        return Stats.Of(times).P50;
    }

    /// <summary>
    /// One round: the document written to UTF-8 and read back <see cref="Documents"/> times. The sum of what was read is
    /// answered so that the reads are work done, not skipped.
    /// </summary>
    public static long Round(JsonObject document)
    {
        long sum = 0;
        for (var i = 0; i < Documents; i++)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(document);
            using var parsed = JsonDocument.Parse(bytes);
            foreach (var node in parsed.RootElement.GetProperty("nodes").EnumerateArray())
            {
                sum += node.GetProperty("position").GetProperty("x").GetInt32() + node.GetProperty("data").GetProperty("payload").GetString()!.Length;
            }

            sum += bytes.Length;
        }

        return sum;
    }

    /// <summary>A linear-10 flow as the editor sends it, each node with a 1 KB payload: the same every time.</summary>
    public static JsonObject Document()
    {
        var nodes = new JsonArray();
        var edges = new JsonArray();
        for (var i = 0; i < 11; i++)
        {
            nodes.Add(new JsonObject
            {
                ["id"] = $"n{i}",
                ["type"] = i == 0 ? "trigger.manual" : "core.set",
                ["position"] = new JsonObject { ["x"] = i * 180, ["y"] = 40 },
                ["data"] = new JsonObject { ["label"] = $"Step {i}", ["payload"] = new string((char)('a' + i), 1024) },
            });
            if (i > 0)
            {
                edges.Add(new JsonObject { ["id"] = $"e{i}", ["source"] = $"n{i - 1}", ["target"] = $"n{i}" });
            }
        }

        return new JsonObject { ["name"] = "reference", ["nodes"] = nodes, ["edges"] = edges };
    }
}
