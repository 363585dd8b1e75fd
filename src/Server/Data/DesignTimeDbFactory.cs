using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Dashboard.Server.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting a database.</summary>
internal sealed class DesignTimeDbFactory : IDesignTimeDbContextFactory<DashboardDb>
{
    public DashboardDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<DashboardDb>()
            .UseNpgsql("Host=localhost;Database=dashboard")
            .UseSnakeCaseNamingConvention()
            .Options);
}
