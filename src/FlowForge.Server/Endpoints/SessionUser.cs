namespace FlowForge.Server.Endpoints;

/// <summary>The signed-in user as the web app sees it; <paramref name="CsrfToken"/> is null for bearer requests, which need none.</summary>
internal sealed record SessionUser(Guid Id, string Email, bool IsOwner, string? CsrfToken);
