using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Graphs;

namespace FlowForge.Engine.Policies;

/// <summary>
/// The execution policies a node declares next to its config in <c>data</c>: <c>retry</c>, <c>timeoutMs</c>
/// and <c>onError</c>. Read once when a flow is validated (every problem named by field) and again when it is
/// compiled into a plan, so the executor never parses JSON for them.
/// </summary>
public sealed record NodePolicies(RetryPolicy Retry, TimeSpan? Timeout, ErrorHandling OnError)
{
    public const string RetryKey = "retry";
    public const string TimeoutKey = "timeoutMs";
    public const string OnErrorKey = "onError";

    public static readonly NodePolicies Default = new(RetryPolicy.None, null, ErrorHandling.Fail);

    private static readonly string[] RetryKeys = ["maxAttempts", "delayMs", "multiplier", "maxDelayMs", "jitter"];

    /// <summary>
    /// Reads the policies from a node's <c>data</c>. Problems go to <paramref name="problems"/> as (field inside
    /// <c>data</c>, message); a value with a problem falls back to its default.
    /// </summary>
    public static NodePolicies Read(JsonObject? data, FlowLimits limits, List<(string Field, string Message)> problems)
    {
        if (data is null)
        {
            return Default;
        }

        var retry = ReadRetry(data[RetryKey], limits, problems);

        TimeSpan? timeout = null;
        if (data[TimeoutKey] is { } timeoutNode
            && ReadWhole(timeoutNode, TimeoutKey, 1, limits.MaxTimeoutMs, problems) is { } timeoutMs)
        {
            timeout = TimeSpan.FromMilliseconds(timeoutMs);
        }

        var onError = ErrorHandling.Fail;
        if (data[OnErrorKey] is { } onErrorNode)
        {
            switch (Text(onErrorNode))
            {
                case "fail":
                    break;
                case "continue":
                    onError = ErrorHandling.Continue;
                    break;
                default:
                    problems.Add((OnErrorKey, $"onError must be \"fail\" or \"continue\", but it is {onErrorNode.ToJsonString()}"));
                    break;
            }
        }

        return retry == RetryPolicy.None && timeout is null && onError == ErrorHandling.Fail ? Default : new NodePolicies(retry, timeout, onError);
    }

    private static RetryPolicy ReadRetry(JsonNode? node, FlowLimits limits, List<(string Field, string Message)> problems)
    {
        if (node is null)
        {
            return RetryPolicy.None;
        }

        if (node is not JsonObject retry)
        {
            problems.Add((RetryKey, "retry must be an object such as { \"maxAttempts\": 3, \"delayMs\": 1000 }"));
            return RetryPolicy.None;
        }

        foreach (var (key, _) in retry)
        {
            if (!RetryKeys.Contains(key, StringComparer.Ordinal))
            {
                problems.Add(($"{RetryKey}.{key}", $"'{key}' is not a retry setting; use {string.Join(", ", RetryKeys)}"));
            }
        }

        var before = problems.Count;
        var maxAttempts = Optional(retry, "maxAttempts", n => ReadWhole(n, $"{RetryKey}.maxAttempts", 1, limits.MaxRetryAttempts, problems)) ?? 1;
        var delayMs = Optional(retry, "delayMs", n => ReadWhole(n, $"{RetryKey}.delayMs", 0, limits.MaxRetryDelayMs, problems))
            ?? (long)RetryPolicy.DefaultDelay.TotalMilliseconds;
        var multiplier = OptionalNumber(retry, "multiplier", 1, 10, problems) ?? RetryPolicy.DefaultMultiplier;
        var maxDelayMs = Optional(retry, "maxDelayMs", n => ReadWhole(n, $"{RetryKey}.maxDelayMs", 0, limits.MaxRetryDelayMs, problems))
            ?? Math.Max(delayMs, (long)RetryPolicy.DefaultMaxDelay.TotalMilliseconds);
        var jitter = OptionalNumber(retry, "jitter", 0, 1, problems) ?? 0;
        if (maxDelayMs < delayMs && problems.Count == before)
        {
            problems.Add(($"{RetryKey}.maxDelayMs", Invariant($"maxDelayMs ({maxDelayMs}) must not be less than delayMs ({delayMs})")));
        }

        return problems.Count > before
            ? RetryPolicy.None
            : new RetryPolicy((int)maxAttempts, TimeSpan.FromMilliseconds(delayMs), multiplier, TimeSpan.FromMilliseconds(maxDelayMs), jitter);
    }

    private static long? Optional(JsonObject owner, string key, Func<JsonNode, long?> read) => owner[key] is { } node ? read(node) : null;

    private static double? OptionalNumber(JsonObject owner, string key, double min, double max, List<(string Field, string Message)> problems)
    {
        if (owner[key] is not { } node)
        {
            return null;
        }

        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<double>(out var number)
            && number >= min && number <= max)
        {
            return number;
        }

        problems.Add(($"{RetryKey}.{key}", Invariant($"{key} must be a number from {min} to {max}, but it is {node.ToJsonString()}")));
        return null;
    }

    private static long? ReadWhole(JsonNode node, string field, long min, long max, List<(string Field, string Message)> problems)
    {
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var number)
            && number >= min && number <= max)
        {
            return number;
        }

        var name = field[(field.LastIndexOf('.') + 1)..];
        problems.Add((field, Invariant($"{name} must be a whole number from {min} to {max}, but it is {node.ToJsonString()}")));
        return null;
    }

    private static string? Text(JsonNode node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
