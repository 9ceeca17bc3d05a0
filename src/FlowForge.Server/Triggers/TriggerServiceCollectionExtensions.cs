using FlowForge.Nodes.Triggers;
using FlowForge.Server.Hosting;

namespace FlowForge.Server.Triggers;

/// <summary>Webhooks on processes that serve the API; schedules on processes that execute work.</summary>
internal static class TriggerServiceCollectionExtensions
{
    public static IServiceCollection AddWebhookTriggers(this IServiceCollection services)
    {
        services.AddValidatedOptions<WebhookOptions, WebhookOptionsValidator>(WebhookOptions.Section);
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<WebhookReceiver>();
        return services;
    }

    public static IServiceCollection AddScheduleTriggers(this IServiceCollection services)
    {
        services.AddSingleton<ScheduleFirer>();
        services.AddHostedService<ScheduleService>();
        return services;
    }

    /// <summary>Every process validates schedule settings: the API checks intervals when flows are saved.</summary>
    public static IServiceCollection AddScheduleOptions(this IServiceCollection services)
    {
        services.AddValidatedOptions<ScheduleOptions, ScheduleOptionsValidator>(ScheduleOptions.Section);
        return services;
    }
}
