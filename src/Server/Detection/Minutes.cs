namespace Dashboard.Server.Detection;

internal static class Minutes
{
    public static DateTime Floor(DateTime utc) => new(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);
}
