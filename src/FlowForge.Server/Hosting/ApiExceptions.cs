using System.Globalization;
using FlowForge.Engine.Storage;
using Microsoft.AspNetCore.Diagnostics;

namespace FlowForge.Server.Hosting;

/// <summary>
/// Turns exceptions that escape an endpoint into problem+json: bad requests keep their status and say
/// what was wrong; a store that is unavailable is a 503 with Retry-After; anything else is a 500 with a trace id
/// and no internals.
/// </summary>
internal static class ApiExceptions
{
    /// <summary>What a 503 for an unavailable store asks the client to wait, in seconds.</summary>
    public const int StoreRetryAfterSeconds = 5;

    public static int StatusFor(Exception exception) => exception switch
    {
        BadHttpRequestException bad => bad.StatusCode,
        StoreUnavailableException => StatusCodes.Status503ServiceUnavailable,
        OperationCanceledException => StatusCodes.Status499ClientClosedRequest,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>Whether the exception answers with a 4xx: bad input, which is not logged as an unhandled exception.</summary>
    public static bool IsClientError(ExceptionHandlerSuppressDiagnosticsContext context) =>
        StatusFor(context.Exception) is >= 400 and < 500;

    public static void Describe(ProblemDetailsContext context)
    {
        context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
        if (context.Exception is BadHttpRequestException bad)
        {
            context.ProblemDetails.Detail = bad.Message;
        }
        else if (context.Exception is StoreUnavailableException)
        {
            context.HttpContext.Response.Headers.RetryAfter = StoreRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            context.ProblemDetails.Detail = $"The database is unavailable; try again in {StoreRetryAfterSeconds} s.";
        }
        else if (context.Exception is not null)
        {
            context.ProblemDetails.Detail = "An unexpected error occurred; it has been logged with the trace id.";
        }
    }
}
