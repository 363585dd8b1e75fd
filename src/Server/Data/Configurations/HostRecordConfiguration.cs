using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dashboard.Server.Data.Configurations;

internal sealed class MemorySampleConfiguration : IEntityTypeConfiguration<MemorySampleRow>
{
    public void Configure(EntityTypeBuilder<MemorySampleRow> builder)
    {
        builder.ToTable("memory_samples");
        // A resent sample is the same sample: the key makes a retry a no-op.
        builder.HasKey(s => new { s.HostId, s.Time });
        builder.HasIndex(s => s.Time);
        builder.HasOne<HostRow>().WithMany().HasForeignKey(s => s.HostId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class HostEventConfiguration : IEntityTypeConfiguration<HostEventRow>
{
    public void Configure(EntityTypeBuilder<HostEventRow> builder)
    {
        builder.ToTable("host_events");
        builder.HasIndex(e => e.Time);
        builder.HasIndex(e => new { e.HostId, e.Time });
        builder.HasOne<HostRow>().WithMany().HasForeignKey(e => e.HostId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RejectedLineConfiguration : IEntityTypeConfiguration<RejectedLine>
{
    public void Configure(EntityTypeBuilder<RejectedLine> builder)
    {
        builder.ToTable("rejected_lines");
        builder.HasIndex(r => new { r.HostId, r.ReceivedAt });
        builder.HasOne<HostRow>().WithMany().HasForeignKey(r => r.HostId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RejectedCountConfiguration : IEntityTypeConfiguration<RejectedCount>
{
    public void Configure(EntityTypeBuilder<RejectedCount> builder)
    {
        builder.ToTable("rejected_counts");
        builder.HasKey(c => new { c.HostId, c.Day, c.Stream, c.Reason });
        builder.HasIndex(c => c.Day);
        builder.HasOne<HostRow>().WithMany().HasForeignKey(c => c.HostId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class IngestKeyConfiguration : IEntityTypeConfiguration<IngestKey>
{
    public void Configure(EntityTypeBuilder<IngestKey> builder)
    {
        builder.ToTable("ingest_batches");
        builder.HasKey(b => new { b.HostId, b.Endpoint, b.IdempotencyKey });
        builder.Property(b => b.IdempotencyKey).HasMaxLength(200);
        builder.Property(b => b.Response).HasColumnType("jsonb");
        builder.HasIndex(b => b.CreatedAt);
        builder.HasOne<HostRow>().WithMany().HasForeignKey(b => b.HostId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OomKillCounterConfiguration : IEntityTypeConfiguration<OomKillCounter>
{
    public void Configure(EntityTypeBuilder<OomKillCounter> builder)
    {
        builder.ToTable("oom_kill_counters");
        // One row per host: only the last sample matters.
        builder.HasKey(c => c.HostId);
        builder.HasOne<HostRow>().WithMany().HasForeignKey(c => c.HostId).OnDelete(DeleteBehavior.Cascade);
    }
}
