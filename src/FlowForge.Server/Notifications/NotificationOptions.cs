namespace FlowForge.Server.Notifications;

/// <summary>Failure notifications (in-app and email digests), bound to section <c>Notifications</c>.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>In-app notifications kept per user; the oldest are dropped beyond it.</summary>
    public int MaxPerUser { get; set; } = 200;

    /// <summary>Failures of one flow within this many minutes of the previous one add to its unread notification (a count) rather than a new one.</summary>
    public int CollapseMinutes { get; set; } = 10;

    /// <summary>Interval between two digests of a user who has not chosen one.</summary>
    public int DefaultDigestMinutes { get; set; } = 1;

    /// <summary>Largest interval a user may choose.</summary>
    public int MaxDigestMinutes { get; set; } = 1440;

    /// <summary>How long the first failure after a quiet period waits, so that a burst of failures goes out as one digest.</summary>
    public int FirstDigestDelaySeconds { get; set; } = 60;

    /// <summary>Failures kept per user for the next digest; beyond it they are only counted ("and N more").</summary>
    public int MaxDigestItemsPerUser { get; set; } = 1000;

    /// <summary>Flows listed in one digest, busiest first.</summary>
    public int MaxDigestFlows { get; set; } = 20;

    /// <summary>Latest errors (with links to their runs) listed per flow in a digest.</summary>
    public int MaxDigestErrorsPerFlow { get; set; } = 5;

    /// <summary>Longest error text kept in a notification; longer ones are cut.</summary>
    public int MaxErrorLength { get; set; } = 1000;

    /// <summary>Sending attempts of one digest before its failures are dropped (logged).</summary>
    public int MaxSendAttempts { get; set; } = 5;

    /// <summary>Wait before the first retry of a digest that could not be sent; doubled each attempt.</summary>
    public int RetrySeconds { get; set; } = 30;

    /// <summary>How often each process looks for due digests.</summary>
    public int PollMilliseconds { get; set; } = 5000;

    /// <summary>Failed runs waiting to be recorded in this process; more are dropped (logged) rather than slow the engine.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// The address users open FlowForge at, for links in emails (such as <c>https://flows.example.com</c>); empty uses
    /// Webhooks:PublicBaseUrl, then the address this server listens on.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    public SmtpOptions Smtp { get; set; } = new();
}
