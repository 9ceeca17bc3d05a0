namespace FlowForge.Server.Hosting;

/// <summary>How FlowForge writes its logs, bound to section <c>Logging</c> (beside the usual <c>Logging:LogLevel</c>).</summary>
public sealed class LoggingOptions
{
    public const string Section = "Logging";

    public const string Text = "text";

    public const string Json = "json";

    /// <summary><c>text</c> (short single lines) or <c>json</c> (one object per line, with scopes); unset: text on a terminal, JSON otherwise.</summary>
    public string? Format { get; set; }

    /// <summary>One Information line per HTTP request (method, path, status, time); health probes are never logged.</summary>
    public bool Requests { get; set; }

    /// <summary>The console format to use: the configured one, else text on a terminal and JSON when output is redirected.</summary>
    public static string ChooseFormat(string? configured, bool outputRedirected)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            return outputRedirected ? Json : Text;
        }

        var format = configured.Trim().ToLowerInvariant();
        return format is Text or Json
            ? format
            : throw new InvalidOperationException($"{Section}:{nameof(Format)} (--log-format) is '{configured}', which is not a log format; use {Text} or {Json}.");
    }
}
