using FlowForge.Server.Triggers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowForge.Server.Endpoints;

internal static class WebhookEndpoints
{
    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        app.Map("/hooks/{key}", ReceiveAsync)
            .WithTags("Webhooks")
            .AllowAnonymous()
            .WithSummary("Calls a webhook trigger of an active flow (any method; JSON, form or raw body). 202 with the run id, or the run's result when the node waits for it; 404 for an unknown key or an inactive flow.");
        return app;
    }

    private static Task<Results<Accepted<WebhookReceiver.WebhookAccepted>, ContentHttpResult, ProblemHttpResult>> ReceiveAsync(
        string key, HttpContext context, WebhookReceiver receiver, CancellationToken cancellationToken) =>
        receiver.ReceiveAsync(key, context, cancellationToken);
}
