using Dashboard.Client.State;
using Dashboard.Shared;

namespace Dashboard.Client.Alerts;

/// <summary>Where an alert's addresses and hosts lead, keeping the view (range, zone, live) the operator is in.</summary>
public static class AlertLinks
{
    /// <summary>The address's drill-down, at the alert's host.</summary>
    public static string Ip(ViewState view, string ip, string host) =>
        (view with { Host = host }).Link($"ips/{Uri.EscapeDataString(ip)}");

    /// <summary>The overview of the host.</summary>
    public static string Host(ViewState view, string host) => (view with { Host = host }).Link("./");

    /// <summary>The Alerts page for the view, narrowed by <paramref name="criteria"/>.</summary>
    public static string Page(ViewState view, AlertCriteria criteria) =>
        ViewState.Link("alerts", string.Join('&', new[] { view.ToQuery(), criteria.ToQuery() }.Where(q => q.Length > 0)));
}
