using System.Globalization;
using FlowForge.Engine.Nodes;
using MimeKit;
using MimeKit.Utils;

namespace FlowForge.Nodes.Email;

/// <summary>
/// Builds the RFC 5322 message <c>email.send</c> and <c>google.gmail.send</c> send: addresses parsed (each list entry may
/// hold several, comma-separated, with display names), text and/or HTML as multipart/alternative, and bounds checked.
/// </summary>
internal static class MailComposer
{
    public const int MaxSubjectChars = 998;

    /// <summary>The problems with the addresses and content, as config paths; empty when a message can be built.</summary>
    public static IEnumerable<ConfigProblem> Check(
        string? from, bool fromRequired, IReadOnlyList<string> to, IReadOnlyList<string>? cc, IReadOnlyList<string>? bcc,
        string? subject, string? text, string? html, int maxRecipients)
    {
        if (string.IsNullOrWhiteSpace(from))
        {
            if (fromRequired)
            {
                yield return new ConfigProblem("$.from", "from is empty; give the sender's address, such as Alerts <alerts@example.com>");
            }
        }
        else if (!MailboxAddress.TryParse(from, out _))
        {
            yield return new ConfigProblem("$.from", $"from '{from}' is not an email address; write it as name@example.com or Name <name@example.com>");
        }

        var count = 0;
        foreach (var (list, name) in new[] { (to, "to"), (cc, "cc"), (bcc, "bcc") })
        {
            for (var i = 0; i < (list?.Count ?? 0); i++)
            {
                if (!InternetAddressList.TryParse(list![i], out var parsed) || !parsed.Mailboxes.Any())
                {
                    yield return new ConfigProblem($"$.{name}[{i}]", $"'{list[i]}' is not an email address (or comma-separated addresses)");
                    continue;
                }

                count += parsed.Mailboxes.Count();
            }
        }

        if (to.Count == 0)
        {
            yield return new ConfigProblem("$.to", "to is empty; add at least one recipient");
        }

        if (count > maxRecipients)
        {
            yield return new ConfigProblem("$.to", string.Create(CultureInfo.InvariantCulture,
                $"the message has {count} recipients (to, cc and bcc); at most {maxRecipients} are allowed (Integrations:MaxRecipients)"));
        }

        if (subject is { Length: > MaxSubjectChars })
        {
            yield return new ConfigProblem("$.subject", $"subject is {subject.Length} characters; at most {MaxSubjectChars}");
        }

        if (string.IsNullOrEmpty(text) && string.IsNullOrEmpty(html))
        {
            yield return new ConfigProblem("$.text", "the message needs text, html or both; add text");
        }
    }

    public static MimeMessage Build(
        string? from, IReadOnlyList<string> to, IReadOnlyList<string>? cc, IReadOnlyList<string>? bcc,
        string? subject, string? text, string? html, DateTimeOffset now)
    {
        var message = new MimeMessage { Subject = subject ?? "", Date = now };
        if (!string.IsNullOrWhiteSpace(from))
        {
            message.From.Add(MailboxAddress.Parse(from));
        }

        Add(message.To, to);
        Add(message.Cc, cc);
        Add(message.Bcc, bcc);
        var domain = (message.From.Mailboxes.FirstOrDefault()?.Domain) is { Length: > 0 } d ? d : "flowforge.local";
        message.MessageId = MimeUtils.GenerateMessageId(domain);
        message.Body = new BodyBuilder { TextBody = NullIfEmpty(text), HtmlBody = NullIfEmpty(html) }.ToMessageBody();
        return message;
    }

    /// <summary>The message as sent, or null when it is larger than <paramref name="maxBytes"/>.</summary>
    public static byte[]? Serialize(MimeMessage message, long maxBytes)
    {
        using var buffer = new MemoryStream();
        message.WriteTo(FormatOptions.Default, buffer);
        return buffer.Length > maxBytes ? null : buffer.ToArray();
    }

    public static long Measure(MimeMessage message)
    {
        using var counter = new MimeKit.IO.MeasuringStream();
        message.WriteTo(FormatOptions.Default, counter);
        return counter.Length;
    }

    private static void Add(InternetAddressList target, IReadOnlyList<string>? entries)
    {
        foreach (var entry in entries ?? [])
        {
            target.AddRange(InternetAddressList.Parse(entry).Mailboxes);
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
