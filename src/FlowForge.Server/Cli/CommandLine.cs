namespace FlowForge.Server.Cli;

/// <summary>A parsed command line: the command, its positional arguments and its <c>--name value</c> options.</summary>
internal sealed record CommandLine(string Command, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Options)
{
    public static CommandLine Parse(IReadOnlyList<string> args, IReadOnlySet<string> flags, out string? error)
    {
        error = null;
        var command = args.Count > 0 ? args[0] : "help";
        var positional = new List<string>();
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                positional.Add(arg);
                continue;
            }

            var name = arg[2..];
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                options[name[..eq]] = name[(eq + 1)..];
            }
            else if (flags.Contains(name))
            {
                options[name] = "true";
            }
            else if (i + 1 < args.Count)
            {
                options[name] = args[++i];
            }
            else
            {
                error = $"Option --{name} needs a value.";
            }
        }

        return new CommandLine(command, positional, options);
    }
}
