using System.ComponentModel;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlowForge.Engine.Nodes;
using FlowForge.Nodes.Integrations;
using Microsoft.Extensions.Options;

namespace FlowForge.Nodes.GitHub;

[NodeType("github.createIssue", "GitHub: Create Issue", Icon = "github", Category = NodeCategory.Action, Provider = "github",
    Description = "Opens an issue in a GitHub repository (POST /repos/{owner}/{repo}/issues) and outputs { id, number, html_url, state }. GitHub's message (and its validation errors on 422) fails the node; 5xx is retried.")]
public sealed partial class GitHubIssueCreateNode(IOptions<IntegrationsOptions> options) : IntegrationNode<GitHubIssueCreateNode.Settings>(options)
{
    public sealed record Settings(
        [property: Description("The GitHub connection to act as.")] string ConnectionId,
        [property: Description("The repository's owner (user or organization).")] string Owner,
        [property: Description("The repository's name.")] string Repo,
        [property: Description("The issue's title.")] string Title,
        [property: Description("The issue's text (Markdown).")] string? Body = null,
        [property: Description("Label names to add; labels that do not exist are created only with push access.")] IReadOnlyList<string>? Labels = null,
        [property: Description("Logins of users to assign.")] IReadOnlyList<string>? Assignees = null) : IConnectionSettings;

    public const int MaxTitleChars = 256;

    /// <summary>GitHub refuses longer issue bodies.</summary>
    public const int MaxBodyChars = 65_536;

    public const int MaxListItems = 100;

    public const string ApiVersion = "2022-11-28";

    protected override string ConnectionHint => "a GitHub connection";

    protected override Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken)
    {
        var url = IntegrationApi.Combine(Limits.GitHub.BaseUrl, $"repos/{Uri.EscapeDataString(settings.Owner)}/{Uri.EscapeDataString(settings.Repo)}/issues");
        var what = $"GitHub create issue in {settings.Owner}/{settings.Repo}";
        return ConnectedAsync(settings, what, context, async connection =>
        {
            var body = new JsonObject { ["title"] = settings.Title };
            if (settings.Body is not null)
            {
                body["body"] = settings.Body;
            }

            if (settings.Labels is { Count: > 0 })
            {
                body["labels"] = new JsonArray([.. settings.Labels.Select(l => JsonValue.Create(l))]);
            }

            if (settings.Assignees is { Count: > 0 })
            {
                body["assignees"] = new JsonArray([.. settings.Assignees.Select(a => JsonValue.Create(a))]);
            }

            using var request = IntegrationApi.JsonRequest(HttpMethod.Post, url, body);
            request.Headers.Accept.ParseAdd("application/vnd.github+json");
            request.Headers.Add("X-GitHub-Api-Version", ApiVersion);
            request.Headers.UserAgent.ParseAdd("FlowForge");
            return await SendAsync(connection, request, what, context, MessageOf, response => Created(what, response), cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    private static NodeResult Created(string what, ApiResponse response)
    {
        if (response.Json is not JsonObject issue || issue["number"] is null)
        {
            return NodeResult.Fail($"{what} answered without an issue number: {IntegrationApi.Quote(response.Text)}");
        }

        return NodeResult.Success(new JsonObject
        {
            ["id"] = issue["id"]?.DeepClone(),
            ["number"] = issue["number"]!.DeepClone(),
            ["html_url"] = issue["html_url"]?.DeepClone(),
            ["state"] = issue["state"]?.DeepClone(),
        });
    }

    protected override IEnumerable<ConfigProblem> ValidateCall(Settings settings)
    {
        if (!RepositoryPart().IsMatch(settings.Owner))
        {
            yield return new ConfigProblem("$.owner", $"owner '{settings.Owner}' is not a GitHub user or organization name (letters, digits, -, _ and .)");
        }

        if (!RepositoryPart().IsMatch(settings.Repo))
        {
            yield return new ConfigProblem("$.repo", $"repo '{settings.Repo}' is not a repository name (letters, digits, -, _ and .)");
        }

        if (string.IsNullOrWhiteSpace(settings.Title))
        {
            yield return new ConfigProblem("$.title", "title is empty; an issue needs a title");
        }
        else if (settings.Title.Length > MaxTitleChars)
        {
            yield return new ConfigProblem("$.title", $"title is {settings.Title.Length} characters; GitHub takes at most {MaxTitleChars}");
        }

        if (settings.Body is { Length: > MaxBodyChars })
        {
            yield return new ConfigProblem("$.body", $"body is {settings.Body.Length} characters; GitHub takes at most {MaxBodyChars}");
        }

        if (settings.Labels is { Count: > MaxListItems })
        {
            yield return new ConfigProblem("$.labels", $"at most {MaxListItems} labels");
        }

        if (settings.Assignees is { Count: > MaxListItems })
        {
            yield return new ConfigProblem("$.assignees", $"at most {MaxListItems} assignees");
        }
    }

    // GitHub's error shape: { "message", "documentation_url", "errors": [{ "resource", "field", "code", "message"? }] }.
    private static string? MessageOf(JsonNode? body)
    {
        var message = IntegrationApi.Text(body, "message");
        if (message is null)
        {
            return null;
        }

        var details = (body!["errors"] as JsonArray)?.OfType<JsonObject>()
            .Select(e => IntegrationApi.Text(e, "message") ?? string.Join(" ", new[] { IntegrationApi.Text(e, "field"), IntegrationApi.Text(e, "code") }.OfType<string>()))
            .Where(d => d.Length > 0)
            .Take(5)
            .ToList();
        return details is { Count: > 0 } ? $"{message} ({string.Join("; ", details)})" : message;
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,100}$")]
    private static partial Regex RepositoryPart();
}
