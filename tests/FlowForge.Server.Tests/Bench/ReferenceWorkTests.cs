using FlowForge.Bench;

namespace FlowForge.Server.Tests.Bench;

public sealed class ReferenceWorkTests
{
    [Fact]
    public void Measure_FixedDocument_TimesTheSameWorkEveryRoundAndAnswersItsChecksum()
    {
        var document = ReferenceWork.Document();
        // Eleven nodes' 1 KB payloads and x positions, read back from every one of the documents written.
        var perDocument = (11 * 1024) + Enumerable.Range(0, 11).Sum(i => i * 180);

        var (ms, checksum) = ReferenceWork.Measure();

        Assert.True(ms > 0, $"{ms} ms");
        Assert.Equal(ReferenceWork.Round(document), checksum);
        var written = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(document).Length;
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
