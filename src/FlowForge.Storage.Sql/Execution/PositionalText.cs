using System.Text;

namespace FlowForge.Storage.Sql.Execution;

/// <summary>
/// A statement's text with each <c>@name</c> parameter written as <c>?</c>, and the names in the order they occur. A driver
/// that substitutes parameters into the text on the client (MySQL's text protocol) looks a named one up by name on every
/// execution, copying the name out of the text each time; a positional one is the next value, with no lookup.
/// </summary>
internal static class PositionalText
{
    /// <summary>
    /// The rewritten text, or null where it would be unsafe to rewrite: a <c>?</c> of the text's own, an unterminated quote or
    /// comment, a name preceded by a word character, a quoted name (<c>@`x`</c>) or one with characters outside
    /// <c>[A-Za-z0-9_]</c>. <c>@@</c> (a server variable) is left as it is; so is anything inside quotes or comments.
    /// </summary>
    public static string? Rewrite(string sql, List<string> names)
    {
        names.Clear();
        var text = new StringBuilder(sql.Length);
        var i = 0;
        while (i < sql.Length)
        {
            var ch = sql[i];
            int end;
            switch (ch)
            {
                case '\'' or '"' or '`':
                    end = EndOfQuoted(sql, i);
                    if (end < 0)
                    {
                        return null;
                    }

                    text.Append(sql, i, end + 1 - i);
                    i = end + 1;
                    continue;
                case '#':
                case '-' when i + 2 < sql.Length && sql[i + 1] == '-' && sql[i + 2] is (>= '\0' and <= ' ') or '\x7F':
                    end = sql.IndexOf('\n', i);
                    end = end < 0 ? sql.Length : end + 1;
                    text.Append(sql, i, end - i);
                    i = end;
                    continue;
                case '/' when i + 1 < sql.Length && sql[i + 1] == '*':
                    end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                    if (end < 0)
                    {
                        return null;
                    }

                    text.Append(sql, i, end + 2 - i);
                    i = end + 2;
                    continue;
                case '?':
                    return null;
                case '@' when i + 1 < sql.Length && sql[i + 1] == '@':
                    // A server variable (@@name): the name that follows is plain text.
                    end = EndOfName(sql, i + 2);
                    text.Append(sql, i, end - i);
                    i = end;
                    continue;
                case '@':
                    if (i > 0 && IsNameChar(sql[i - 1]))
                    {
                        return null;
                    }

                    end = EndOfName(sql, i + 1);

                    // The driver reads '.', '$' and any non-ASCII character as part of a name too, and a quote after '@' as a
                    // quoted name: none is a name this store binds.
                    if (end == i + 1 || char.IsAsciiDigit(sql[i + 1])
                        || (end < sql.Length && sql[end] is '.' or '$' or '`' or '\'' or '"' or >= (char)0x80))
                    {
                        return null;
                    }

                    names.Add(sql[i..end]);
                    text.Append('?');
                    i = end;
                    continue;
            }

            text.Append(ch);
            i++;
        }

        return text.ToString();
    }

    private static bool IsNameChar(char ch) => char.IsAsciiLetterOrDigit(ch) || ch == '_';

    // The index after the name characters from start on.
    private static int EndOfName(string sql, int start)
    {
        var end = start;
        while (end < sql.Length && IsNameChar(sql[end]))
        {
            end++;
        }

        return end;
    }

    // The index of the quote that closes the one at start (a doubled quote or, outside backticks, a backslash escapes one), or -1.
    private static int EndOfQuoted(string sql, int start)
    {
        var quote = sql[start];
        for (var i = start + 1; i < sql.Length; i++)
        {
            var ch = sql[i];
            if (ch == '\\' && quote != '`')
            {
                i++;
            }
            else if (ch == quote)
            {
                if (i + 1 < sql.Length && sql[i + 1] == quote)
                {
                    i++;
                }
                else
                {
                    return i;
                }
            }
        }

        return -1;
    }
}
