using System.Text;
using System.Text.Json.Nodes;
using FlowForge.Engine.Json;

namespace FlowForge.Tests.Json;

public sealed class JsonPolicyTests
{
    [Theory]
    [InlineData("""{"a": 1, "a": 2}""", "a", "appears twice")]
    [InlineData("""{"input": {"x": {"y": 1, "y": 1}}}""", "input.x.y", "appears twice")]
    [InlineData("""{"name": "\ud800"}""", "name", "lone UTF-16 surrogate")]
    [InlineData("""{"list": [1, "ok", "\udc00x"]}""", "list[2]", "lone UTF-16 surrogate")]
    [InlineData("""{"\ud800": 1}""", "$", "lone UTF-16 surrogate")]
    [InlineData("""{"a": {"b": "x\u0000y"}}""", "a.b", "NUL")]
    [InlineData("""{"n": 1e999999}""", "n", "too large")]
    [InlineData("""{"n": -1e400}""", "n", "too large")]
    [InlineData("""{"a": [1, 2,]}""", "a[1]", "invalid")]
    [InlineData("""{"a": 1} // note""", "$", "invalid")]
    public void TryParse_HostileText_IsRefusedNamingTheField(string json, string path, string reason)
    {
        Assert.False(JsonPolicy.TryParse(json, out var node, out var rejection));

        Assert.Null(node);
        Assert.Equal(path, rejection!.Path);
        Assert.Contains(reason, rejection.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"a": 1, "a": 2}""")]
    [InlineData("""{"name": "\ud800"}""")]
    [InlineData("""{"a": [1, 2,]}""")]
    [InlineData("""{"n": 1e999999}""")]
    public void TryParseKeeping_HostileText_IsRefusedAsTryParseRefusesIt(string json)
    {
        Assert.False(JsonPolicy.TryParse(json, out _, out var expected));

        Assert.False(JsonPolicy.TryParseKeeping(Encoding.UTF8.GetBytes(json), out var node, out var rejection));

        Assert.Null(node);
        Assert.Equal(expected, rejection);
    }

    [Theory]
    [InlineData("""{"input": {"n": 1, "s": "é\u00e9"}, "list": [1, null, true]}""")]
    [InlineData("""[1, {"a": "b"}]""")]
    [InlineData("\"text\"")]
    [InlineData("12.5")]
    [InlineData("null")]
    public void TryParseKeeping_Document_IsTheNodeTryParseBuilds(string json)
    {
        var utf8 = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(json)).ToArray();
        Assert.True(JsonPolicy.TryParse(json, out var expected, out _));

        Assert.True(JsonPolicy.TryParseKeeping(utf8, out var node, out var rejection));

        Assert.Null(rejection);
        Assert.Equal(expected?.ToJsonString(), node?.ToJsonString());
        Assert.True(JsonNode.DeepEquals(expected, node));
    }

    [Fact]
    public void TryParseKeeping_LargeBody_IsParsedInTheArrayItWasReadInto()
    {
        var body = Encoding.UTF8.GetBytes("""{"input": {"payload": "before"}}""");

        Assert.True(JsonPolicy.TryParseKeeping(body, out var node, out _));

        // The parsed document reads the caller's array (no copy): a change to it shows through, which is why the
        // caller must hand the array over.
        "AFTERS"u8.CopyTo(body.AsSpan(Array.IndexOf(body, (byte)'b')));
        Assert.Equal("AFTERS", node!["input"]!["payload"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(8, 7)]
    [InlineData(9, 0)]
    [InlineData(9, 8)]
    [InlineData(30, 8)]
    [InlineData(30, 29)]
    public void TryParse_ObjectOfManyPropertiesWithOneTwice_IsRefusedNamingIt(int properties, int repeated)
    {
        // Small objects compare names one by one, larger ones through a set: a repeat is found on either side of the switch.
        var names = Enumerable.Range(0, properties).Select(i => $"p{i}").Append($"p{repeated}");
        var json = "{\"o\": {" + string.Join(", ", names.Select(n => $"\"{n}\": 1")) + "}}";

        Assert.False(JsonPolicy.TryParse(json, out _, out var rejection));
        Assert.Equal($"o.p{repeated}", rejection!.Path);
        Assert.Contains("appears twice", rejection.Message, StringComparison.Ordinal);
        Assert.True(JsonPolicy.TryParse("{\"o\": {" + string.Join(", ", Enumerable.Range(0, properties).Select(i => $"\"p{i}\": 1")) + "}}", out _, out _));
    }

    [Theory]
    [InlineData("""{"a": 1, "\u0061": 2}""", "a")]
    [InlineData("""{"\u00e9t\u00e9": 1, "été": 2}""", "['été']")]
    [InlineData("""{"o": {"p0": 1, "p1": 1, "p2": 1, "p3": 1, "p4": 1, "p5": 1, "p6": 1, "p7": 1, "p8": 1, "p\u0033": 1}}""", "o.p3")]
    public void TryParse_NameRepeatedOnceEscapedOnceNot_IsRefusedNamingIt(string json, string path)
    {
        // Unescaped names are compared as bytes, an escaped one as text: the same name either way is a repeat.
        Assert.False(JsonPolicy.TryParse(json, out _, out var rejection));

        Assert.Equal(path, rejection!.Path);
        Assert.Contains("appears twice", rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_DocumentOfManyObjects_MakesNoStringOfANameNorAFrameEach()
    {
        // Every node output is checked as it is stored. A string per property name and a frame per object came to
        // 217,920 bytes for these 400 objects of five properties; names compared as bytes in reused frames cost none.
        var items = Enumerable.Range(0, 400).Select(i => $$$"""{"id":{{{i}}},"name":"item {{{i}}}","price":1.5,"tags":["a","b"],"nested":{"ok":true}}""");
        var utf8 = Encoding.UTF8.GetBytes("{\"items\":[" + string.Join(",", items) + "]}");
        Assert.Null(JsonPolicy.Check(utf8));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var rejection = JsonPolicy.Check(utf8);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Null(rejection);
        Assert.True(allocated < 1_024, $"checking the document allocated {allocated:N0} bytes");
    }

    [Fact]
    public void TryParse_InvalidUtf8Bytes_IsRefused()
    {
        byte[] bytes = [.. "{\"name\": \""u8, 0xC3, 0x28, .. "\"}"u8];

        Assert.False(JsonPolicy.TryParse(bytes, out _, out var rejection));

        Assert.Contains("UTF-8", rejection!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_StringWithLoneSurrogateChar_IsRefused()
    {
        Assert.False(JsonPolicy.TryParse("{\"a\": \"\ud800\"}", out _, out var rejection));

        Assert.Contains("surrogate", rejection!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_ByteOrderMarkAndValidPairs_AreAccepted()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("""{"emoji": "\ud83d\ude00", "text": "é"}""")];

        Assert.True(JsonPolicy.TryParse(bytes, out var node, out var rejection), rejection?.Message);

        Assert.Equal("😀", node!["emoji"]!.GetValue<string>());
    }

    [Fact]
    public void TryParse_AtMaxDepth_IsAcceptedAndReadsBackAsStored()
    {
        var json = Nested(JsonPolicy.MaxDepth);

        Assert.True(JsonPolicy.TryParse(json, out var node, out var rejection), rejection?.Message);
        Assert.True(JsonPolicy.TrySerialize(node, out var stored, out rejection), rejection?.Message);

        Assert.Equal(stored, JsonPolicy.ParseStored(stored!)!.ToJsonString());
        Assert.Equal(System.Text.Json.JsonValueKind.Array, JsonPolicy.ParseStoredElement(stored!).ValueKind);
    }

    [Theory]
    [InlineData(JsonPolicy.MaxDepth + 1)]
    [InlineData(10_000)]
    public void TryParse_DeeperThanMaxDepth_IsRefused(int depth)
    {
        Assert.False(JsonPolicy.TryParse(Nested(depth), out _, out var rejection));

        Assert.Contains($"deeper than {JsonPolicy.MaxDepth}", rejection!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrySerialize_OutputBuiltDeeperThanMaxDepth_IsRefused()
    {
        JsonNode node = new JsonArray();
        for (var i = 0; i < JsonPolicy.MaxDepth + 5; i++)
        {
            node = new JsonObject { ["x"] = node };
        }

        Assert.False(JsonPolicy.TrySerialize(node, out var json, out var rejection));

        Assert.Null(json);
        Assert.Contains("deeper than", rejection!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_BuiltTextWithNul_IsRefused()
    {
        var rejection = JsonPolicy.Check(new JsonObject { ["value"] = "a\0b" });

        Assert.NotNull(rejection);
        Assert.Equal("value", rejection.Path);
        Assert.Contains("NUL", rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Utf8Length_NonAsciiText_CountsUnescapedBytes()
    {
        Assert.Equal(Encoding.UTF8.GetByteCount("""{"a":"é"}"""), JsonPolicy.Utf8Length(new JsonObject { ["a"] = "é" }));
    }

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);
}
