using MailKit.Net.Smtp;
using MimeKit;

namespace FlowForge.Nodes.Email;

/// <summary>
/// An SMTP client that lets a message go to the recipients the server accepted when it refuses some, and records both
/// (MailKit's default refuses the whole message on the first refused recipient).
/// </summary>
internal sealed class RecipientTrackingSmtpClient : SmtpClient
{
    public List<string> Accepted { get; } = [];

    public List<(string Address, string Reason)> Rejected { get; } = [];

    protected override void OnRecipientAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
        Accepted.Add(mailbox.Address);

    protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
        Rejected.Add((mailbox.Address, $"{(int)response.StatusCode} {response.Response}"));
}
