using System.Text.RegularExpressions;

namespace FlowForge.Bench;

/// <summary>Keeps passwords in connection strings and URLs out of reports.</summary>
public static partial class SecretRedaction
{
    public static string Redact(string text) => UrlPassword().Replace(ConnectionPassword().Replace(text, "$1=***"), "$1***@");

    [GeneratedRegex("(Password|Pwd)=[^;]*", RegexOptions.IgnoreCase)]
    private static partial Regex ConnectionPassword();

    [GeneratedRegex("(://[^:/@]+:)[^@]*@")]
    private static partial Regex UrlPassword();
}
