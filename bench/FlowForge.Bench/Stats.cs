namespace FlowForge.Bench;

public sealed record Stats(double P50, double P99, double Max)
{
    public static Stats Of(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return new Stats(0, 0, 0);
        }

        var sorted = values.Order().ToArray();
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new Stats(At(0.50), At(0.99), sorted[^1]);
    }
}
