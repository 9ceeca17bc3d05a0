using Microsoft.Extensions.Options;

namespace FlowForge.Server.Hosting;

/// <summary>Refuses to start with a limit that would refuse everything or divide by zero, naming the setting.</summary>
internal sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var failures = new List<string>();
        Positive(failures, nameof(options.RunStartsPerSecond), options.RunStartsPerSecond);
        Positive(failures, nameof(options.RunStartBurst), options.RunStartBurst);
        Positive(failures, nameof(options.SignInPerMinute), options.SignInPerMinute);
        Positive(failures, nameof(options.SignInBurst), options.SignInBurst);
        Positive(failures, nameof(options.SignInPerAccountPerMinute), options.SignInPerAccountPerMinute);
        Positive(failures, nameof(options.SignInPerAccountBurst), options.SignInPerAccountBurst);
        Positive(failures, nameof(options.RegistrationsPerMinute), options.RegistrationsPerMinute);
        Positive(failures, nameof(options.RegistrationBurst), options.RegistrationBurst);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, string setting, double value)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            failures.Add($"{RateLimitOptions.Section}:{setting} must be a positive number (it is {value}).");
        }
    }
}
