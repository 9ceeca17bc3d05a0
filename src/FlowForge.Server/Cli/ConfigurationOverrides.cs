namespace FlowForge.Server.Cli;

/// <summary>
/// Pulls the free-form settings (<c>--Section:Key=value</c> or <c>--Section:Key value</c>) out of a command line, so the
/// parser sees only the declared commands and options and still reports any other unknown option as an error.
/// </summary>
internal static class ConfigurationOverrides
{
    /// <summary>Splits <paramref name="args"/> into the arguments to parse and the settings, each as <c>--Section:Key=value</c>.</summary>
    public static (List<string> Arguments, List<string> Settings, string? Error) Split(IReadOnlyList<string> args)
    {
        var arguments = new List<string>(args.Count);
        var settings = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                arguments.AddRange(args.Skip(i));
                break;
            }

            if (!IsSetting(arg))
            {
                arguments.Add(arg);
                continue;
            }

            if (arg.Contains('=', StringComparison.Ordinal))
            {
                settings.Add(arg);
            }
            else if (i + 1 < args.Count)
            {
                settings.Add($"{arg}={args[++i]}");
            }
            else
            {
                return (arguments, settings, $"Setting {arg} needs a value: {arg}=VALUE.");
            }
        }

        return (arguments, settings, null);
    }

    // A setting names a section: the colon comes before any '=' (so --urls=http://x:1 stays an option).
    private static bool IsSetting(string arg)
    {
        if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length < 4)
        {
            return false;
        }

        var name = arg.AsSpan(2);
        var equals = name.IndexOf('=');
        if (equals >= 0)
        {
            name = name[..equals];
        }

        var colon = name.IndexOf(':');
        return colon > 0 && colon < name.Length - 1;
    }
}
