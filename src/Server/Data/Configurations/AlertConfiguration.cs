using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dashboard.Server.Data.Configurations;

internal sealed class AlertConfiguration : IEntityTypeConfiguration<AlertRow>
{
    public void Configure(EntityTypeBuilder<AlertRow> builder)
    {
        builder.ToTable("alerts");
        builder.Property(a => a.Id).UseIdentityAlwaysColumn();
        builder.HasIndex(a => a.Fingerprint).IsUnique();
        builder.HasIndex(a => new { a.HostId, a.Rule, a.LastHeldAt });
        builder.HasIndex(a => a.StartsAt);
        builder.Property(a => a.Evidence).HasColumnType("jsonb");
        builder.HasOne<HostRow>().WithMany().HasForeignKey(a => a.HostId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AccessShapeMinuteConfiguration : IEntityTypeConfiguration<AccessShapeMinute>
{
    public void Configure(EntityTypeBuilder<AccessShapeMinute> builder)
    {
        // Like the other rollups: keyed in SQL by the migration (EF cannot key on IPAddress), no foreign key.
        builder.ToTable("access_shape_minute");
        builder.HasNoKey();
        builder.HasIndex(m => m.Minute);
    }
}

internal sealed class DetectionQueueConfiguration : IEntityTypeConfiguration<DetectionQueueEntry>
{
    public void Configure(EntityTypeBuilder<DetectionQueueEntry> builder)
    {
        builder.ToTable("detection_queue");
        builder.Property(q => q.Id).UseIdentityAlwaysColumn();
        builder.HasOne<HostRow>().WithMany().HasForeignKey(q => q.HostId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WebhookConfiguration : IEntityTypeConfiguration<WebhookRow>
{
    public void Configure(EntityTypeBuilder<WebhookRow> builder)
    {
        builder.ToTable("webhooks");
        builder.Property(w => w.Url).HasMaxLength(2000);
    }
}

internal sealed class SilenceConfiguration : IEntityTypeConfiguration<SilenceRow>
{
    public void Configure(EntityTypeBuilder<SilenceRow> builder)
    {
        builder.ToTable("silences");
        builder.HasIndex(s => s.ExpiresAt);
        builder.HasOne<HostRow>().WithMany().HasForeignKey(s => s.HostId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AlertNotificationConfiguration : IEntityTypeConfiguration<AlertNotification>
{
    public void Configure(EntityTypeBuilder<AlertNotification> builder)
    {
        builder.ToTable("alert_notifications");
        builder.HasKey(n => new { n.WebhookId, n.AlertId });
        builder.HasOne<WebhookRow>().WithMany().HasForeignKey(n => n.WebhookId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AlertRow>().WithMany().HasForeignKey(n => n.AlertId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class NotificationGroupConfiguration : IEntityTypeConfiguration<NotificationGroup>
{
    public void Configure(EntityTypeBuilder<NotificationGroup> builder)
    {
        builder.ToTable("notification_groups");
        builder.HasKey(g => new { g.WebhookId, g.HostId });
        builder.HasOne<WebhookRow>().WithMany().HasForeignKey(g => g.WebhookId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<HostRow>().WithMany().HasForeignKey(g => g.HostId).OnDelete(DeleteBehavior.Cascade);
    }
}
