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
