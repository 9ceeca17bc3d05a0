using System.Globalization;

namespace FlowForge.Engine.Expressions;

/// <summary>An expression that cannot be read or evaluated; the message names where (config path and character position).</summary>
public sealed class ExpressionException(string message) : Exception(message)
{
    internal static ExpressionException At(string reason, int position) =>
        new($"{reason} at position {position.ToString(CultureInfo.InvariantCulture)}");
}
