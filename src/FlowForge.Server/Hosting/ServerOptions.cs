using System.Text.RegularExpressions;

namespace FlowForge.Server.Hosting;

/// <summary>HTTP limits and listeners, bound to section <c>Server</c>.</summary>
public sealed partial class ServerOptions
{
    public const string Section = "Server";

    /// <summary>Largest request body accepted; larger ones get 413. A 1,000-node flow is well under 1 MB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Addresses (separated by <c>;</c>, each with an explicit port) of the management listener, e.g.
    /// <c>http://0.0.0.0:9090</c>. When set, <c>/metrics</c> is served only there (and <c>/health/*</c> there too),
    /// and the main addresses answer 404 for <c>/metrics</c>. Unset (the default), <c>/metrics</c> is on the main addresses.
    /// </summary>
    public string? ManagementUrls { get; set; }

    /// <summary>The management addresses, checked; empty when none are set. Throws naming the setting at fault.</summary>
    public IReadOnlyList<BindingAddress> ManagementAddresses()
    {
        if (string.IsNullOrWhiteSpace(ManagementUrls))
        {
            return [];
        }

        var addresses = new List<BindingAddress>();
        foreach (var text in ManagementUrls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(text);
            }
            catch (FormatException ex)
            {
                throw new InvalidOperationException($"{Section}:{nameof(ManagementUrls)} '{text}' is not an address: {ex.Message}", ex);
            }

            if (address.IsNamedPipe || address.IsUnixPipe || address.Scheme is not ("http" or "https") || !ExplicitPort().IsMatch(text) || address.Port is < 1 or > 65535)
            {
                throw new InvalidOperationException(
                    $"{Section}:{nameof(ManagementUrls)} '{text}' must be an http(s) address with a fixed port, e.g. http://127.0.0.1:9090.");
            }

            addresses.Add(address);
        }

        return addresses;
    }

    [GeneratedRegex(@"^[a-zA-Z]+://[^/]*:[0-9]+/?$")]
    private static partial Regex ExplicitPort();
}
