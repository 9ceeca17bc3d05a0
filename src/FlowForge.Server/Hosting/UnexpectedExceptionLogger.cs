using Microsoft.AspNetCore.Diagnostics;

namespace FlowForge.Server.Hosting;

/// <summary>
/// The safety net under the endpoints: an exception that is not a bad request is logged with the request's
/// trace id (the one its 500 answer carries) and left to <see cref="ApiExceptions"/> to answer with a problem body.
/// Bad input never gets here; the hostile-input tests count these entries to prove it.
/// </summary>
internal sealed partial class UnexpectedExceptionLogger(ILogger<UnexpectedExceptionLogger> logger) : IExceptionHandler
{
    public const int EventId = 5000;

    public ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (ApiExceptions.StatusFor(exception) == StatusCodes.Status500InternalServerError)
        {
            LogUnexpected(logger, httpContext.Request.Method, httpContext.Request.Path, httpContext.TraceIdentifier, exception);
        }

        return ValueTask.FromResult(false);
    }

    [LoggerMessage(EventId = EventId, Level = LogLevel.Error, Message = "{Method} {Path} failed unexpectedly; answered 500 with trace id {TraceId}")]
    private static partial void LogUnexpected(ILogger logger, string method, string path, string traceId, Exception exception);
}
