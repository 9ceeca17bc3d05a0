using FlowForge.Engine;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Hosting;

/// <summary>Checks <see cref="PluginOptions"/> at start-up, naming the setting at fault.</summary>
public sealed class PluginOptionsValidator : IValidateOptions<PluginOptions>
{
    public ValidateOptionsResult Validate(string? name, PluginOptions options)
    {
        var directory = options.Directory ?? "";
        var problems = new SettingProblems(PluginOptions.Section)
            .Require(directory.Length == 0 || !string.IsNullOrWhiteSpace(directory), nameof(options.Directory),
                "is only white space; give a folder path, or leave it empty to load no plugins.")
            .Require(directory.IndexOfAny(Path.GetInvalidPathChars()) < 0, nameof(options.Directory),
                $"'{directory}' is not a valid path.")
            .Require(!options.Required || directory.Trim().Length > 0, nameof(options.Directory),
                $"is empty, but {PluginOptions.Section}:{nameof(options.Required)} is true; give the plugins folder.");
        if (directory.Trim().Length > 0 && directory.IndexOfAny(Path.GetInvalidPathChars()) < 0)
        {
            var full = Path.GetFullPath(directory);
            problems
                .Require(!File.Exists(full), nameof(options.Directory), $"'{full}' is a file; it must be a folder of plugins.")
                .Require(!options.Required || File.Exists(full) || System.IO.Directory.Exists(full), nameof(options.Directory),
                    $"'{full}' does not exist, and {PluginOptions.Section}:{nameof(options.Required)} is true; create it or correct the path.");
        }

        return problems.ToResult();
    }
}
