using Dashboard.Server;
using Dashboard.Server.Cli;

if (DashboardCommandLine.IsCommand(args))
{
    return await DashboardCommandLine.RunAsync(args);
}
await DashboardServer.Build(args).RunAsync();
return 0;

public partial class Program;
