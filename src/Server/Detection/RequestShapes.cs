using Dashboard.Server.Ingest.Apache;

namespace Dashboard.Server.Detection;

/// <summary>Whether one access-log line has a shape.</summary>
internal delegate bool LineShape(in AccessLine line);

/// <summary>
/// A shape of request that marks an attack rather than a visitor: a predicate over one access-log line,
/// evaluated as lines are ingested and counted per address and minute (access_shape_minute), and the
/// number of such requests within the detection window that raises a request-shape alert.
/// </summary>
/// <param name="Id">Its code in access_shape_minute and alerts: never reused.</param>
internal sealed record RequestShape(short Id, string Name, string Label, int MinRequests, LineShape Matches);

/// <summary>The shapes detection knows. A new attack shape is one more entry here (with a new id).</summary>
internal static class RequestShapes
{
    /// <summary>
    /// The Apache Range-header DoS (CVE-2011-3192, the "Apache Killer"): requests whose Range header asks
    /// for hundreds of overlapping ranges, answered 206 while each Apache 2.2 child swells. The header
    /// itself is in no common log format; the answer is, to a HEAD (no browser sends a Range with one) or
    /// to a client that gives no user agent (a video player or a download manager does).
    /// </summary>
    public static readonly RequestShape RangeDos = new(1, "range-dos", "Range-header DoS pattern, CVE-2011-3192", 10,
        static (in line) => line.Status == 206 && (line.Method.SequenceEqual("HEAD") || line.UserAgent.IsEmpty));

    /// <summary>Password guessing against a login form: POSTs answered 401 or 403, over and over.</summary>
    public static readonly RequestShape PasswordGuessing = new(2, "password-guessing", "password guessing (POSTs refused 401/403)", 30,
        static (in line) => line.Status is 401 or 403 && line.Method.SequenceEqual("POST"));

    public static readonly IReadOnlyList<RequestShape> All = [RangeDos, PasswordGuessing];

    public static RequestShape? ById(short id) => All.FirstOrDefault(s => s.Id == id);
}
