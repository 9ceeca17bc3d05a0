using System.Diagnostics;

namespace FlowForge.Storage.Sql.Execution;

/// <summary>
/// Marks a writer puts on the spans its operations were queued under (<see cref="PendingWrite.Traced"/>): nothing is done
/// for an operation nobody traces. With the span's own start and the caller's resumption, they split a write's time into
/// waiting for the writer, running and committing (the fsync), and handing the result back.
/// </summary>
internal static class StoreTrace
{
    public const string BatchBegun = "flowforge.store.batch_begun";

    public const string Committed = "flowforge.store.committed";

    public static void Mark(List<PendingWrite> batch, string name)
    {
        ActivityTagsCollection? tags = null;
        foreach (var write in batch)
        {
            if (write.Traced is { } activity)
            {
                tags ??= new ActivityTagsCollection { ["flowforge.store.batch_size"] = batch.Count };
                activity.AddEvent(new ActivityEvent(name, tags: tags));
            }
        }
    }
}
