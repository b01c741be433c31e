using System.Globalization;

namespace DockStack.Bench.Reporting;

/// <summary>Median, min and max of a few samples, in seconds.</summary>
public sealed record Figures(double Median, double Min, double Max)
{
    public static Figures Of(IEnumerable<double> samples)
    {
        var sorted = samples.Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("No samples.", nameof(samples));
        }
        var middle = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return new Figures(median, sorted[0], sorted[^1]);
    }

    public static Figures Of(IEnumerable<TimeSpan> samples) => Of(samples.Select(s => s.TotalSeconds));

    public static string Seconds(double seconds) => seconds.ToString("0.00", CultureInfo.InvariantCulture);
}
