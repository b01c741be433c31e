using System.Globalization;

namespace DockStack.Bench;

/// <summary>Progress goes to stderr with a timestamp; stdout carries only the results.</summary>
public static class Log
{
    public static void Line(string text) =>
        Console.Error.WriteLine($"{DateTime.UtcNow.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} {text}");
}
