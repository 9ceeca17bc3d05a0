using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FlowForge.Testing;

/// <summary>
/// A stand-in for the APIs the integration nodes call (Slack, Google Sheets, Gmail, GitHub, OpenAI chat completions),
/// on 127.0.0.1: the same paths, answering in each API's documented response shape, and recording every request
/// (<see cref="Requests"/>) so tests assert exactly what was sent. A request without a bearer token gets the API's own
/// "not authenticated" answer; <see cref="Answer"/> scripts another answer (an error shape, a 429) for a path.
/// </summary>
public sealed class LocalAppsServer : IAsyncDisposable
{
    public const string SlackPostMessagePath = "/api/chat.postMessage";
    public const string GmailSendPath = "/gmail/v1/users/me/messages/send";
    public const string ChatCompletionsPath = "/v1/chat/completions";

    private readonly ConcurrentDictionary<string, ScriptedAnswer> _answers = new(StringComparer.Ordinal);
    private LocalHttpServer? _http;

    private LocalAppsServer()
    {
    }

    /// <summary><c>http://127.0.0.1:port/</c>: the base URL of every API it serves.</summary>
    public Uri Address => _http!.Address;

    public IReadOnlyList<ReceivedRequest> Requests => [.. _http!.Requests];

    /// <summary>What the chat model answers (<c>choices[0].message.content</c>).</summary>
    public string ChatContent { get; set; } = "Hello from the model.";

    public static async Task<LocalAppsServer> StartAsync()
    {
        var server = new LocalAppsServer();
        server._http = await LocalHttpServer.StartAsync(app => app.Run(server.HandleAsync));
        return server;
    }

    /// <summary>Answers requests to <paramref name="path"/> (exact, decoded) with this status, JSON body and headers from now on.</summary>
    public void Answer(string path, int status, string json, IReadOnlyDictionary<string, string>? headers = null) =>
        _answers[path] = new ScriptedAnswer(status, json, headers ?? new Dictionary<string, string>(), int.MaxValue);

    /// <summary>Answers the next <paramref name="times"/> requests to <paramref name="path"/> so; later ones get the API's usual answer.</summary>
    public void AnswerNext(string path, int times, int status, string json, IReadOnlyDictionary<string, string>? headers = null) =>
        _answers[path] = new ScriptedAnswer(status, json, headers ?? new Dictionary<string, string>(), times);

    public ValueTask DisposeAsync() => _http?.DisposeAsync() ?? ValueTask.CompletedTask;

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (_answers.TryGetValue(path, out var scripted) && scripted.TryTake())
        {
            foreach (var (name, value) in scripted.Headers)
            {
                context.Response.Headers[name] = value;
            }

            await WriteAsync(context, scripted.Status, scripted.Json);
            return;
        }

        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var authorized = context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal);
        var request = body.Length > 0 ? JsonNode.Parse(body) : null;
        if (context.Request.Method != "POST")
        {
            await WriteAsync(context, 405, """{"message":"Method not allowed"}""");
        }
        else if (path == SlackPostMessagePath)
        {
            await SlackAsync(context, request, authorized);
        }
        else if (path.StartsWith("/v4/spreadsheets/", StringComparison.Ordinal) && path.EndsWith(":append", StringComparison.Ordinal))
        {
            await SheetsAsync(context, path, request, authorized);
        }
        else if (path == GmailSendPath)
        {
            await GoogleAsync(context, authorized, """{"id":"18c2a7f3e4b5d6a1","threadId":"18c2a7f3e4b5d6a1","labelIds":["SENT"]}""", 200);
        }
        else if (path.StartsWith("/repos/", StringComparison.Ordinal) && path.EndsWith("/issues", StringComparison.Ordinal))
        {
            await GitHubAsync(context, path, request, authorized);
        }
        else if (path == ChatCompletionsPath)
        {
            await ChatAsync(context, request, authorized);
        }
        else
        {
            await WriteAsync(context, 404, """{"message":"Not Found"}""");
        }
    }

    private static Task SlackAsync(HttpContext context, JsonNode? request, bool authorized)
    {
        // Slack answers 200 even when the call failed; ok says which.
        if (!authorized)
        {
            return WriteAsync(context, 200, """{"ok":false,"error":"not_authed"}""");
        }

        const string Ts = "1503435956.000247";
        var answer = new JsonObject
        {
            ["ok"] = true,
            ["channel"] = "C123ABC456",
            ["ts"] = Ts,
            ["message"] = new JsonObject
            {
                ["text"] = request?["text"]?.DeepClone(),
                ["username"] = "FlowForge",
                ["bot_id"] = "B123ABC456",
                ["type"] = "message",
                ["subtype"] = "bot_message",
                ["ts"] = Ts,
            },
        };
        return WriteAsync(context, 200, answer.ToJsonString());
    }

    private static Task SheetsAsync(HttpContext context, string path, JsonNode? request, bool authorized)
    {
        var parts = path.Split('/');
        var spreadsheetId = parts[3];
        var range = parts[5][..^":append".Length];
        var sheet = range.Split('!')[0];
        var columns = (request?["values"]?[0] as JsonArray)?.Count ?? 0;
        var answer = new JsonObject
        {
            ["spreadsheetId"] = spreadsheetId,
            ["tableRange"] = $"{sheet}!A1:C3",
            ["updates"] = new JsonObject
            {
                ["spreadsheetId"] = spreadsheetId,
                ["updatedRange"] = $"{sheet}!A4:{(char)('A' + Math.Max(columns, 1) - 1)}4",
                ["updatedRows"] = 1,
                ["updatedColumns"] = columns,
                ["updatedCells"] = columns,
            },
        };
        return GoogleAsync(context, authorized, answer.ToJsonString(), 200);
    }

    private static Task GoogleAsync(HttpContext context, bool authorized, string json, int status) => authorized
        ? WriteAsync(context, status, json)
        : WriteAsync(context, 401, """{"error":{"code":401,"message":"Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.","status":"UNAUTHENTICATED"}}""");

    private static Task GitHubAsync(HttpContext context, string path, JsonNode? request, bool authorized)
    {
        if (!authorized)
        {
            return WriteAsync(context, 401, """{"message":"Requires authentication","documentation_url":"https://docs.github.com/rest/issues/issues#create-an-issue","status":"401"}""");
        }

        var parts = path.Split('/');
        var answer = new JsonObject
        {
            ["id"] = 1,
            ["node_id"] = "MDU6SXNzdWUx",
            ["url"] = $"https://api.github.com/repos/{parts[2]}/{parts[3]}/issues/1347",
            ["html_url"] = $"https://github.com/{parts[2]}/{parts[3]}/issues/1347",
            ["number"] = 1347,
            ["state"] = "open",
            ["title"] = request?["title"]?.DeepClone(),
            ["body"] = request?["body"]?.DeepClone(),
            ["labels"] = new JsonArray([.. ((request?["labels"] as JsonArray) ?? []).Select(l => new JsonObject { ["name"] = l?.DeepClone() })]),
        };
        return WriteAsync(context, 201, answer.ToJsonString());
    }

    private Task ChatAsync(HttpContext context, JsonNode? request, bool authorized)
    {
        if (!authorized)
        {
            return WriteAsync(context, 401, """{"error":{"message":"You didn't provide an API key.","type":"invalid_request_error","param":null,"code":null}}""");
        }

        var answer = new JsonObject
        {
            ["id"] = "chatcmpl-123",
            ["object"] = "chat.completion",
            ["created"] = 1677652288,
            ["model"] = $"{request?["model"]}-2024-07-18",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = ChatContent, ["refusal"] = null },
                ["logprobs"] = null,
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 9, ["completion_tokens"] = 12, ["total_tokens"] = 21 },
        };
        return WriteAsync(context, 200, answer.ToJsonString());
    }

    private static async Task WriteAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(json, context.RequestAborted);
    }

    private sealed class ScriptedAnswer(int status, string json, IReadOnlyDictionary<string, string> headers, int times)
    {
        private int _left = times;

        public int Status => status;

        public string Json => json;

        public IReadOnlyDictionary<string, string> Headers => headers;

        /// <summary>Counts one use; false once every scripted answer has been given.</summary>
        public bool TryTake() => _left == int.MaxValue || Interlocked.Decrement(ref _left) >= 0;
    }
}
