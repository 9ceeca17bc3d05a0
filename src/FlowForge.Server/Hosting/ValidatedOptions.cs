using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Hosting;

/// <summary>Registers options the one way FlowForge does: bound to their section, checked by a validator, validated on start.</summary>
internal static class ValidatedOptions
{
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
    }

    /// <summary>
    /// Runs every start-up validation now, before anything (migrations, listening) uses the settings.
    /// Throws <see cref="OptionsValidationException"/> or an <see cref="AggregateException"/> of them.
    /// </summary>
    public static void ValidateNow(IServiceProvider services) => services.GetService<IStartupValidator>()?.Validate();

    /// <summary>The messages of a validation failure, one per setting at fault; null when the exception is not one.</summary>
    public static IReadOnlyList<string>? Failures(Exception exception) => exception switch
    {
        OptionsValidationException single => [.. single.Failures],
        AggregateException many when many.InnerExceptions.All(e => e is OptionsValidationException) =>
            [.. many.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures)],
        _ => null,
    };
}
