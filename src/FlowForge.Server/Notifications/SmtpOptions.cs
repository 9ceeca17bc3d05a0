namespace FlowForge.Server.Notifications;

/// <summary>The mail server failure digests are sent through, bound to <c>Notifications:Smtp</c>. Unset Host turns email off.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

    public string? Username { get; set; }

    /// <summary>Never logged nor returned by the API.</summary>
    public string? Password { get; set; }

    /// <summary>The sender, such as <c>FlowForge &lt;flowforge@example.com&gt;</c>.</summary>
    public string? From { get; set; }

    /// <summary>How long connecting to and talking with the server may take before the attempt counts as failed.</summary>
    public int TimeoutSeconds { get; set; } = 30;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}
