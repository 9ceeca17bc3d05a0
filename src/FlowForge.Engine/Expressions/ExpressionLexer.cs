using System.Globalization;
using System.Text;

namespace FlowForge.Engine.Expressions;

/// <summary>Splits an expression into tokens. Positions in errors are <c>offset</c> plus the index in the expression.</summary>
internal static class ExpressionLexer
{
    // Longest symbols first, so "==" is not read as "=" "=".
    private static readonly string[] Symbols =
    [
        "==", "!=", "<=", ">=", "&&", "||", "??",
        "(", ")", "[", "]", "{", "}", ",", ":", "?", "+", "-", "*", "/", "%", "!", "<", ">",
    ];

    public static List<ExpressionToken> Read(string text, int offset)
    {
        CheckBounds(text, offset);
        var tokens = new List<ExpressionToken>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i >= text.Length)
            {
                tokens.Add(new ExpressionToken(ExpressionTokenKind.End, "", i));
                return tokens;
            }

            var c = text[i];
            if (char.IsAsciiDigit(c))
            {
                tokens.Add(ReadNumber(text, ref i, offset));
            }
            else if (c is '"' or '\'')
            {
                tokens.Add(ReadString(text, ref i, offset));
            }
            else if (c == '.')
            {
                var start = i;
                i++;
                var name = ReadName(text, ref i, allowDash: true);
                if (name.Length == 0)
                {
                    throw ExpressionException.At(i < text.Length ? $"expected a name but found '{text[i]}'" : "expected a name", offset + i);
                }

                tokens.Add(new ExpressionToken(ExpressionTokenKind.Member, name, start));
            }
            else if (IsNameChar(c, allowDash: false))
            {
                var start = i;
                tokens.Add(new ExpressionToken(ExpressionTokenKind.Name, ReadName(text, ref i, allowDash: false), start));
            }
            else
            {
                var symbol = Array.Find(Symbols, s => string.CompareOrdinal(text, i, s, 0, s.Length) == 0)
                    ?? throw ExpressionException.At(c == '=' ? "unexpected '=': compare with '=='" : $"unexpected '{c}'", offset + i);
                tokens.Add(new ExpressionToken(ExpressionTokenKind.Symbol, symbol, i));
                i += symbol.Length;
            }
        }
    }

    // Checked in one pass before anything else, so no input can make the parser (or anything after it) go deep.
    private static void CheckBounds(string text, int offset)
    {
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '"' or '\'':
                    i = EndOfQuoted(text, i);
                    break;
                case '(' or '[' or '{':
                    if (++depth > ExpressionLimits.MaxNesting)
                    {
                        throw ExpressionException.At($"brackets or parentheses are nested more than {ExpressionLimits.MaxNesting} deep", offset + i);
                    }

                    break;
                case ')' or ']' or '}':
                    depth = Math.Max(0, depth - 1);
                    break;
            }
        }

        if (text.Length > ExpressionLimits.MaxLength)
        {
            throw ExpressionException.At(
                string.Create(CultureInfo.InvariantCulture, $"the expression is {text.Length:N0} characters long, over the limit of {ExpressionLimits.MaxLength:N0}"),
                offset);
        }
    }

    /// <summary>The index of the quote that closes the string opening at <paramref name="start"/> (backslash escapes skipped), or the text's length.</summary>
    internal static int EndOfQuoted(string text, int start)
    {
        var quote = text[start];
        for (var i = start + 1; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == quote)
            {
                return i;
            }
        }

        return text.Length;
    }

    private static bool IsNameChar(char c, bool allowDash) =>
        char.IsLetterOrDigit(c) || c is '_' or '$' || (allowDash && c == '-');

    private static string ReadName(string text, ref int i, bool allowDash)
    {
        var start = i;
        while (i < text.Length && IsNameChar(text[i], allowDash))
        {
            i++;
        }

        return text[start..i];
    }

    private static ExpressionToken ReadNumber(string text, ref int i, int offset)
    {
        var start = i;
        SkipDigits(text, ref i);
        if (i + 1 < text.Length && text[i] == '.' && char.IsAsciiDigit(text[i + 1]))
        {
            i++;
            SkipDigits(text, ref i);
        }

        if (i < text.Length && text[i] is 'e' or 'E')
        {
            var exponent = i + 1;
            if (exponent < text.Length && text[exponent] is '+' or '-')
            {
                exponent++;
            }

            if (exponent < text.Length && char.IsAsciiDigit(text[exponent]))
            {
                i = exponent;
                SkipDigits(text, ref i);
            }
        }

        if (i < text.Length && IsNameChar(text[i], allowDash: false))
        {
            throw ExpressionException.At($"unexpected '{text[i]}' after a number", offset + i);
        }

        var literal = text[start..i];
        if (!double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
        {
            throw ExpressionException.At($"the number {literal} is too large", offset + start);
        }

        return new ExpressionToken(ExpressionTokenKind.Number, literal, start, number);
    }

    private static void SkipDigits(string text, ref int i)
    {
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }
    }

    private static ExpressionToken ReadString(string text, ref int i, int offset)
    {
        var quote = text[i];
        var start = i;
        i++;
        var value = new StringBuilder();
        while (i < text.Length && text[i] != quote)
        {
            if (text[i] == '\\')
            {
                if (i + 1 >= text.Length)
                {
                    break;
                }

                i++;
                switch (text[i])
                {
                    case 'n':
                        value.Append('\n');
                        break;
                    case 't':
                        value.Append('\t');
                        break;
                    case 'r':
                        value.Append('\r');
                        break;
                    case 'u' when i + 4 < text.Length
                        && int.TryParse(text.AsSpan(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                        value.Append((char)code);
                        i += 4;
                        break;
                    default:
                        value.Append(text[i]);
                        break;
                }

                i++;
                continue;
            }

            value.Append(text[i]);
            i++;
        }

        if (i >= text.Length)
        {
            throw ExpressionException.At("unterminated string", offset + start);
        }

        i++;
        return new ExpressionToken(ExpressionTokenKind.String, value.ToString(), start);
    }
}
