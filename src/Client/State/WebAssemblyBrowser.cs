using Microsoft.JSInterop;

namespace Dashboard.Client.State;

/// <summary>The browser the WebAssembly app runs in: .NET takes its zone from it, theme.js knows its theme.</summary>
public sealed class WebAssemblyBrowser(IJSRuntime js) : IOperatorBrowser
{
    public TimeZoneInfo? TimeZone => TimeZoneInfo.Local;

    // In-process, so the first render already has the theme (an await would draw the charts twice).
    public bool? Dark => js is IJSInProcessRuntime inProcess ? inProcess.Invoke<string>("dashboardTheme.get") != "light" : null;
}
