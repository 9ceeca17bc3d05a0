namespace FlowForge.Server.Hosting;

/// <summary>Endpoint metadata: served on the management listener (see <see cref="ServerOptions.ManagementUrls"/>), and on the main one only when <paramref name="AlsoOnMainPort"/>.</summary>
internal sealed record ManagementEndpoint(bool AlsoOnMainPort);
