using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Server.Data;

/// <summary>
/// The schema. access_log and syslog_lines are partitioned tables that EF cannot describe: the
/// migrations create them in SQL and the code reaches them through COPY and SQL only.
/// </summary>
public sealed class DashboardDb(DbContextOptions<DashboardDb> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<HostRow> Hosts => Set<HostRow>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<AccessMinute> AccessMinutes => Set<AccessMinute>();
    public DbSet<AccessHour> AccessHours => Set<AccessHour>();
    public DbSet<AccessHostMinute> AccessHostMinutes => Set<AccessHostMinute>();
    public DbSet<AccessHourLeaders> AccessHourLeaders => Set<AccessHourLeaders>();
    public DbSet<MemorySampleRow> MemorySamples => Set<MemorySampleRow>();
    public DbSet<HostEventRow> HostEvents => Set<HostEventRow>();
    public DbSet<RejectedLine> RejectedLines => Set<RejectedLine>();
    public DbSet<IngestKey> IngestKeys => Set<IngestKey>();
    public DbSet<RejectedCount> RejectedCounts => Set<RejectedCount>();
    public DbSet<OperatorRow> Operators => Set<OperatorRow>();
    public DbSet<OperatorSession> OperatorSessions => Set<OperatorSession>();
    public DbSet<LoginFailure> LoginFailures => Set<LoginFailure>();
    public DbSet<OomKillCounter> OomKillCounters => Set<OomKillCounter>();
    public DbSet<AlertRow> Alerts => Set<AlertRow>();
    public DbSet<AccessShapeMinute> AccessShapeMinutes => Set<AccessShapeMinute>();
    public DbSet<DetectionQueueEntry> DetectionQueue => Set<DetectionQueueEntry>();
    public DbSet<WebhookRow> Webhooks => Set<WebhookRow>();
    public DbSet<SilenceRow> Silences => Set<SilenceRow>();
    public DbSet<AlertNotification> AlertNotifications => Set<AlertNotification>();
    public DbSet<NotificationGroup> NotificationGroups => Set<NotificationGroup>();

    /// <summary>The keys that protect session cookies: kept here, so sessions survive restarts and new containers.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // Numbers blocks of row ids; each server takes a thousand at a time (Ingest/RowIdBlocks).
        modelBuilder.HasSequence<long>("ingest_batch_seq").IncrementsBy(Ingest.RowIdBlocks.BlocksPerFetch);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(DashboardDb).Assembly);
    }
}
