using FlowForge.Bench;

namespace FlowForge.Server.Tests.Bench;

public sealed class ReferenceWorkTests
{
    [Fact]
    public void Measure_FixedDocument_TakesTime()
    {
        var ms = ReferenceWork.Measure();

        Assert.True(ms > 0, $"{ms} ms");
    }

    [Fact]
    public void Round_FixedDocument_ReadsBackWhatEveryDocumentWrittenHolds()
    {
        var document = ReferenceWork.Document();
        // Eleven nodes' 1 KB payloads and x positions, read back from every one of the documents written.
        var perDocument = (11 * 1024) + Enumerable.Range(0, 11).Sum(i => i * 180);
        var written = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(document).Length;

        var checksum = ReferenceWork.Round(document);

        Assert.Equal((long)ReferenceWork.Documents * (perDocument + written), checksum);
    }

    [Fact]
    public void Round_AnotherDocument_AnotherChecksum()
    {
        var document = ReferenceWork.Document();
        var before = ReferenceWork.Round(document);
        document["nodes"]![3]!["data"]!["payload"] = "short";

        Assert.NotEqual(before, ReferenceWork.Round(document));
    }
}
