using Dashboard.Client.Api;
using Dashboard.Client.Charts;
using Dashboard.Client.State;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using Microsoft.Extensions.DependencyInjection;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.Services.AddScoped(_ => new HttpClient { BaseAddress = new Uri(builder.HostEnvironment.BaseAddress) });
builder.Services.AddScoped<DashboardApiClient>();
builder.Services.AddScoped<IReadApi>(services => services.GetRequiredService<DashboardApiClient>());
builder.Services.AddScoped<IOperatorBrowser, WebAssemblyBrowser>();
builder.Services.AddSingleton(ChartDrawing.ThroughInterop);
await builder.Build().RunAsync();
