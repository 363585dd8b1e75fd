using System.Security.Cryptography;
using Dashboard.Server.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Server.Hosts;

/// <summary>Operators: the people who sign in. Passwords are kept as ASP.NET Core's salted PBKDF2 hashes.</summary>
internal sealed class OperatorAccounts(DashboardDb db, TimeProvider clock)
{
    public const string FirstOperator = "admin";
    private static readonly PasswordHasher<OperatorRow> Hasher = new();
    // Checked when the name is unknown, so that a wrong name costs as long as a wrong password.
    private static readonly string DecoyHash = Hasher.HashPassword(null!, "decoy password nobody has");

    public Task<bool> AnyAsync(CancellationToken ct) => db.Operators.AnyAsync(ct);

    public Task<bool> ExistsAsync(string name, CancellationToken ct) => db.Operators.AnyAsync(o => o.Name == name, ct);

    /// <summary>The operator these credentials belong to, or null.</summary>
    public async Task<OperatorRow?> VerifyAsync(string name, string password, CancellationToken ct)
    {
        var found = await db.Operators.AsNoTracking().FirstOrDefaultAsync(o => o.Name == name, ct);
        var result = Hasher.VerifyHashedPassword(found!, found?.PasswordHash ?? DecoyHash, password);
        return found is not null && result != PasswordVerificationResult.Failed ? found : null;
    }

    /// <summary>Creates the operator, or gives an existing one a new password and ends every session it had.</summary>
    public async Task SetPasswordAsync(string name, string password, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var found = await db.Operators.FirstOrDefaultAsync(o => o.Name == name, ct);
        if (found is null)
        {
            found = new OperatorRow { Name = name, PasswordHash = "", CreatedAt = clock.GetUtcNow().UtcDateTime };
            db.Operators.Add(found);
        }
        found.PasswordHash = Hasher.HashPassword(found, password);
        await db.SaveChangesAsync(ct);
        await db.OperatorSessions.Where(s => s.OperatorId == found.Id).ExecuteDeleteAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>Operators by name, with how many sessions each has open.</summary>
    public Task<List<OperatorInfo>> ListAsync(CancellationToken ct) =>
        db.Operators.AsNoTracking().OrderBy(o => o.Name)
            .Select(o => new OperatorInfo(o.Name, o.CreatedAt, db.OperatorSessions.Count(s => s.OperatorId == o.Id),
                db.OperatorSessions.Where(s => s.OperatorId == o.Id).Max(s => (DateTime?)s.LastSeenAt)))
            .ToListAsync(ct);

    /// <summary>Removes the operator; its sessions end with it. False when there is none by that name.</summary>
    public async Task<bool> RemoveAsync(string name, CancellationToken ct) =>
        await db.Operators.Where(o => o.Name == name).ExecuteDeleteAsync(ct) == 1;

    /// <summary>A password of 20 characters from a 56-letter alphabet without look-alikes: ~116 bits.</summary>
    public static string NewPassword() =>
        RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 20);
}

/// <summary>An operator as <c>operators list</c> shows it.</summary>
internal sealed record OperatorInfo(string Name, DateTime CreatedAt, int Sessions, DateTime? LastSeenAt);

/// <summary>
/// On the first start there is no operator: creates <c>admin</c> with <c>DASHBOARD_ADMIN_PASSWORD</c>,
/// or with a generated password printed once to the console.
/// </summary>
internal sealed class OperatorBootstrap(IServiceProvider services, IConfiguration configuration, ILogger<OperatorBootstrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<OperatorAccounts>();
        if (await accounts.AnyAsync(cancellationToken))
        {
            return;
        }
        var given = configuration["DASHBOARD_ADMIN_PASSWORD"];
        var password = string.IsNullOrEmpty(given) ? OperatorAccounts.NewPassword() : given;
        await accounts.SetPasswordAsync(OperatorAccounts.FirstOperator, password, cancellationToken);
        if (string.IsNullOrEmpty(given))
        {
            // Warning, so that it shows whatever the log level: it is printed this once and never stored.
            logger.LogWarning("Created operator '{Name}' with password {Password} (shown once; set DASHBOARD_ADMIN_PASSWORD to choose it, "
                + "or run 'operators reset-password {Name}')", OperatorAccounts.FirstOperator, password, OperatorAccounts.FirstOperator);
        }
        else
        {
            logger.LogWarning("Created operator '{Name}' with the password in DASHBOARD_ADMIN_PASSWORD", OperatorAccounts.FirstOperator);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
