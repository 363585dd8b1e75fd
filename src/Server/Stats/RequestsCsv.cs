using System.Globalization;
using System.Net;
using System.Text;
using Dashboard.Shared;

namespace Dashboard.Server.Stats;

/// <summary>
/// One IP's requests as CSV, newest first, streamed a page at a time. Every field came from a log
/// line: a cell a spreadsheet would read as a formula is prefixed with an apostrophe.
/// </summary>
internal sealed class RequestsCsv(IpRequestsQuery requests, IPAddress ip, ReadRange range)
{
    private const int PageSize = 5000;
    private const string Header = "time_utc,host,method,path,protocol,status,bytes,referer,user_agent\n";

    public string FileName => $"requests-{ip.ToString().Replace(':', '-')}.csv";

    public async Task WriteAsync(Stream output, CancellationToken ct)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
        await writer.WriteAsync(Header);
        RequestCursor? before = null;
        do
        {
            var page = await requests.GetAsync(ip, range, before, PageSize, ct);
            foreach (var item in page.Items)
            {
                await writer.WriteAsync(Row(item));
            }
            before = page.Next is { } next && RequestCursor.TryParse(next, out var cursor) ? cursor : null;
        }
        while (before is not null);
    }

    public static string Row(RequestItem item) => string.Join(',',
        item.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        Field(item.Host), Field(item.Method), Field(item.Path), Field(item.Protocol),
        item.Status?.ToString(CultureInfo.InvariantCulture) ?? "", item.Bytes?.ToString(CultureInfo.InvariantCulture) ?? "",
        Field(item.Referer), Field(item.UserAgent)) + "\n";

    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }
        return value.AsSpan().IndexOfAny("\",\n\r") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
