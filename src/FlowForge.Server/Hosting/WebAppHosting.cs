using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace FlowForge.Server.Hosting;

/// <summary>
/// Serves the built web app: its hashed assets with a long cache, and <c>index.html</c> (never cached) for every other
/// page path so that deep links reach the app's router. API, hub, webhook and operations paths never fall back to it:
/// an unknown <c>/api/…</c> path stays a 404.
/// </summary>
internal static class WebAppHosting
{
    private static readonly string[] ServerPrefixes = ["/api", "/hooks", "/oauth", "/hubs", "/health", "/metrics", "/openapi", "/docs"];

    /// <summary>The web app folder the settings name, or null when it holds no built app.</summary>
    public static string? ResolveRoot(IConfiguration configuration)
    {
        var configured = configuration[$"{WebAppOptions.Section}:{nameof(WebAppOptions.Root)}"];
        var root = string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(AppContext.BaseDirectory, "wwwroot")
            : Path.GetFullPath(configured, Directory.GetCurrentDirectory());
        return File.Exists(Path.Combine(root, "index.html")) ? root : null;
    }

    public static void UseFlowForgeWebApp(this WebApplication app, string root)
    {
        var files = new PhysicalFileProvider(root);
        var contentTypes = new FileExtensionContentTypeProvider();

        // One catch-all fallback (the default pattern skips paths with a dot) serves files and pages: static-file middleware
        // would step aside for a matched endpoint.
        app.MapFallback("{*path}", async context =>
        {
            var path = context.Request.Path;
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
                || ServerPrefixes.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            var file = path.HasValue && path.Value != "/" ? files.GetFileInfo(path.Value!) : null;
            string cacheControl;
            if (file is { Exists: true, IsDirectory: false })
            {
                cacheControl = path.StartsWithSegments("/assets", StringComparison.Ordinal) ? "public, max-age=31536000, immutable" : "no-cache";
            }
            else if (Path.HasExtension(path.Value))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            else
            {
                file = files.GetFileInfo("index.html");
                cacheControl = "no-cache";
                if (!file.Exists)
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }
            }

            context.Response.ContentType = contentTypes.TryGetContentType(file.Name, out var type)
                ? type.StartsWith("text/", StringComparison.Ordinal) || type.EndsWith("javascript", StringComparison.Ordinal) ? type + "; charset=utf-8" : type
                : "application/octet-stream";
            context.Response.Headers[HeaderNames.CacheControl] = cacheControl;
            context.Response.ContentLength = file.Length;
            if (HttpMethods.IsHead(context.Request.Method))
            {
                return;
            }

            await context.Response.SendFileAsync(file, context.RequestAborted).ConfigureAwait(false);
        });
    }
}
