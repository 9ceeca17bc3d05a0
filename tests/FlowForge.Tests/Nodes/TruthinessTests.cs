using System.Text.Json.Nodes;
using FlowForge.Nodes.Core;

namespace FlowForge.Tests.Nodes;

public sealed class TruthinessTests
{
    public static TheoryData<string?> FalseValues => new() { null, "false", "null", "0", "0.0", "-0", "\"\"" };

    public static TheoryData<string> TrueValues => new() { "true", "1", "-2.5", "\"false\"", "\"0\"", "\" \"", "[]", "{}", "[false]" };

    [Theory]
    [MemberData(nameof(FalseValues))]
    public void Of_FalseNullZeroEmptyTextOrMissing_IsFalse(string? json)
    {
        Assert.False(Truthiness.Of(json is null ? null : JsonNode.Parse(json)));
    }

    [Theory]
    [MemberData(nameof(TrueValues))]
    public void Of_AnyOtherValue_IsTrue(string json)
    {
        Assert.True(Truthiness.Of(JsonNode.Parse(json)));
    }

    [Fact]
    public void Of_ValuesBuiltInCode_ReadLikeParsedOnes()
    {
        Assert.Equal((false, true, false, true), (Truthiness.Of(JsonValue.Create(0)), Truthiness.Of(JsonValue.Create(3L)), Truthiness.Of(JsonValue.Create(false)), Truthiness.Of(JsonValue.Create("x"))));
    }
}
