namespace FlowForge.Testing;

/// <summary>
/// One message a <see cref="LocalSmtpServer"/> accepted: the envelope (MAIL FROM, the RCPT TO it accepted, the user that
/// authenticated) and the message text exactly as sent after DATA, with dot-stuffing undone. Parse <see cref="Data"/>
/// with MimeKit (<c>MimeMessage.Load</c>) where the test project references it.
/// </summary>
public sealed record LocalSmtpMessage(string MailFrom, IReadOnlyList<string> Recipients, string Data, string? AuthenticatedUser)
{
    /// <summary>The first header of that name in the message's header block (unfolded, not decoded), or null.</summary>
    public string? Header(string name)
    {
        string? found = null;
        foreach (var line in HeaderLines())
        {
            if (found is not null)
            {
                if (line.Length > 0 && (line[0] == ' ' || line[0] == '\t'))
                {
                    found += " " + line.Trim();
                    continue;
                }

                return found;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && string.Equals(line[..colon].Trim(), name, StringComparison.OrdinalIgnoreCase))
            {
                found = line[(colon + 1)..].Trim();
            }
        }

        return found;
    }

    private IEnumerable<string> HeaderLines()
    {
        foreach (var line in Data.Split("\r\n"))
        {
            if (line.Length == 0)
            {
                yield break;
            }

            yield return line;
        }
    }
}
