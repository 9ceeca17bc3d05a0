using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace FlowForge.Bench;

/// <summary>
/// The end of a phase: waits until no run of the account is pending or running (two reads of one run each, by the
/// runs' status index), takes the phase's closing figures at that moment, and only then lists the phase's runs for
/// their server timestamps and failures. The listing reads every run of the phase, so it stays out of the measured
/// window: it is the bench's own load, not the flows'.
/// </summary>
public static class PhaseRuns
{
    /// <summary>How often the end of the phase is looked for.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>How long runs may take to finish after the last start before the phase fails.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);

    // The statuses of a run that has not finished (RunStatus: Pending, Running; Succeeded, Failed and Cancelled are final).
    private static readonly string[] Unfinished = ["pending", "running"];

    /// <summary>
    /// Waits for the runs to finish, then calls <paramref name="atLastFinish"/> (the closing snapshot), then lists the
    /// runs of <paramref name="flowId"/>. Failed and cancelled runs, and runs still unfinished at the deadline, are
    /// errors.
    /// </summary>
    public static async Task<(T AtLastFinish, List<(DateTimeOffset Created, DateTimeOffset Finished)> Runs)> EndAsync<T>(
        HttpClient client, Guid flowId, PhaseErrors errors, Func<Task<T>> atLastFinish, TimeSpan? pollInterval = null)
    {
        var ended = await WaitUntilFinishedAsync(client, errors, pollInterval ?? PollInterval);
        var closing = await atLastFinish();
        // Past the deadline already (an error says so): one reading of the listing, for what has finished.
        return (closing, await CollectAsync(client, flowId, errors, pollInterval ?? PollInterval, once: !ended));
    }

    /// <summary>
    /// Polls <c>GET /api/runs?status=…&amp;limit=1</c> for each unfinished status until every one answers an empty page;
    /// false (and an error naming the newest unfinished run) when that has not happened by <see cref="Deadline"/>.
    /// </summary>
    public static async Task<bool> WaitUntilFinishedAsync(HttpClient client, PhaseErrors errors, TimeSpan pollInterval)
    {
        var deadline = DateTimeOffset.UtcNow + Deadline;
        string? newest = null;
        // Bounded by the deadline and, should the clock stall, by a count of polls no faster than one a millisecond.
        for (var poll = 0; poll < (int)Deadline.TotalMilliseconds && DateTimeOffset.UtcNow < deadline; poll++)
        {
            newest = null;
            foreach (var status in Unfinished)
            {
                var items = (await client.GetFromJsonAsync<JsonObject>($"/api/runs?status={status}&limit=1"))!["items"]!.AsArray();
                if (items.Count > 0)
                {
                    newest = $"run {items[0]!["id"]} of flow {items[0]!["flowId"]} ({items[0]!["status"]})";
                    break;
                }
            }

            if (newest is null)
            {
                return true;
            }

            await Task.Delay(pollInterval);
        }

        errors.Add($"runs did not finish within {Deadline.TotalMinutes:F0} minutes of the last start (newest unfinished: {newest})");
        return false;
    }

    /// <summary>
    /// Lists every run of the flow and returns the succeeded ones' server timestamps; failed and cancelled runs count as
    /// errors. Runs are listed newest first; should one still be unfinished (a run of the flow that the account-wide
    /// poll missed), the listing is read again from the newest run down to the oldest one found unfinished, within
    /// <see cref="Deadline"/> (<paramref name="once"/>: the listing is read once, and what has not finished is left out).
    /// </summary>
    public static async Task<List<(DateTimeOffset Created, DateTimeOffset Finished)>> CollectAsync(
        HttpClient client, Guid flowId, PhaseErrors errors, TimeSpan pollInterval, bool once = false)
    {
        var finished = new Dictionary<Guid, (DateTimeOffset Created, DateTimeOffset Finished)>();
        var failed = new HashSet<Guid>();
        DateTimeOffset? boundary = null;
        var deadline = DateTimeOffset.UtcNow + Deadline;
        for (var attempt = 0; attempt < (int)Deadline.TotalMilliseconds && (attempt == 0 || DateTimeOffset.UtcNow < deadline); attempt++)
        {
            DateTimeOffset? oldestUnfinished = null;
            string? cursor = null;
            for (var page = 0; page < 100_000; page++)
            {
                var body = (await client.GetFromJsonAsync<JsonObject>($"/api/flows/{flowId}/runs?limit=200{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}"))!;
                var items = body["items"]!.AsArray();
                foreach (var item in items)
                {
                    var id = item!["id"]!.GetValue<Guid>();
                    var created = item["createdAt"]!.GetValue<DateTimeOffset>();
                    switch (item["status"]!.GetValue<string>())
                    {
                        case "Succeeded":
                            finished[id] = (created, item["finishedAt"]!.GetValue<DateTimeOffset>());
                            break;
                        case "Failed" or "Cancelled":
                            if (failed.Add(id))
                            {
                                errors.Add($"run {id} ended {item["status"]}: {item["error"]}");
                            }

                            break;
                        default:
                            oldestUnfinished = oldestUnfinished is { } o && o < created ? o : created;
                            break;
                    }
                }

                cursor = body["nextCursor"]?.GetValue<string>();
                var oldestOnPage = items.Count == 0 ? (DateTimeOffset?)null : items[^1]!["createdAt"]!.GetValue<DateTimeOffset>();
                if (cursor is null || (boundary is { } b && oldestOnPage < b))
                {
                    break;
                }
            }

            if (oldestUnfinished is null || once)
            {
                return [.. finished.Values];
            }

            boundary = oldestUnfinished.Value.AddSeconds(-1);
            await Task.Delay(pollInterval);
        }

        errors.Add($"runs of flow {flowId} did not finish within {Deadline.TotalMinutes:F0} minutes of the last start");
        return [.. finished.Values];
    }
}
