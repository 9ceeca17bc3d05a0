namespace FlowForge.Server.Notifications;

/// <summary>How the connection to the mail server is protected.</summary>
public enum SmtpSecurity
{
    /// <summary>TLS when the server offers STARTTLS (port 587 usually), or from the start on port 465.</summary>
    Auto,

    /// <summary>Plain connection upgraded with STARTTLS; fails when the server does not offer it.</summary>
    StartTls,

    /// <summary>TLS from the start (port 465).</summary>
    Tls,

    /// <summary>No encryption: only for a mail relay on the same host or a test server.</summary>
    None,
}
