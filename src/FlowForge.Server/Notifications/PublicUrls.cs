using FlowForge.Server.Triggers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Notifications;

/// <summary>
/// Where users open FlowForge, for links sent outside a request (emails): Notifications:PublicBaseUrl, else
/// Webhooks:PublicBaseUrl, else the first address this server listens on.
/// </summary>
internal sealed class PublicUrls(IOptions<NotificationOptions> notifications, IOptions<WebhookOptions> webhooks, IServiceProvider services)
{
    public string Root()
    {
        var configured = !string.IsNullOrEmpty(notifications.Value.PublicBaseUrl) ? notifications.Value.PublicBaseUrl : webhooks.Value.PublicBaseUrl;
        if (!string.IsNullOrEmpty(configured))
        {
            return configured.TrimEnd('/');
        }

        var listening = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        return (listening ?? "http://localhost:8080").TrimEnd('/');
    }
}
