using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;
using FlowForge.Nodes.GitHub;
using FlowForge.Testing;
using FlowForge.Tests.Nodes;
using FlowForge.Tests.Testing;

namespace FlowForge.Tests.Integrations;

public sealed class GitHubIssueCreateNodeTests
{
    private const string IssuesPath = "/repos/octo-org/hello.world/issues";

    private static JsonObject Config(Action<JsonObject>? more = null)
    {
        var config = new JsonObject
        {
            ["connectionId"] = "gh-1",
            ["owner"] = "octo-org",
            ["repo"] = "hello.world",
            ["title"] = "Build {{ input.build }} failed",
            ["body"] = "See the log.",
            ["labels"] = new JsonArray("bug", "ci"),
            ["assignees"] = new JsonArray("octocat"),
        };
        more?.Invoke(config);
        return config;
    }

    private static async Task<NodeResult> RunAsync(LocalAppsServer server, JsonObject config)
    {
        using var connections = new TestNodeConnections().Add("gh-1", "github", token: "ghp_test");
        var node = new GitHubIssueCreateNode(IntegrationsTestOptions.For(server.Address));
        return await node.ExecuteAsync(NodeContexts.For(config, runInput: new JsonObject { ["build"] = 981 }, connections: connections), CancellationToken.None);
    }

    [Fact]
    public async Task ExecuteAsync_Issue_PostsWithGitHubHeadersAndOutputsNumberAndUrl()
    {
        await using var server = await LocalAppsServer.StartAsync();

        var result = await RunAsync(server, Config());

        Assert.True(result.Kind == NodeResultKind.Succeeded, result.Error);
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(IssuesPath, request.PathAndQuery);
        Assert.Equal("Bearer ghp_test", request.Headers["authorization"]);
        Assert.Equal("application/vnd.github+json", request.Headers["accept"]);
        Assert.Equal("2022-11-28", request.Headers["x-github-api-version"]);
        Assert.Equal("FlowForge", request.Headers["user-agent"]);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"title":"Build 981 failed","body":"See the log.","labels":["bug","ci"],"assignees":["octocat"]}"""), JsonNode.Parse(request.Body)), request.Body);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"id":1,"number":1347,"html_url":"https://github.com/octo-org/hello.world/issues/1347","state":"open"}"""), result.Output), result.Output?.ToJsonString());
    }

    [Fact]
    public async Task ExecuteAsync_ValidationFailed422_FailsWithoutRetryNamingGitHubsErrors()
    {
        await using var server = await LocalAppsServer.StartAsync();
        server.Answer(IssuesPath, 422, """
            {"message":"Validation Failed","errors":[{"resource":"Issue","code":"invalid","field":"assignees"}],"documentation_url":"https://docs.github.com/rest/issues/issues#create-an-issue","status":"422"}
            """);

        var result = await RunAsync(server, Config());

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.False(result.Retryable);
        Assert.Contains("Validation Failed (assignees invalid)", result.Error, StringComparison.Ordinal);
        Assert.Contains("octo-org/hello.world", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_NotFound_FailsQuotingGitHubsMessage()
    {
        await using var server = await LocalAppsServer.StartAsync();
        server.Answer(IssuesPath, 404, """{"message":"Not Found","documentation_url":"https://docs.github.com/rest/issues/issues#create-an-issue","status":"404"}""");

        var result = await RunAsync(server, Config());

        Assert.False(result.Retryable);
        Assert.Contains("404", result.Error, StringComparison.Ordinal);
        Assert.Contains("Not Found", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_ServerError_FailsRetryable()
    {
        await using var server = await LocalAppsServer.StartAsync();
        server.Answer(IssuesPath, 502, """{"message":"Server Error"}""");

        var result = await RunAsync(server, Config());

        Assert.True(result.Retryable);
    }

    [Fact]
    public async Task ExecuteAsync_ResponseOverMaxResponseBytes_FailsNamingTheSetting()
    {
        await using var server = await LocalAppsServer.StartAsync();
        server.Answer(IssuesPath, 201, $$"""{"number":1,"body":"{{new string('x', 4096)}}"}""");
        using var connections = new TestNodeConnections().Add("gh-1", "github");
        var node = new GitHubIssueCreateNode(IntegrationsTestOptions.For(server.Address, o => o.MaxResponseBytes = 1024));

        var result = await node.ExecuteAsync(NodeContexts.For(Config(), runInput: new JsonObject { ["build"] = 1 }, connections: connections), CancellationToken.None);

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.Contains("Integrations:MaxResponseBytes", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("owner", "octo org")]
    [InlineData("repo", "../etc")]
    public void ValidateConfig_BadRepositoryName_NamesTheField(string field, string value)
    {
        var node = new GitHubIssueCreateNode(IntegrationsTestOptions.For(new Uri("http://127.0.0.1/")));

        var problems = node.ValidateConfig(Config(c => c[field] = value));

        Assert.Contains(problems, p => p.Path == $"$.{field}");
    }
}
