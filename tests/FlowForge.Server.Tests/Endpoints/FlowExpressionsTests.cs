using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Endpoints;

/// <summary>Expressions through the API: checked when a flow is saved, evaluated when it runs.</summary>
public sealed class FlowExpressionsTests(SharedServerFixture shared) : IClassFixture<SharedServerFixture>
{
    [Fact]
    public async Task Run_SetValuesWithOperatorsAndHelpers_OutputsTypedComputedValues()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var flow = Flows.Chain("computed",
            ("order", "core.set", new JsonObject
            {
                ["values"] = new JsonObject
                {
                    ["total"] = "{{ sum([input.items[0].price * input.items[0].qty, input.items[1].price * input.items[1].qty]) }}",
                    ["email"] = "{{ lower(trim(input.email)) }}",
                    ["skus"] = "{{ join([input.items[0].sku, input.items[1].sku], '+') }}",
                },
            }),
            ("summary", "core.set", new JsonObject
            {
                ["values"] = new JsonObject
                {
                    ["big"] = "{{ nodes.order.output.total > 30 }}",
                    ["tier"] = "{{ nodes.order.output.total >= 100 ? 'gold' : 'standard' }}",
                    ["line"] = "Order {{ nodes.order.output.skus }} for {{ default(input.name, 'friend') }}: {{ round(nodes.order.output.total * 1.2, 2) }}",
                    ["due"] = "{{ formatDate(addDays(input.orderedAt, 3), 'yyyy-MM-dd') }}",
                    ["tags"] = "{{ split(input.tagList, ',') }}",
                },
            }));
        var created = await client.PostAsJsonAsync("/api/flows", flow);
        created.EnsureSuccessStatusCode();
        var flowId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        var input = JsonNode.Parse("""
            {
              "email": "  Ada@Example.COM ",
              "items": [{ "sku": "A1", "price": 12.5, "qty": 2 }, { "sku": "B2", "price": 4, "qty": 3 }],
              "orderedAt": "2025-03-14T09:26:53Z",
              "tagList": "new,vip"
            }
            """);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flowId}/runs") { Content = JsonContent.Create(new JsonObject { ["input"] = input }) };
        request.Headers.Add("Prefer", "wait=10");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var run = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Succeeded", run["status"]!.GetValue<string>());
        var nodes = run["nodes"]!.AsArray();
        var order = nodes.Single(n => n!["nodeId"]!.GetValue<string>() == "order")!["output"];
        var summary = nodes.Single(n => n!["nodeId"]!.GetValue<string>() == "summary")!["output"];
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"total":37,"email":"ada@example.com","skus":"A1+B2"}"""), order), order?.ToJsonString());
        Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse("""{"big":true,"tier":"standard","line":"Order A1+B2 for friend: 44.4","due":"2025-03-17","tags":["new","vip"]}"""), summary),
            summary?.ToJsonString());
    }

    [Fact]
    public async Task Run_ExpressionFailingOnRunData_FailsTheNodeNamingFieldAndPosition()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var flow = Flows.Chain("ratio", ("ratio", "core.set", new JsonObject { ["values"] = new JsonObject { ["r"] = "{{ input.a / input.b }}" } }));
        var created = await client.PostAsJsonAsync("/api/flows", flow);
        created.EnsureSuccessStatusCode();
        var flowId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flowId}/runs") { Content = JsonContent.Create(new { input = new { a = 1, b = 0 } }) };
        request.Headers.Add("Prefer", "wait=10");

        var run = (await (await client.SendAsync(request)).Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal("Failed", run["status"]!.GetValue<string>());
        var node = run["nodes"]!.AsArray().Single(n => n!["nodeId"]!.GetValue<string>() == "ratio")!;
        Assert.Equal("Failed", node["status"]!.GetValue<string>());
        Assert.Equal("expression in node 'ratio' config.values.r: division by zero at position 11", node["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{{ input.a + }}", "expected a name or a value at position 13")]
    [InlineData("total: {{ round(input.a, 1, 2) }}", "round() takes 1 to 2 arguments but was given 3 at position 10")]
    [InlineData("{{ exec('rm -rf /') }}", "unknown helper 'exec'; see the list of helpers in docs/expressions.md at position 3")]
    [InlineData("{{ input.a > 1 ? 'x' }}", "expected ':' but found the end of the expression at position 21")]
    public async Task Create_ExpressionThatCannotBeRead_Returns400NamingNodeFieldAndPosition(string text, string message)
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var flow = Flows.Chain("bad", ("set", "core.set", new JsonObject { ["values"] = new JsonObject { ["x"] = text } }));

        var response = await client.PostAsJsonAsync("/api/flows", flow);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var error = Assert.Single((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsArray())!;
        Assert.Equal("invalid_config", error["code"]!.GetValue<string>());
        Assert.Equal("set", error["nodeId"]!.GetValue<string>());
        Assert.Equal("nodes[1].data.config.values.x", error["field"]!.GetValue<string>());
        Assert.Contains(message, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_HelperReadingNodeDownstream_Returns400NamingTheNode()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var flow = Flows.Chain("order",
            ("first", "core.set", new JsonObject { ["values"] = new JsonObject { ["x"] = "{{ upper(nodes.second.output.name) }}" } }),
            ("second", "core.set", new JsonObject { ["values"] = new JsonObject { ["name"] = "a" } }));

        var response = await client.PostAsJsonAsync("/api/flows", flow);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = Assert.Single((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsArray())!;
        Assert.Equal("first", error["nodeId"]!.GetValue<string>());
        Assert.Contains("reads node 'second', which does not run before it", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
