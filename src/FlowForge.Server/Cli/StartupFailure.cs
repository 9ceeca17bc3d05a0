using FlowForge.Server.Hosting;

namespace FlowForge.Server.Cli;

/// <summary>Turns a configuration error at start-up into the lines a person reads: each setting at fault, no stack trace.</summary>
internal static class StartupFailure
{
    /// <summary>The problems behind <paramref name="exception"/> when it is a configuration error, else null.</summary>
    public static IReadOnlyList<string>? Describe(Exception exception) =>
        ValidatedOptions.Failures(exception) ?? (exception is InvalidOperationException ? [exception.Message] : null);

    public static async Task WriteAsync(TextWriter error, IReadOnlyList<string> problems)
    {
        await error.WriteLineAsync("FlowForge cannot start: its configuration is invalid.");
        foreach (var problem in problems)
        {
            await error.WriteLineAsync("  " + problem);
        }
    }
}
