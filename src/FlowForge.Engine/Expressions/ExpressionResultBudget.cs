using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FlowForge.Engine.Limits;

namespace FlowForge.Engine.Expressions;

/// <summary>Counts the UTF-8 bytes one resolution has produced (or built) so far; refuses to go past the limit.</summary>
internal sealed class ExpressionResultBudget(long limit, string? nodeId, string what = "the result")
{
    private long _used;

    public long Remaining => Math.Max(0, limit - _used);

    public void Take(ReadOnlySpan<char> text) => Take(Encoding.UTF8.GetByteCount(text));

    public void Take(long bytes)
    {
        _used += bytes;
        if (_used > limit)
        {
            var who = nodeId is null ? "one node" : $"node '{nodeId}'";
            throw new ExpressionException(string.Create(CultureInfo.InvariantCulture,
                $"{what} would be over {limit:N0} bytes, the limit on what the expressions of {who} may produce (Engine:MaxExpressionResultBytes); read less data or raise the limit"));
        }
    }

    /// <summary>Counts a JSON value's size without holding more than what is left.</summary>
    public void Take(JsonNode? value)
    {
        long bytes;
        try
        {
            bytes = JsonSize.Measure(value, Remaining);
        }
        catch (InvalidOperationException)
        {
            throw new ExpressionException("the value is nested more than 64 deep, too deep to be written as JSON");
        }

        Take(bytes);
    }
}
