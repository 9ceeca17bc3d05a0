using FlowForge.Engine;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Auth.KeyRing;

/// <summary>Checks <see cref="KeyRingOptions"/> at start-up, naming the setting at fault.</summary>
public sealed class KeyRingOptionsValidator : IValidateOptions<KeyRingOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyRingOptions options)
    {
        var folder = options.KeysFolder ?? "";
        return new SettingProblems(KeyRingOptions.Section)
            .Require(folder.Length == 0 || !string.IsNullOrWhiteSpace(folder), nameof(options.KeysFolder),
                "is only white space; give a folder path, or leave it empty to keep the key ring in the database.")
            .Require(folder.IndexOfAny(Path.GetInvalidPathChars()) < 0, nameof(options.KeysFolder), $"'{folder}' is not a valid path.")
            .Require(folder.Trim().Length == 0 || !File.Exists(folder), nameof(options.KeysFolder), $"'{folder}' is a file; it must be a folder.")
            .ToResult();
    }
}
