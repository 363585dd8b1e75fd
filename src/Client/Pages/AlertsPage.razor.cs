using System.Net;
using Dashboard.Client.Alerts;
using Dashboard.Client.State;
using Dashboard.Shared;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Client.Pages;

/// <summary>
/// Every alert of the range, newest first, with its evidence; narrowed by rule, severity, state and address.
/// The filters live in the URL beside the view, so a link opens the same list.
/// </summary>
public sealed partial class AlertsPage : ViewPage<List<AlertItem>>
{
    private string? _address;
    private string? _addressError;

    // As parameters, a navigation that changes only a filter sets them again, and the page reloads.
    [SupplyParameterFromQuery(Name = "rule")]
    public string? RuleKey { get; set; }

    [SupplyParameterFromQuery(Name = "severity")]
    public string? SeverityKey { get; set; }

    [SupplyParameterFromQuery(Name = "state")]
    public string? StateKey { get; set; }

    [SupplyParameterFromQuery(Name = "ip")]
    public string? IpKey { get; set; }

    /// <summary>The filters the URL names; a value the API would refuse is left out.</summary>
    private AlertCriteria Criteria => new(
        OneOf(RuleKey, AlertRules.All), OneOf(SeverityKey, AlertSeverities.All), OneOf(StateKey, AlertStates.All),
        IpKey is { Length: > 0 } ip && IPAddress.TryParse(ip, out _) ? ip : null);

    protected override Task OnParametersSetAsync()
    {
        _address = Criteria.Ip;
        _addressError = null;
        return base.OnParametersSetAsync();
    }

    protected override Task<List<AlertItem>> FetchAsync(TimeRange range, CancellationToken ct) => Api.GetAlertsAsync(range, Criteria, ct);

    protected override string Address(ViewState view) => AlertLinks.Page(view, Criteria);

    /// <summary>The zone of the host being looked at; with all hosts, theirs if they share one.</summary>
    protected override string? HostZone(List<AlertItem> data, IReadOnlyList<HostInfo> hosts)
    {
        if (View.Host is not null)
        {
            return hosts.FirstOrDefault(h => h.Name == View.Host)?.TimeZone;
        }
        var zones = hosts.Select(h => h.TimeZone).Distinct().ToList();
        return zones is { Count: 1 } ? zones[0] : null;
    }

    private Task FilterAsync(AlertCriteria criteria)
    {
        Navigation.NavigateTo(AlertLinks.Page(View, criteria));
        return Task.CompletedTask;
    }

    private Task ApplyAddressAsync()
    {
        var text = _address?.Trim();
        if (!string.IsNullOrEmpty(text) && !IPAddress.TryParse(text, out _))
        {
            _addressError = "not an IPv4 or IPv6 address";
            return Task.CompletedTask;
        }
        return FilterAsync(Criteria with { Ip = string.IsNullOrEmpty(text) ? null : text });
    }

    private static string? Chosen(ChangeEventArgs e) => e.Value is string { Length: > 0 } value ? value : null;

    private static string? OneOf(string? value, IReadOnlyList<string> allowed) => value is not null && allowed.Contains(value) ? value : null;
}
