using System.Text;
using System.Text.Json.Nodes;
using FlowForge.Engine.Limits;

namespace FlowForge.Tests.Limits;

public sealed class JsonSizeTests
{
    private static JsonObject Document(int bytes) => new() { ["payload"] = new string('x', bytes), ["n"] = 1 };

    [Fact]
    public void TryWriteStored_ADocumentPastTheInlineLimit_HandsBackItsExactUtf8()
    {
        var document = Document(200_000);

        var written = JsonSize.TryWriteStored(document, 1_000_000, 64 * 1024, out var json, out var utf8, out var bytes, out var rejection);

        Assert.True(written);
        Assert.Null(rejection);
        Assert.Null(json);
        Assert.Equal(document.ToJsonString(), Encoding.UTF8.GetString(utf8.Span));
        Assert.Equal(utf8.Length, bytes);
    }

    [Fact]
    public void TryWriteStored_ADocumentUnderTheInlineLimit_IsText()
    {
        var document = Document(1_000);

        Assert.True(JsonSize.TryWriteStored(document, 1_000_000, 64 * 1024, out var json, out var utf8, out _, out _));

        Assert.Equal(document.ToJsonString(), json);
        Assert.True(utf8.IsEmpty);
    }

    [Fact]
    public void TryWrite_PastTheLimit_ReportsTheFullSizeAndKeepsNothing()
    {
        var document = Document(300_000);

        Assert.False(JsonSize.TryWrite(document, 100_000, out var json, out var bytes));

        Assert.Null(json);
        Assert.Equal(Encoding.UTF8.GetByteCount(document.ToJsonString()), bytes);
        Assert.Equal(bytes, JsonSize.Measure(document, 100_000));
    }

    [Fact]
    public void TryWriteStored_ALargeDocument_AllocatesAboutItsOwnSizeNotTheGrowingBuffers()
    {
        // Growing by doubling into fresh arrays allocates about 2.5 times the document (256 B … 256 KB for 200 KB),
        // all of the largest ones on the large object heap. Pooled growth leaves only the copy handed back.
        var document = Document(200_000);
        JsonSize.TryWriteStored(document, 1_000_000, 64 * 1024, out _, out _, out _, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        JsonSize.TryWriteStored(document, 1_000_000, 64 * 1024, out _, out var utf8, out _, out _);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.InRange(allocated, utf8.Length, utf8.Length * 3 / 2);
    }

    [Fact]
    public void WriteChecking_UpToTheCheckedSize_IsTheSerializersTextCheckedAgainstThePolicy()
    {
        var value = new JsonObject { ["name"] = "Zoë", ["list"] = new JsonArray(1, "two") };

        var json = JsonSize.WriteChecking(value, 1_000, out var bytes, out var passes);

        Assert.Equal(value.ToJsonString(), json);
        Assert.Equal(Encoding.UTF8.GetByteCount(json), bytes);
        Assert.True(passes);
    }

    [Fact]
    public void WriteChecking_OverTheCheckedSize_IsWrittenWholeAndNotPassed()
    {
        // A run input larger than an inline output is still the run's input, whole; its trigger is left to a worker.
        var value = new JsonObject { ["text"] = new string('x', 100) };

        var json = JsonSize.WriteChecking(value, 50, out var bytes, out var passes);

        Assert.Equal(value.ToJsonString(), json);
        Assert.Equal(json.Length, bytes);
        Assert.False(passes);
    }
}
