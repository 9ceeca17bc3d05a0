namespace FlowForge.Server.Cli;

/// <summary>Whether a writer reaches a person at a terminal (so cursor codes and colours are welcome).</summary>
internal static class Terminal
{
    public static bool IsInteractive(TextWriter output) => ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
}
