using FlowForge.Engine;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Hosting;

/// <summary>Checks <see cref="ServerOptions"/> at start-up, naming each setting at fault.</summary>
public sealed class ServerOptionsValidator : IValidateOptions<ServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerOptions options) =>
        new SettingProblems(ServerOptions.Section)
            .Between(nameof(options.MaxRequestBodyBytes), options.MaxRequestBodyBytes, 1024, 1L << 30)
            .ToResult();
}
