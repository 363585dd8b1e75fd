using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dashboard.Server.Data.Configurations;

internal sealed class AccessMinuteConfiguration : IEntityTypeConfiguration<AccessMinute>
{
    public void Configure(EntityTypeBuilder<AccessMinute> builder)
    {
        // Its key (client_ip, minute, host_id) and a BRIN on minute are made by the migration in SQL.
        AccessRollupShape.Configure(builder, "access_minute", "minute");
    }
}

internal sealed class AccessHourConfiguration : IEntityTypeConfiguration<AccessHour>
{
    public void Configure(EntityTypeBuilder<AccessHour> builder) => AccessRollupShape.Configure(builder, "access_hour", "hour");
}

internal static class AccessRollupShape
{
    public static void Configure<T>(EntityTypeBuilder<T> builder, string table, string bucketColumn) where T : AccessRollup
    {
        builder.ToTable(table);
        builder.Property(r => r.Bucket).HasColumnName(bucketColumn);
        // EF cannot key on IPAddress; the migration adds the primary key (host_id, bucket, client_ip) in SQL.
        // Rollups are derived data, rewritten on every batch: no foreign key (its check and its index
        // would slow every upsert); retention and host removal delete them explicitly.
        builder.HasNoKey();
    }
}

internal sealed class AccessHostMinuteConfiguration : IEntityTypeConfiguration<AccessHostMinute>
{
    public void Configure(EntityTypeBuilder<AccessHostMinute> builder)
    {
        builder.ToTable("access_host_minute");
        builder.HasKey(r => new { r.HostId, r.Minute });
        builder.HasIndex(r => r.Minute);
    }
}

internal sealed class AccessHourLeadersConfiguration : IEntityTypeConfiguration<AccessHourLeaders>
{
    public void Configure(EntityTypeBuilder<AccessHourLeaders> builder)
    {
        builder.ToTable("access_hour_leaders");
        builder.HasKey(l => new { l.Hour, l.HostId });
    }
}
