using Dashboard.Client.Api;
using Dashboard.Client.Charts;
using Dashboard.Client.State;

namespace Dashboard.Server.Components;

internal static class ServerDrawnPages
{
    /// <summary>What the dashboard's pages need when the server draws them (see App.razor).</summary>
    public static void AddServerDrawnPages(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveWebAssemblyComponents();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<IReadApi, InProcessReadApi>();
        builder.Services.AddScoped<IOperatorBrowser, BrowserCookies>();
        builder.Services.AddSingleton(ChartDrawing.FromCarriedOptions);
    }
}
