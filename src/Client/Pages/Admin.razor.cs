using Dashboard.Client.Api;
using Dashboard.Shared;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Client.Pages;

/// <summary>Hosts and their ingest tokens, read tokens: added, shown once, revoked.</summary>
public sealed partial class Admin
{
    private static readonly string[] CommonZones =
    [
        "UTC", "Europe/London", "Europe/Berlin", "Europe/Paris", "America/New_York", "America/Chicago", "America/Denver",
        "America/Los_Angeles", "America/Sao_Paulo", "Asia/Tokyo", "Asia/Shanghai", "Asia/Kolkata", "Asia/Singapore", "Australia/Sydney",
    ];

    private List<HostInfo> _hosts = [];
    private List<TokenInfo> _tokens = [];
    private (string What, IssuedToken Token, bool IsIngest)? _issued;
    private string? _error;
    private string _hostName = "";
    private string _hostZone = "UTC";
    private string _hostFormat = "";
    private string _readerName = "";

    [Inject]
    private DashboardApiClient Api { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    protected override Task OnInitializedAsync() => ReloadAsync();

    private async Task ReloadAsync()
    {
        await GuardAsync(async () =>
        {
            _hosts = await Api.GetHostsAsync(CancellationToken.None);
            _tokens = await Api.GetTokensAsync(CancellationToken.None);
        });
    }

    private async Task AddHostAsync()
    {
        await GuardAsync(async () =>
        {
            var (token, error) = await Api.AddHostAsync(new HostRequest(_hostName.Trim(), _hostZone.Trim(), _hostFormat.Trim() is { Length: > 0 } f ? f : null), CancellationToken.None);
            Show($"Ingest token for {_hostName}", token, error, isIngest: true);
            if (token is not null)
            {
                _hostName = "";
            }
        });
        await ReloadAsync();
    }

    private async Task AddIngestTokenAsync(string host)
    {
        await GuardAsync(async () =>
        {
            var (token, error) = await Api.AddIngestTokenAsync(host, CancellationToken.None);
            Show($"New ingest token for {host}", token, error, isIngest: true);
        });
        await ReloadAsync();
    }

    private async Task AddReadTokenAsync()
    {
        await GuardAsync(async () =>
        {
            var (token, error) = await Api.AddReadTokenAsync(_readerName.Trim(), CancellationToken.None);
            Show($"Read token {_readerName}", token, error, isIngest: false);
            if (token is not null)
            {
                _readerName = "";
            }
        });
        await ReloadAsync();
    }

    private async Task RevokeAsync(TokenInfo token)
    {
        await GuardAsync(() => Api.RevokeTokenAsync(token.Id, CancellationToken.None));
        await ReloadAsync();
    }

    private void Show(string what, IssuedToken? token, string? error, bool isIngest)
    {
        _error = error;
        _issued = token is null ? null : (what, token, isIngest);
    }

    private async Task GuardAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (ApiUnavailableException e)
        {
            _error = $"The server cannot be reached ({e.Message}).";
        }
        catch (SignInRequiredException)
        {
        }
    }
}
