using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;
using FlowForge.Nodes.Google;
using FlowForge.Testing;
using FlowForge.Tests.Nodes;
using FlowForge.Tests.Testing;

namespace FlowForge.Tests.Integrations;

public sealed class GoogleSheetsRowAppendNodeTests
{
    private const string AppendPath = "/v4/spreadsheets/1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms/values/Orders!A1:append";

    private static JsonObject Config(JsonNode values, Action<JsonObject>? more = null)
    {
        var config = new JsonObject
        {
            ["connectionId"] = "google-1",
            ["spreadsheetId"] = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms",
            ["range"] = "Orders!A1",
            ["values"] = values,
        };
        more?.Invoke(config);
        return config;
    }

    private static async Task<NodeResult> RunAsync(LocalAppsServer server, JsonObject config, JsonNode? input = null)
    {
        using var connections = new TestNodeConnections().Add("google-1", "google", token: "ya29.test");
        var node = new GoogleSheetsRowAppendNode(IntegrationsTestOptions.For(server.Address));
        return await node.ExecuteAsync(NodeContexts.For(config, runInput: input, connections: connections), CancellationToken.None);
    }

    [Fact]
    public async Task ExecuteAsync_ListOfCells_PostsValuesAppendAndOutputsUpdates()
    {
        await using var server = await LocalAppsServer.StartAsync();

        var result = await RunAsync(server, Config(new JsonArray("{{ input.name }}", 3, true)), new JsonObject { ["name"] = "Ada" });

        Assert.True(result.Kind == NodeResultKind.Succeeded, result.Error);
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v4/spreadsheets/1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms/values/Orders!A1:append?valueInputOption=USER_ENTERED&insertDataOption=INSERT_ROWS", request.PathAndQuery);
        Assert.Equal("Bearer ya29.test", request.Headers["authorization"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"values":[["Ada",3,true]]}"""), JsonNode.Parse(request.Body)), request.Body);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"spreadsheetId":"1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms","updatedRange":"Orders!A4:C4","updatedRows":1,"updatedColumns":3,"updatedCells":3}
            """), result.Output), result.Output?.ToJsonString());
    }

    [Fact]
    public async Task ExecuteAsync_ObjectWithColumns_LaysOutCellsInColumnOrder()
    {
        await using var server = await LocalAppsServer.StartAsync();

        var result = await RunAsync(server, Config(JsonNode.Parse("""{"email":"ada@example.com","name":"Ada","extra":1}""")!,
            c => c["columns"] = new JsonArray("name", "email", "phone")));

        Assert.True(result.Kind == NodeResultKind.Succeeded, result.Error);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"values":[["Ada","ada@example.com",""]]}"""), JsonNode.Parse(Assert.Single(server.Requests).Body)));
    }

    [Fact]
    public async Task ExecuteAsync_GooglePermissionDenied_FailsWithoutRetryQuotingGoogle()
    {
        await using var server = await LocalAppsServer.StartAsync();
        server.Answer(AppendPath, 403, """{"error":{"code":403,"message":"The caller does not have permission","status":"PERMISSION_DENIED"}}""");

        var result = await RunAsync(server, Config(new JsonArray("a")));

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.False(result.Retryable);
        Assert.Contains("The caller does not have permission (PERMISSION_DENIED)", result.Error, StringComparison.Ordinal);
        Assert.Contains("403", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_GoogleUnavailable_FailsRetryable()
    {
        await using var server = await LocalAppsServer.StartAsync();
        server.Answer(AppendPath, 503, """{"error":{"code":503,"message":"The service is currently unavailable.","status":"UNAVAILABLE"}}""");

        var result = await RunAsync(server, Config(new JsonArray("a")));

        Assert.True(result.Retryable);
        Assert.Contains("currently unavailable", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_ValuesExpressionGivesNestedList_FailsNamingTheCell()
    {
        await using var server = await LocalAppsServer.StartAsync();

        var result = await RunAsync(server, Config("{{ input.row }}"), new JsonObject { ["row"] = new JsonArray("a", new JsonArray(1)) });

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.Contains("$.values[1]", result.Error, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void ValidateConfig_ObjectWithoutColumns_NamesColumns()
    {
        var node = new GoogleSheetsRowAppendNode(IntegrationsTestOptions.For(new Uri("http://127.0.0.1/")));

        var problems = node.ValidateConfig(Config(new JsonObject { ["name"] = "Ada" }));

        Assert.Contains(problems, p => p.Path == "$.columns");
    }

    [Fact]
    public void ValidateConfig_TooManyCells_NamesValues()
    {
        var node = new GoogleSheetsRowAppendNode(IntegrationsTestOptions.For(new Uri("http://127.0.0.1/")));

        var problems = node.ValidateConfig(Config(new JsonArray([.. Enumerable.Range(0, GoogleSheetsRowAppendNode.MaxCells + 1).Select(i => JsonValue.Create(i))])));

        Assert.Contains(problems, p => p.Path == "$.values");
    }
}
