using Microsoft.Extensions.Options;

namespace Dashboard.Server.Hosts;

/// <summary>Operators' sign-in and sessions (configuration section <c>Dashboard:Auth</c>).</summary>
public sealed class AuthOptions
{
    /// <summary>A session unused for this long ends.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(12);

    /// <summary>A session ends this long after sign-in, used or not.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Sign-in attempts one address may make a minute, whatever their outcome (flood protection; failures back off sooner).</summary>
    public int LoginAttemptsPerMinute { get; set; } = 30;
}

internal sealed class ValidateAuthOptions : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        List<string> errors = [];
        if (options.SessionIdleTimeout < TimeSpan.FromMinutes(1))
        {
            errors.Add("Dashboard:Auth:SessionIdleTimeout must be at least a minute.");
        }
        if (options.SessionLifetime < options.SessionIdleTimeout)
        {
            errors.Add("Dashboard:Auth:SessionLifetime must be at least SessionIdleTimeout.");
        }
        if (options.LoginAttemptsPerMinute < 1)
        {
            errors.Add("Dashboard:Auth:LoginAttemptsPerMinute must be at least 1.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
