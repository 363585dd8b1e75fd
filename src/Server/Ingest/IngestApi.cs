using Dashboard.Server.Hosts;
using Dashboard.Server.Ingest.Apache;
using Dashboard.Server.Ingest.Memory;
using Dashboard.Server.Ingest.Syslog;
using Dashboard.Server.MemoryEvents;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Ingest;

/// <summary>
/// POST /api/v1/ingest/{access|syslog|meminfo|collectd|vmstat}. A 4xx means the body can never succeed
/// (shippers drop it); anything worth retrying is a 503 with Retry-After; 200 is sent only once the
/// batch is committed.
/// </summary>
public static class IngestApi
{
    public static void AddIngest(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestOptions>().BindConfiguration("Dashboard:Ingest").ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<IngestOptions>, ValidateIngestOptions>();
        builder.Services.AddSingleton<IngestGate>();
        builder.Services.AddSingleton<IngestMemory>();
        builder.Services.AddSingleton<RowIdBlocks>();
        builder.Services.AddSingleton<IngestRunner>();
    }

    public static RouteGroupBuilder MapIngestApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/ingest").RequireAuthorization(Policies.Ingest).DisableAntiforgery();
        group.MapPost("/access", IngestAccessAsync);
        group.MapPost("/syslog", IngestSyslogAsync);
        group.MapPost("/meminfo", IngestMeminfoAsync);
        group.MapPost("/collectd", IngestCollectdAsync);
        group.MapPost("/vmstat", IngestVmstatAsync);
        return group;
    }

    private static async Task<Results<Ok<IngestResult>, ProblemHttpResult, EmptyHttpResult>> IngestAccessAsync(HttpContext context, IngestRunner runner)
    {
        if (!runner.TryRead(context, "access", out var request, out var refusal))
        {
            return Answer(context, refusal);
        }
        if (!request.TryGetLogFormat(out var format, out var error) || !request.TryGetTimeZone(out var zone, out error))
        {
            return BadRequest(error);
        }
        return Answer(context, await runner.RunAsync(request,
            IngestRunner.Parse(request.Kind, (batch, checkpoint) => new AccessLines(batch, checkpoint, format, zone))));
    }

    private static async Task<Results<Ok<IngestResult>, ProblemHttpResult, EmptyHttpResult>> IngestSyslogAsync(HttpContext context, IngestRunner runner)
    {
        if (!runner.TryRead(context, "syslog", out var request, out var refusal))
        {
            return Answer(context, refusal);
        }
        if (!request.TryGetTimeZone(out var zone, out var error) || !request.TryGetYear(out var year, out error))
        {
            return BadRequest(error);
        }
        var defaults = new SyslogDefaults(zone, year, new DateTimeOffset(request.Times.ReceivedAtUtc));
        return Answer(context, await runner.RunAsync(request,
            IngestRunner.Parse(request.Kind, (batch, checkpoint) => new SyslogLines(batch, checkpoint, defaults))));
    }

    private static async Task<Results<Ok<IngestResult>, ProblemHttpResult, EmptyHttpResult>> IngestMeminfoAsync(HttpContext context, IngestRunner runner)
    {
        if (!runner.TryRead(context, "meminfo", out var request, out var refusal))
        {
            return Answer(context, refusal);
        }
        if (!request.TryGetSampleTime(out var sampleTime, out var error))
        {
            return BadRequest(error);
        }
        return Answer(context, await runner.RunAsync(request,
            IngestRunner.Parse(request.Kind, (batch, checkpoint) => new MeminfoSamples(batch, checkpoint, sampleTime))));
    }

    /// <summary>collectd's write_http with Format "JSON": the memory and swap plugins' values (see <see cref="CollectdValues"/>).</summary>
    private static async Task<Results<Ok<IngestResult>, ProblemHttpResult, EmptyHttpResult>> IngestCollectdAsync(HttpContext context, IngestRunner runner)
    {
        if (!runner.TryRead(context, "collectd", out var request, out var refusal))
        {
            return Answer(context, refusal);
        }
        if (request.Kind == BodyKind.Text)
        {
            // write_http's default Format "Command" sends PUTVAL lines as text/plain.
            return Problem(StatusCodes.Status415UnsupportedMediaType, "send collectd's JSON: Format \"JSON\" in write_http's Node block");
        }
        return Answer(context, await runner.RunAsync(request,
            IngestRunner.Parse(request.Kind, (batch, checkpoint) => new CollectdValues(batch, checkpoint))));
    }

    /// <summary>A /proc/vmstat text: its oom_kill counter's increase becomes kills (see <see cref="VmstatCounter"/>).</summary>
    private static async Task<Results<Ok<IngestResult>, ProblemHttpResult, EmptyHttpResult>> IngestVmstatAsync(HttpContext context, IngestRunner runner)
    {
        if (!runner.TryRead(context, "vmstat", out var request, out var refusal))
        {
            return Answer(context, refusal);
        }
        if (!request.TryGetSampleTime(out var sampleTime, out var error))
        {
            return BadRequest(error);
        }
        if (request.Kind != BodyKind.Text)
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "send the /proc/vmstat text as text/plain");
        }
        return Answer(context, await runner.RunAsync(request, async (batch, _, body, ct) =>
        {
            var text = await MeminfoSamples.ReadSmallTextAsync(body, "a vmstat text", ct);
            if (VmstatCounter.TryParse(text, out var counter, out var parseError))
            {
                batch.VmstatCounters.Add((sampleTime, counter));
                batch.Accept();
                batch.NoteDataTime(sampleTime);
            }
            else
            {
                batch.Reject(1, parseError, SafeText.Clean(text));
            }
        }));
    }

    /// <summary>The native endpoints' answer: 200 with the counts, or the refusal (with Retry-After on a 503).</summary>
    private static Results<Ok<IngestResult>, ProblemHttpResult, EmptyHttpResult> Answer(HttpContext context, IngestOutcome outcome) => outcome switch
    {
        IngestOutcome.Stored stored => TypedResults.Ok(stored.Result),
        IngestOutcome.Refused refused => Problem(context, refused),
        _ => TypedResults.Empty,
    };

    internal static ProblemHttpResult Problem(HttpContext context, IngestOutcome.Refused refused)
    {
        if (refused.RetryAfter)
        {
            context.Response.Headers.RetryAfter = Data.DatabaseFailures.RetryAfterSeconds;
        }
        return Problem(refused.Status, refused.Detail);
    }

    internal static ProblemHttpResult BadRequest(string detail) => Problem(StatusCodes.Status400BadRequest, detail);

    internal static ProblemHttpResult Problem(int status, string detail) => TypedResults.Problem(detail: detail, statusCode: status);
}
