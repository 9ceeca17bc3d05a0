using System.Globalization;
using System.Text;
using FlowForge.Engine.Storage;
using Microsoft.Extensions.Options;
using MimeKit;

namespace FlowForge.Server.Notifications;

/// <summary>Writes the digest email: the flows that failed (busiest first), how often, their latest errors and links to the runs — all bounded.</summary>
internal sealed class DigestComposer(IOptions<NotificationOptions> options, PublicUrls urls)
{
    private const int MaxErrorCharacters = 300;

    public MimeMessage Compose(DigestClaim digest, string to)
    {
        var o = options.Value;
        var root = urls.Root();
        var failures = digest.Items.Count + digest.Omitted;
        var flows = digest.Items.GroupBy(i => i.FlowId)
            .Select(g => (Name: g.Last().FlowName, Items: g.OrderByDescending(i => i.At).ToList()))
            .OrderByDescending(f => f.Items.Count)
            .ThenBy(f => f.Name, StringComparer.Ordinal)
            .ToList();

        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.AppendLine(culture, $"{Plural(failures, "run")} failed since the last digest, in {Plural(flows.Count, "flow")}.");
        text.AppendLine();
        foreach (var flow in flows.Take(o.MaxDigestFlows))
        {
            text.AppendLine(culture, $"{flow.Name}: {Plural(flow.Items.Count, "failed run")}");
            foreach (var item in flow.Items.Take(o.MaxDigestErrorsPerFlow))
            {
                text.AppendLine(culture, $"  - {item.At:yyyy-MM-dd HH:mm:ss} UTC: {OneLine(item.Error)}");
                text.AppendLine(culture, $"    {root}/runs/{item.RunId}");
            }

            if (flow.Items.Count > o.MaxDigestErrorsPerFlow)
            {
                text.AppendLine(culture, $"  … and {Plural(flow.Items.Count - o.MaxDigestErrorsPerFlow, "more failed run")}.");
            }

            text.AppendLine();
        }

        if (flows.Count > o.MaxDigestFlows)
        {
            text.AppendLine(culture, $"… and {Plural(flows.Count - o.MaxDigestFlows, "more flow")}.");
        }

        if (digest.Omitted > 0)
        {
            text.AppendLine(culture, $"{Plural(digest.Omitted, "more failure")} came in while too many were waiting (Notifications:MaxDigestItemsPerUser); see the run history.");
        }

        text.AppendLine(culture, $"Change what you are told about on each flow's notification setting; digest email and interval at {root}/settings.");

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(o.Smtp.From!));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = flows.Count == 1
            ? $"FlowForge: {Plural(failures, "failed run")} of {flows[0].Name}"
            : $"FlowForge: {Plural(failures, "failed run")} in {Plural(flows.Count, "flow")}";
        message.Body = new TextPart("plain") { Text = text.ToString() };
        return message;
    }

    private static string OneLine(string? error)
    {
        if (string.IsNullOrWhiteSpace(error))
        {
            return "(no error message)";
        }

        var line = string.Join(' ', error.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return line.Length <= MaxErrorCharacters ? line : line[..MaxErrorCharacters] + "…";
    }

    private static string Plural(int count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count:N0} {noun}{(count == 1 ? string.Empty : "s")}");
}
