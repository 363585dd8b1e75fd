using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dashboard.Server.Data.Configurations;

internal sealed class HostConfiguration : IEntityTypeConfiguration<HostRow>
{
    public void Configure(EntityTypeBuilder<HostRow> builder)
    {
        builder.ToTable("hosts");
        builder.HasIndex(h => h.Name).IsUnique();
        builder.Property(h => h.Name).HasMaxLength(253);
    }
}

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> builder)
    {
        builder.ToTable("api_tokens");
        builder.HasIndex(t => t.TokenHash).IsUnique();
        builder.HasIndex(t => new { t.Kind, t.Name });
        builder.HasOne(t => t.Host).WithMany().HasForeignKey(t => t.HostId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OperatorConfiguration : IEntityTypeConfiguration<OperatorRow>
{
    public void Configure(EntityTypeBuilder<OperatorRow> builder)
    {
        builder.ToTable("operators");
        builder.HasIndex(o => o.Name).IsUnique();
        builder.Property(o => o.Name).HasMaxLength(100);
    }
}

internal sealed class OperatorSessionConfiguration : IEntityTypeConfiguration<OperatorSession>
{
    public void Configure(EntityTypeBuilder<OperatorSession> builder)
    {
        builder.ToTable("operator_sessions");
        builder.HasKey(s => s.KeyHash);
        builder.HasIndex(s => s.OperatorId);
        builder.HasOne<OperatorRow>().WithMany().HasForeignKey(s => s.OperatorId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class LoginFailureConfiguration : IEntityTypeConfiguration<LoginFailure>
{
    public void Configure(EntityTypeBuilder<LoginFailure> builder)
    {
        builder.ToTable("login_failures");
        builder.HasKey(f => f.Key);
        builder.Property(f => f.Key).HasMaxLength(200);
        builder.HasIndex(f => f.LastFailureAt);
    }
}
