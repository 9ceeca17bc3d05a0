using System.Globalization;
using Microsoft.Extensions.Options;

namespace FlowForge.Engine;

/// <summary>
/// Collects what is wrong with one options section, each message naming the full setting
/// (<c>Engine:WorkerParallelism must be between 1 and 65536; it is 0.</c>), for an <see cref="IValidateOptions{TOptions}"/>.
/// </summary>
public sealed class SettingProblems(string section)
{
    private readonly List<string> _problems = [];

    public SettingProblems Between(string key, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            Add($"{section}:{key} must be between {Format(min)} and {Format(max)}; it is {Format(value)}.");
        }

        return this;
    }

    public SettingProblems Between(string key, double value, double min, double max)
    {
        if (double.IsNaN(value) || value < min || value > max)
        {
            Add($"{section}:{key} must be between {Format(min)} and {Format(max)}; it is {Format(value)}.");
        }

        return this;
    }

    public SettingProblems Between(string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            Add($"{section}:{key} must be between {Format(min)} and {Format(max)}; it is {Format(value)}.");
        }

        return this;
    }

    /// <summary>
    /// A token bucket's pair of settings: its refill rate (at least <paramref name="minRate"/>, at most a million) and its
    /// burst (1 to <paramref name="maxBurst"/>).
    /// </summary>
    public SettingProblems Budget(string rateKey, double rate, string burstKey, long burst, long maxBurst = 1_000_000, double minRate = 0.001) =>
        Between(rateKey, rate, minRate, 1_000_000).Between(burstKey, burst, 1, maxBurst);

    /// <summary>Adds a problem unless <paramref name="holds"/>; <paramref name="message"/> follows the setting's full name.</summary>
    public SettingProblems Require(bool holds, string key, string message)
    {
        if (!holds)
        {
            Add($"{section}:{key} {message}");
        }

        return this;
    }

    public ValidateOptionsResult ToResult() => _problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_problems);

    private void Add(string problem) => _problems.Add(problem);

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Format(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
