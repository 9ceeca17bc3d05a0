using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Endpoints;

/// <summary>POST /api/expressions/preview: the engine's evaluator over a run's input and node outputs.</summary>
public sealed class ExpressionPreviewEndpointTests(SharedServerFixture shared) : IClassFixture<SharedServerFixture>
{
    private static async Task<Guid> RunAsync(HttpClient client)
    {
        var flow = Flows.Chain("preview",
            ("order", "core.set", new JsonObject
            {
                ["values"] = new JsonObject
                {
                    ["total"] = "{{ input.price * input.qty }}",
                    ["sku"] = "{{ upper(input.sku) }}",
                    ["tags"] = "{{ split('a,b', ',') }}",
                },
            }),
            ("notify", "core.set", new JsonObject { ["values"] = new JsonObject { ["line"] = "{{ nodes.order.output.sku }}" } }));
        var created = await client.PostAsJsonAsync("/api/flows", flow);
        created.EnsureSuccessStatusCode();
        var flowId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flows/{flowId}/runs")
        {
            Content = JsonContent.Create(new { input = new { price = 2.5, qty = 4, sku = "ab-1" } }),
        };
        request.Headers.Add("Prefer", "wait=10");
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var run = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Succeeded", run["status"]!.GetValue<string>());
        return run["id"]!.GetValue<Guid>();
    }

    private static Task<HttpResponseMessage> PreviewAsync(HttpClient client, object body) =>
        client.PostAsJsonAsync("/api/expressions/preview", body);

    [Fact]
    public async Task Preview_WholeTemplateOverRun_ReturnsTypedValue()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var runId = await RunAsync(client);

        var number = await PreviewAsync(client, new { expression = "{{ nodes.order.output.total + input.qty }}", runId, nodeId = "notify" });
        var list = await PreviewAsync(client, new { expression = "{{ nodes.order.output.tags }}", runId, nodeId = "notify" });

        Assert.Equal(HttpStatusCode.OK, number.StatusCode);
        var value = (await number.Content.ReadFromJsonAsync<JsonObject>())!["value"]!;
        Assert.Equal(System.Text.Json.JsonValueKind.Number, value.GetValueKind());
        Assert.Equal(14m, value.GetValue<decimal>());
        var tags = (await list.Content.ReadFromJsonAsync<JsonObject>())!["value"];
        Assert.True(JsonNode.DeepEquals(new JsonArray("a", "b"), tags), tags?.ToJsonString());
    }

    [Fact]
    public async Task Preview_TextWithTemplates_ReturnsTheText()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var runId = await RunAsync(client);

        var response = await PreviewAsync(client, new { expression = "Order {{ nodes.order.output.sku }} x{{ input.qty }}", runId = runId.ToString(), nodeId = "notify" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Order AB-1 x4", body["value"]!.GetValue<string>());
        Assert.Empty(body["notes"]!.AsArray());
    }

    [Fact]
    public async Task Preview_OutputKeptInBlobStore_IsReadFromIt()
    {
        await using var server = await TestServer.StartAsync("--Engine:InlineOutputBytes=0");
        using var client = await server.CreateUserClientAsync();
        var runId = await RunAsync(client);

        var response = await PreviewAsync(client, new { expression = "{{ nodes.order.output.sku }}", runId, nodeId = "notify" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("AB-1", (await response.Content.ReadFromJsonAsync<JsonObject>())!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Preview_WithoutToken_Returns401()
    {
        var server = shared.Server;
        using var anonymous = server.CreateClient();

        var response = await PreviewAsync(anonymous, new { expression = "{{ 1 }}" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Preview_ExpressionThatCannotBeRead_Returns400WithPosition()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();

        var response = await PreviewAsync(client, new { expression = "total: {{ input.a + }}", nodeId = "notify" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("expression", problem["field"]!.GetValue<string>());
        Assert.Equal(20, problem["position"]!.GetValue<int>());
        Assert.Contains("at position 20", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("node 'notify'", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preview_FailingOnRunData_Returns400WithPosition()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var runId = await RunAsync(client);

        var response = await PreviewAsync(client, new { expression = "{{ input.qty / 0 }}", runId });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains("division by zero", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(13, problem["position"]!.GetValue<int>());
    }

    [Fact]
    public async Task Preview_AnotherUsersRun_Returns404()
    {
        var server = shared.Server;
        using var owner = await server.CreateUserClientAsync();
        using var other = await server.CreateUserClientAsync();
        var runId = await RunAsync(owner);

        var response = await PreviewAsync(other, new { expression = "{{ input.qty }}", runId });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Preview_WithoutRun_EvaluatesAgainstEmptyInputAndSaysSo()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();

        var response = await PreviewAsync(client, new { expression = "{{ default(input.name, 'friend') }}" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("friend", body["value"]!.GetValue<string>());
        Assert.Contains("no run yet", Assert.Single(body["notes"]!.AsArray())!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("order")]
    [InlineData("notify")]
    public async Task Preview_NodeReadingItsOwnOrAnUnproducedOutput_Returns400NamingTheNode(string nodeId)
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();
        var runId = await RunAsync(client);
        var expression = nodeId == "order" ? "{{ nodes.order.output.sku }}" : "{{ nodes.later.output.sku }}";

        var response = await PreviewAsync(client, new { expression, runId, nodeId });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains("is not upstream of this node, or has not produced an output", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(3, problem["position"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("""{"runId":"x"}""", "expression")]
    [InlineData("""{"expression":5}""", "expression")]
    [InlineData("""{"expression":"{{ 1 }}","runId":"not-a-guid"}""", "runId")]
    [InlineData("""{"expression":"{{ 1 }}","nodeId":""}""", "nodeId")]
    public async Task Preview_BadBody_Returns400NamingTheField(string json, string field)
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();

        var response = await client.PostAsync("/api/expressions/preview", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonObject>())!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task Preview_ExpressionLongerThanNodeConfig_Returns400()
    {
        await using var server = await TestServer.StartAsync("--Flows:MaxNodeConfigBytes=100");
        using var client = await server.CreateUserClientAsync();

        var response = await PreviewAsync(client, new { expression = new string('a', 101) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("expression", problem["field"]!.GetValue<string>());
        Assert.Contains("MaxNodeConfigBytes", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preview_ValueOverInlineLimit_IsLeftOutAndFlagged()
    {
        await using var server = await TestServer.StartAsync("--Api:MaxInlineOutputBytes=10");
        using var client = await server.CreateUserClientAsync();

        var response = await PreviewAsync(client, new { expression = "{{ 'a very long piece of text' }}" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(body["tooLarge"]!.GetValue<bool>());
        Assert.Null(body["value"]);
    }
}
