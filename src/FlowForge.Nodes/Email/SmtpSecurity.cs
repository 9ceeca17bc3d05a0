namespace FlowForge.Nodes.Email;

/// <summary>The values of an SMTP connection's <c>security</c> field.</summary>
public static class SmtpSecurity
{
    /// <summary>Plain text, no TLS (local relays only).</summary>
    public const string None = "none";

    /// <summary>Connect in plain text, then upgrade with STARTTLS (port 587); refused if the server does not offer it.</summary>
    public const string StartTls = "starttls";

    /// <summary>TLS from the first byte (port 465).</summary>
    public const string Ssl = "ssl";

    /// <summary>The same as <see cref="Ssl"/>, as the smtp provider's form and the server's own SMTP settings name it.</summary>
    public const string Tls = "tls";
}
