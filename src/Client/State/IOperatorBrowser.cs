namespace Dashboard.Client.State;

/// <summary>
/// What a page knows of the operator's browser. Running in it, everything; on the server, drawing a page
/// before WebAssembly has started, only what the browser's cookies said (nothing before its first visit).
/// </summary>
public interface IOperatorBrowser
{
    /// <summary>The browser's time zone, or null when not known.</summary>
    TimeZoneInfo? TimeZone { get; }

    /// <summary>Whether the page is dark (the operator's choice, else the system's), or null when not known.</summary>
    bool? Dark { get; }
}
