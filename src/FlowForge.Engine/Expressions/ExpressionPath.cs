using System.Globalization;
using System.Text;

namespace FlowForge.Engine.Expressions;

/// <summary>
/// A parsed path expression: a root (<c>input</c> or <c>nodes</c>) followed by member and index
/// steps: <c>input.items[0].name</c>, <c>nodes.fetch.output.body</c>, <c>nodes["my node"].output</c>.
/// </summary>
public sealed record ExpressionPath(string Root, IReadOnlyList<object> Steps)
{
    /// <summary>Longest expression read (between <c>{{</c> and <c>}}</c>); longer ones are refused before parsing.</summary>
    public const int MaxLength = 4_096;

    /// <summary>Deepest nesting of brackets and parentheses accepted; a path needs no nesting at all.</summary>
    public const int MaxNesting = 32;

    /// <summary>Most member and index steps in one path.</summary>
    public const int MaxSteps = 256;

    public static ExpressionPath Parse(string text, int offset)
    {
        CheckBounds(text, offset);
        var steps = new List<object>();
        var i = 0;
        SkipSpaces(text, ref i);
        var root = ReadIdentifier(text, ref i, offset);
        while (true)
        {
            SkipSpaces(text, ref i);
            if (i >= text.Length)
            {
                break;
            }

            if (steps.Count >= MaxSteps)
            {
                throw Error($"the path has more than {MaxSteps} steps", offset + i);
            }

            if (text[i] == '.')
            {
                i++;
                steps.Add(ReadIdentifier(text, ref i, offset));
            }
            else if (text[i] == '[')
            {
                i++;
                SkipSpaces(text, ref i);
                steps.Add(i < text.Length && text[i] is '"' or '\'' ? ReadQuoted(text, ref i, offset) : ReadIndex(text, ref i, offset));
                SkipSpaces(text, ref i);
                Expect(text, ref i, ']', offset);
            }
            else
            {
                throw Error($"unexpected '{text[i]}'", offset + i);
            }
        }

        if (root is not ("input" or "nodes"))
        {
            throw Error($"unknown name '{root}': expressions start with 'input' or 'nodes'", offset);
        }

        return new ExpressionPath(root, steps);
    }

    // Checked in one pass before parsing, so no input can make the parser (or anything after it) go deep.
    private static void CheckBounds(string text, int offset)
    {
        var depth = 0;
        char? quote = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is { } q)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == q)
                {
                    quote = null;
                }

                continue;
            }

            switch (c)
            {
                case '"' or '\'':
                    quote = c;
                    break;
                case '(' or '[' or '{':
                    if (++depth > MaxNesting)
                    {
                        throw Error($"brackets or parentheses are nested more than {MaxNesting} deep", offset + i);
                    }

                    break;
                case ')' or ']' or '}':
                    depth = Math.Max(0, depth - 1);
                    break;
            }
        }

        if (text.Length > MaxLength)
        {
            throw Error(string.Create(CultureInfo.InvariantCulture, $"the expression is {text.Length:N0} characters long, over the limit of {MaxLength:N0}"), offset);
        }
    }

    private static void SkipSpaces(string text, ref int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }
    }

    private static string ReadIdentifier(string text, ref int i, int offset)
    {
        var start = i;
        while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '-' or '$'))
        {
            i++;
        }

        if (i == start)
        {
            throw Error(i < text.Length ? $"expected a name but found '{text[i]}'" : "expected a name", offset + i);
        }

        return text[start..i];
    }

    private static int ReadIndex(string text, ref int i, int offset)
    {
        var start = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        if (i == start || !int.TryParse(text.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            throw Error("expected an array index or a quoted name inside [ ]", offset + start);
        }

        return index;
    }

    private static string ReadQuoted(string text, ref int i, int offset)
    {
        var quote = text[i];
        var start = i;
        i++;
        var value = new StringBuilder();
        while (i < text.Length && text[i] != quote)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
            }

            value.Append(text[i]);
            i++;
        }

        if (i >= text.Length)
        {
            throw Error("unterminated quoted name", offset + start);
        }

        i++;
        return value.ToString();
    }

    private static void Expect(string text, ref int i, char c, int offset)
    {
        if (i >= text.Length || text[i] != c)
        {
            throw Error($"expected '{c}'", offset + i);
        }

        i++;
    }

    private static ExpressionException Error(string message, int position) =>
        new($"{message} at position {position.ToString(CultureInfo.InvariantCulture)}");
}
