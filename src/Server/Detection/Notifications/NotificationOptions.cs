using Microsoft.Extensions.Options;

namespace Dashboard.Server.Detection.Notifications;

/// <summary>When and how alerts are sent to webhooks (configuration section <c>Dashboard:Notifications</c>).</summary>
public sealed class NotificationOptions
{
    /// <summary>
    /// The dashboard's address as its operators reach it, for the links in messages (Alertmanager's
    /// generatorURL). Unset, messages carry no links.
    /// </summary>
    public Uri? DashboardUrl { get; set; }

    /// <summary>Only alerts that started this recently (by the server's clock) are sent: imported history is recorded, not paged.</summary>
    public TimeSpan MaxAlertAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a host's first alert waits for others to go in the same message.</summary>
    public TimeSpan GroupWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The least time between two messages about one host when its alerts change.</summary>
    public TimeSpan GroupInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Alerts still firing, unchanged, are sent again after this.</summary>
    public TimeSpan RepeatInterval { get; set; } = TimeSpan.FromHours(4);

    /// <summary>How long a webhook may take to answer.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

internal sealed class ValidateNotificationOptions : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        List<string> errors = [];
        if (options.DashboardUrl is { IsAbsoluteUri: false })
        {
            errors.Add("Dashboard:Notifications:DashboardUrl must be an absolute URL.");
        }
        if (options.MaxAlertAge <= TimeSpan.Zero || options.GroupInterval <= TimeSpan.Zero || options.RepeatInterval <= TimeSpan.Zero
            || options.Timeout <= TimeSpan.Zero || options.GroupWait < TimeSpan.Zero)
        {
            errors.Add("Dashboard:Notifications: MaxAlertAge, GroupInterval, RepeatInterval and Timeout must be positive, GroupWait not negative.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
