namespace FlowForge.Server.Hosting;

/// <summary>
/// Turns exceptions that escape an endpoint into problem+json: bad requests keep their status and say
/// what was wrong; anything else is a 500 with a trace id and no internals.
/// </summary>
internal static class ApiExceptions
{
    public static int StatusFor(Exception exception) => exception switch
    {
        BadHttpRequestException bad => bad.StatusCode,
        OperationCanceledException => StatusCodes.Status499ClientClosedRequest,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static void Describe(ProblemDetailsContext context)
    {
        context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
        if (context.Exception is BadHttpRequestException bad)
        {
            context.ProblemDetails.Detail = bad.Message;
        }
        else if (context.Exception is not null)
        {
            context.ProblemDetails.Detail = "An unexpected error occurred; it has been logged with the trace id.";
        }
    }
}
