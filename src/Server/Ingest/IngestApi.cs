using System.Text.Json;
using Dashboard.Server.Hosts;
using Dashboard.Server.Ingest.Apache;
using Dashboard.Server.Ingest.Memory;
using Dashboard.Server.Ingest.Syslog;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dashboard.Server.Ingest;

/// <summary>
/// POST /api/v1/ingest/{access|syslog|meminfo}. A 4xx means the body can never succeed (shippers drop
/// it); anything worth retrying is a 503 with Retry-After; 200 is sent only once the batch is committed.
/// </summary>
public static class IngestApi
{
    public static void AddIngest(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestOptions>().BindConfiguration("Dashboard:Ingest").ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<IngestOptions>, ValidateIngestOptions>();
        builder.Services.AddSingleton<IngestGate>();
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

    private static Task<IResult> IngestAccessAsync(HttpContext context, IngestRunner runner)
    {
        var host = IngestRequest.Host(context.User);
        if (!IngestRequest.TryGetLogFormat(context.Request, host, out var format, out var error))
        {
            return Task.FromResult<IResult>(Problem(StatusCodes.Status400BadRequest, error));
        }
        if (!IngestRequest.TryGetTimeZone(context.Request, host, out var zone, out error))
        {
            return Task.FromResult<IResult>(Problem(StatusCodes.Status400BadRequest, error!));
        }
        return runner.RunAsync(context, host, "access", async (session, body, kind, ct) =>
        {
            using var batch = await AccessBatch.StartAsync(session, format, zone, ct);
            await ReadLinesOrRecordsAsync(body, kind, batch, batch, batch, ct);
            await batch.FinishAsync(ct);
        });
    }

    private static Task<IResult> IngestSyslogAsync(HttpContext context, IngestRunner runner, TimeProvider clock)
    {
        var host = IngestRequest.Host(context.User);
        if (!IngestRequest.TryGetTimeZone(context.Request, host, out var zone, out var error)
            || !IngestRequest.TryGetYear(context.Request, new AcceptedTimes(clock.GetUtcNow().UtcDateTime), out var year, out error))
        {
            return Task.FromResult<IResult>(Problem(StatusCodes.Status400BadRequest, error!));
        }
        var defaults = new SyslogDefaults(zone, year, clock.GetUtcNow());
        return runner.RunAsync(context, host, "syslog", async (session, body, kind, ct) =>
        {
            using var batch = await SyslogBatch.StartAsync(session, defaults, ct);
            await ReadLinesOrRecordsAsync(body, kind, batch, batch, batch, ct);
            await batch.FinishAsync(ct);
        });
    }

    private static Task<IResult> IngestMeminfoAsync(HttpContext context, IngestRunner runner, TimeProvider clock)
    {
        var host = IngestRequest.Host(context.User);
        var receivedAt = clock.GetUtcNow().UtcDateTime;
        if (!IngestRequest.TryGetSampleTime(context.Request, new AcceptedTimes(receivedAt), out var sampleTime, out var error))
        {
            return Task.FromResult<IResult>(Problem(StatusCodes.Status400BadRequest, error!));
        }
        return runner.RunAsync(context, host, "meminfo", async (session, body, kind, ct) =>
        {
            var batch = new MeminfoBatch(session, receivedAt);
            switch (kind)
            {
                case BodyKind.Text:
                    await batch.ReadTextAsync(body, sampleTime, ct);
                    break;
                case BodyKind.Json:
                    await JsonBodyReader.ReadJsonAsync(body, batch, batch, ct);
                    break;
                case BodyKind.Ndjson:
                    await JsonBodyReader.ReadNdjsonAsync(body, batch, batch, ct);
                    break;
            }
            await batch.FinishAsync(ct);
        });
    }

    /// <summary>collectd's write_http with Format "JSON": the memory and swap plugins' values (see <see cref="CollectdBatch"/>).</summary>
    private static Task<IResult> IngestCollectdAsync(HttpContext context, IngestRunner runner, TimeProvider clock)
    {
        var host = IngestRequest.Host(context.User);
        if (BodyDecoding.TryGetKind(context.Request.ContentType, out var sent) && sent == BodyKind.Text)
        {
            // write_http's default Format "Command" sends PUTVAL lines as text/plain.
            return Task.FromResult<IResult>(Problem(StatusCodes.Status415UnsupportedMediaType, "send collectd's JSON: Format \"JSON\" in write_http's Node block"));
        }
        var receivedAt = clock.GetUtcNow().UtcDateTime;
        return runner.RunAsync(context, host, "collectd", async (session, body, kind, ct) =>
        {
            var collectd = new CollectdBatch(session, new MeminfoBatch(session, receivedAt));
            if (kind == BodyKind.Ndjson)
            {
                await JsonBodyReader.ReadNdjsonAsync(body, collectd, null, ct);
            }
            else
            {
                await JsonBodyReader.ReadJsonAsync(body, collectd, null, ct);
            }
            await collectd.FinishAsync(ct);
        });
    }

    /// <summary>A /proc/vmstat text: its oom_kill counter's increase becomes kills (see <see cref="VmstatCounter"/>).</summary>
    private static Task<IResult> IngestVmstatAsync(HttpContext context, IngestRunner runner, TimeProvider clock)
    {
        var host = IngestRequest.Host(context.User);
        if (!IngestRequest.TryGetSampleTime(context.Request, new AcceptedTimes(clock.GetUtcNow().UtcDateTime), out var sampleTime, out var error))
        {
            return Task.FromResult<IResult>(Problem(StatusCodes.Status400BadRequest, error!));
        }
        if (BodyDecoding.TryGetKind(context.Request.ContentType, out var sent) && sent != BodyKind.Text)
        {
            return Task.FromResult<IResult>(Problem(StatusCodes.Status415UnsupportedMediaType, "send the /proc/vmstat text as text/plain"));
        }
        return runner.RunAsync(context, host, "vmstat", async (session, body, _, ct) =>
        {
            var text = await MeminfoBatch.ReadSmallTextAsync(body, "a vmstat text", ct);
            if (VmstatCounter.TryParse(text, out var counter, out var parseError))
            {
                await VmstatCounter.RecordAsync(session, sampleTime, counter, ct);
                session.Accept();
            }
            else
            {
                session.Reject(1, parseError, SafeText.Clean(text));
            }
        });
    }

    private static Task ReadLinesOrRecordsAsync(
        Stream body, BodyKind kind, IByteLineSink lines, IRecordSink records, IBatchCheckpoint checkpoint, CancellationToken ct) => kind switch
    {
        BodyKind.Json => JsonBodyReader.ReadJsonAsync(body, records, checkpoint, ct),
        BodyKind.Ndjson => JsonBodyReader.ReadNdjsonAsync(body, records, checkpoint, ct),
        _ => LineReader.ReadAsync(body, lines, checkpoint, ct),
    };

    internal static ProblemHttpResult Problem(int status, string detail) => TypedResults.Problem(detail: detail, statusCode: status);
}

/// <summary>The part every ingest endpoint shares: limits, the idempotent transaction, and the mapping of failures to status codes.</summary>
internal sealed class IngestRunner(
    NpgsqlDataSource dataSource, IngestGate gate, Data.DatabaseMaintenance maintenance, IOptions<IngestOptions> options, TimeProvider clock, ILogger<IngestRunner> logger)
{
    public delegate Task BatchWork(IngestSession session, Stream body, BodyKind kind, CancellationToken ct);

    /// <param name="answer">The success answer (default 200 with the result; Loki's push answers 204).</param>
    public async Task<IResult> RunAsync(HttpContext context, IngestHost host, string stream, BatchWork work, Func<IngestResult, IResult>? answer = null)
    {
        answer ??= result => TypedResults.Ok(result);
        var request = context.Request;
        var limits = options.Value;
        if (!BodyDecoding.TryGetKind(request.ContentType, out var kind))
        {
            return IngestApi.Problem(StatusCodes.Status415UnsupportedMediaType,
                "unsupported Content-Type; send text/plain lines, application/json or application/x-ndjson");
        }
        if (request.ContentLength > limits.MaxBodyBytes)
        {
            return IngestApi.Problem(StatusCodes.Status413PayloadTooLarge, $"body is larger than {limits.MaxBodyBytes} bytes");
        }
        if (!IngestRequest.TryGetIdempotencyKey(request, out var key, out var keyError))
        {
            return IngestApi.Problem(StatusCodes.Status400BadRequest, keyError!);
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limits.MaxBodyBytes;
        }

        var ct = context.RequestAborted;
        using var slot = await gate.EnterAsync(ct);
        if (slot is null)
        {
            return Unavailable(context, "the server is busy writing other batches");
        }
        try
        {
            await using var body = BodyDecoding.Open(request, limits.MaxDecodedBytes);
            var (session, replay) = await IngestSession.BeginAsync(dataSource, host, stream, key, new AcceptedTimes(clock.GetUtcNow().UtcDateTime), ct);
            if (replay is not null)
            {
                return answer(replay);
            }
            await using (session)
            {
                await work(session!, body, kind, ct);
                var result = await session!.CommitAsync(ct);
                if (session.RowTimes is { } rowTimes)
                {
                    maintenance.NoteRowsWritten(rowTimes.Oldest, rowTimes.Newest);
                }
                return answer(result);
            }
        }
        catch (UnacceptableBodyException e)
        {
            return IngestApi.Problem(e.StatusCode, e.Message);
        }
        catch (BadHttpRequestException e)
        {
            return IngestApi.Problem(e.StatusCode, e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? $"body is larger than {limits.MaxBodyBytes} bytes" : "the request body could not be read");
        }
        catch (InvalidDataException)
        {
            return IngestApi.Problem(StatusCodes.Status400BadRequest, "the body does not decode with its Content-Encoding");
        }
        catch (JsonException)
        {
            return IngestApi.Problem(StatusCodes.Status400BadRequest, "the body is not valid JSON");
        }
        catch (Exception e) when (Data.DatabaseFailures.IsClientData(e))
        {
            logger.LogWarning("Ingest batch for host {Host} held a value PostgreSQL refused ({Error})", host.Name, ((PostgresException)e).SqlState);
            return IngestApi.Problem(StatusCodes.Status400BadRequest, "the body holds a value that cannot be stored");
        }
        catch (Exception e) when (Data.DatabaseFailures.IsDatabaseFailure(e) && !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Ingest batch for host {Host} failed on the database; answering 503", host.Name);
            return Unavailable(context, "the database is unavailable; retry later");
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && ct.IsCancellationRequested)
        {
            return Results.Empty;
        }
    }

    private static ProblemHttpResult Unavailable(HttpContext context, string detail)
    {
        context.Response.Headers.RetryAfter = Data.DatabaseFailures.RetryAfterSeconds;
        return IngestApi.Problem(StatusCodes.Status503ServiceUnavailable, detail);
    }
}
