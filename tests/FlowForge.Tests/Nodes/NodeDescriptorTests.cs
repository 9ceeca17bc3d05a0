using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;
using FlowForge.Nodes;
using FlowForge.Nodes.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Tests.Nodes;

/// <summary>The editor builds palettes, ports and forms from descriptors alone, so every built-in type must describe itself fully.</summary>
public sealed class NodeDescriptorTests
{
    public static TheoryData<string> TypeIds() => [.. Registry().All.Select(t => t.Descriptor.Id)];

    [Theory]
    [MemberData(nameof(TypeIds))]
    public void Descriptor_EveryBuiltInType_HasCategoryIconDescriptionAndPorts(string id)
    {
        var descriptor = Registry().All.Single(t => t.Descriptor.Id == id).Descriptor;

        Assert.True(Enum.IsDefined(descriptor.Category));
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Icon));
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Description));
        Assert.NotEmpty(descriptor.Outputs);
        if (descriptor.Category == NodeCategory.Trigger)
        {
            Assert.Empty(descriptor.Inputs);
        }
        else
        {
            Assert.Equal([NodePorts.Main], descriptor.Inputs);
        }
    }

    [Theory]
    [MemberData(nameof(TypeIds))]
    public void ConfigSchema_EveryProperty_HasTitleAndDescription(string id)
    {
        var schema = Registry().All.Single(t => t.Descriptor.Id == id).Descriptor.ConfigSchema;

        var missing = PropertiesOf(schema, "$")
            .Where(p => p.Schema["title"] is null || string.IsNullOrWhiteSpace((string?)p.Schema["description"]))
            .Select(p => p.Path)
            .ToList();

        Assert.True(missing.Count == 0, $"{id}: properties without title or description: {string.Join(", ", missing)}");
    }

    [Fact]
    public void ConfigSchema_HttpRequest_MethodIsAnEnumAndUrlAcceptsExpressions()
    {
        var properties = Descriptor("http.request").ConfigSchema["properties"]!;

        Assert.Contains("POST", properties["method"]!["enum"]!.AsArray().Select(v => (string?)v));
        Assert.Equal("json", (string?)properties["bodyType"]!["default"]);
        Assert.Equal("Method", (string?)properties["method"]!["title"]);
        Assert.True((bool?)properties["url"]![ConfigSchemaAnnotations.ExpressionKeyword]);
        Assert.Equal(["auto", "json", "text", "binary"], properties["responseType"]!["enum"]!.AsArray().Select(v => (string?)v));
        Assert.Contains("blob store", (string?)properties["responseType"]!["description"], StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigSchema_ForEachAndFlowCall_MarkExpressionsAndRequireAFlowId()
    {
        var forEach = Descriptor("core.forEach");
        var call = Descriptor("flow.call");

        Assert.Equal(NodeCategory.Logic, forEach.Category);
        Assert.True((bool?)forEach.ConfigSchema["properties"]!["items"]![ConfigSchemaAnnotations.ExpressionKeyword]);
        Assert.Equal(10, (int?)forEach.ConfigSchema["properties"]!["concurrency"]!["default"]);
        Assert.Equal("uuid", (string?)forEach.ConfigSchema["properties"]!["flowId"]!["format"]);
        Assert.Equal(NodeCategory.Action, call.Category);
        Assert.True((bool?)call.ConfigSchema["properties"]!["input"]![ConfigSchemaAnnotations.ExpressionKeyword]);
        Assert.Equal("uuid", (string?)call.ConfigSchema["properties"]!["flowId"]!["format"]);
    }

    [Theory]
    [InlineData("core.forEach", "{\"items\":\"{{ input.list }}\",\"concurrency\":0}", "$.flowId")]
    [InlineData("core.forEach", "{\"items\":[],\"flowId\":\"0c0ffee0-0000-4000-8000-000000000001\",\"concurrency\":0}", "$.concurrency")]
    [InlineData("flow.call", "{}", "$.flowId")]
    [InlineData("flow.call", "{\"flowId\":\"0c0ffee0-0000-4000-8000-000000000001\",\"version\":0}", "$.version")]
    public void ValidateConfig_SubflowNodeWithBadSetting_NamesTheField(string type, string config, string path)
    {
        var problems = Registry().All.Single(t => t.Descriptor.Id == type).ValidateConfig(JsonNode.Parse(config));

        Assert.Contains(problems, p => p.Path == path || (p.Path == "$" && p.Message.Contains($"'{path[2..]}'", StringComparison.Ordinal)));
    }

    [Fact]
    public void Descriptor_Switch_HasDynamicOutputsAndADefaultPort()
    {
        var descriptor = Descriptor("core.switch");

        Assert.True(descriptor.DynamicOutputs);
        Assert.Contains("default", descriptor.Outputs);
        Assert.Equal("split", descriptor.Icon);
    }

    [Fact]
    public void ConfigSchema_WebhookSignature_FormatIsAnEnumWithDefault()
    {
        var format = Descriptor("trigger.webhook").ConfigSchema["properties"]!["signature"]!["properties"]!["format"]!;

        Assert.Equal(["github", "stripe", "hex", "base64"], format["enum"]!.AsArray().Select(v => (string?)v));
        Assert.Equal("github", (string?)format["default"]);
    }

    [Theory]
    [InlineData("trigger.webhook", "respond", "immediately,whenFinished", "immediately")]
    [InlineData("trigger.schedule", "missed", "skip,runOnce", "skip")]
    [InlineData("core.merge", "mode", "object,append,first", null)]
    [InlineData("http.request", "bodyType", "json,form,raw", "json")]
    [InlineData("core.wait", "until", "time,signal", "time")]
    public void ConfigSchema_ClosedChoice_IsAnEnumWithItsDefault(string type, string property, string choices, string? defaultValue)
    {
        var schema = Descriptor(type).ConfigSchema["properties"]![property]!;

        Assert.Equal(choices.Split(','), schema["enum"]!.AsArray().Select(v => (string?)v));
        Assert.Equal(defaultValue, (string?)schema["default"]);
    }

    [Fact]
    public void Descriptor_Triggers_HaveNoInputs()
    {
        Assert.Empty(Descriptor("trigger.manual").Inputs);
        Assert.Equal("play", Descriptor("trigger.manual").Icon);
        Assert.Equal([NodePorts.Main], Descriptor("core.noop").Inputs);
    }

    [Fact]
    public void ConfigSchema_Wait_NumberIsNoExpressionButTextIs()
    {
        var properties = Descriptor("core.wait").ConfigSchema["properties"]!;

        Assert.Null(properties["ms"]![ConfigSchemaAnnotations.ExpressionKeyword]);
        Assert.True((bool?)properties["until"]![ConfigSchemaAnnotations.ExpressionKeyword]);
        Assert.Equal("time", (string?)properties["until"]!["default"]);
    }

    [Theory]
    [InlineData("timeoutMs", "Timeout ms")]
    [InlineData("url", "Url")]
    [InlineData("followRedirects", "Follow redirects")]
    public void TitleFrom_CamelCaseName_GivesReadableTitle(string name, string expected) =>
        Assert.Equal(expected, ConfigSchemaAnnotations.TitleFrom(name));

    private static NodeDescriptor Descriptor(string id) => Registry().All.Single(t => t.Descriptor.Id == id).Descriptor;

    private static IEnumerable<(string Path, JsonObject Schema)> PropertiesOf(JsonObject schema, string path)
    {
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, value) in properties)
            {
                if (value is JsonObject property)
                {
                    yield return ($"{path}.{name}", property);
                    foreach (var nested in PropertiesOf(property, $"{path}.{name}"))
                    {
                        yield return nested;
                    }
                }
            }
        }

        if (schema["items"] is JsonObject items)
        {
            foreach (var nested in PropertiesOf(items, $"{path}[]"))
            {
                yield return nested;
            }
        }
    }

    private static INodeTypeRegistry Registry()
    {
        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System);
        services.AddNodeTypes(NodesAssembly.Assembly).AddOutboundHttp();
        return services.BuildServiceProvider().GetRequiredService<INodeTypeRegistry>();
    }
}
