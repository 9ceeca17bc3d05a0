using FlowForge.Server.Hosting;

namespace FlowForge.Server.Notifications;

internal static class NotificationServiceCollectionExtensions
{
    /// <summary>Failure notifications: recorded from run events in every process; digests sent when an SMTP server is configured.</summary>
    public static IServiceCollection AddFailureNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<NotificationOptions, NotificationOptionsValidator>(NotificationOptions.Section);
        services.AddHostedService<FailureRecorder>();
        services.AddSingleton<PublicUrls>();
        services.AddSingleton<DigestComposer>();
        services.AddSingleton<DigestMailer>();
        var smtp = configuration.GetSection(NotificationOptions.Section).GetSection("Smtp");
        if (!string.IsNullOrWhiteSpace(smtp["Host"]))
        {
            services.AddHostedService<DigestSender>();
        }

        return services;
    }
}
