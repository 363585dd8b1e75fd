using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dashboard.Server.Ingest;

/// <summary>
/// What every ingest endpoint shares: the body decoded and read into a batch by the endpoint's parser, the
/// batch stored (<see cref="BatchStore"/>), and every failure mapped to the status a shipper acts on.
/// </summary>
internal sealed class IngestRunner(
    NpgsqlDataSource dataSource, RowIdBlocks rowIdBlocks, IngestGate gate, IngestMemory memory, Data.DatabaseMaintenance maintenance,
    Detection.DetectionSignal detection, IOptions<Detection.DetectionOptions> detectionOptions,
    IOptions<IngestOptions> options, TimeProvider clock, ILogger<IngestRunner> logger)
{
    /// <summary>Reads the decoded body into the batch, checkpointing through <c>checkpoint</c> between reads.</summary>
    public delegate Task ReadBody(IngestBatch batch, IBatchCheckpoint checkpoint, Stream body, CancellationToken ct);

    public IngestOptions Limits => options.Value;

    /// <summary>The request, or the 4xx that refuses it before its body is read.</summary>
    public bool TryRead(HttpContext context, string endpoint,
        [NotNullWhen(true)] out IngestRequest? request, [NotNullWhen(false)] out IngestOutcome.Refused? refusal) =>
        IngestRequest.TryRead(context, endpoint, options.Value, clock, out request, out refusal);

    /// <summary>A <see cref="ReadBody"/> that reads lines or records into the parser <paramref name="create"/> makes.</summary>
    public static ReadBody Parse(BodyKind kind, Func<IngestBatch, IBatchCheckpoint, BodyParser> create) => async (batch, checkpoint, body, ct) =>
    {
        using var parser = create(batch, checkpoint);
        await parser.ReadAsync(body, kind, ct);
        parser.Finish();
    };

    public async Task<IngestOutcome> RunAsync(IngestRequest request, ReadBody read)
    {
        var context = request.Context;
        var limits = options.Value;
        var ct = context.RequestAborted;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limits.MaxBodyBytes;
        }
        HashingStream? body = null;
        try
        {
            using var batch = new IngestBatch(request.Host, request.Endpoint, request.Times, new RowIds(rowIdBlocks));
            await using var store = new BatchStore(batch, request, dataSource, gate, memory, limits, detectionOptions.Value.Enabled);
            body = new HashingStream(BodyDecoding.Open(context.Request, limits.MaxDecodedBytes));
            await batch.RowIds.TopUpAsync(ct);
            await read(batch, store, body, ct);
            // The rest of the body, if its parser stopped short: a truncated compressed body fails only at its end.
            await body.DrainAsync(ct);
            var outcome = await store.CommitAsync(body.Hash, ct);
            if (outcome is IngestOutcome.Stored && batch.RowTimes is { } rowTimes)
            {
                maintenance.NoteRowsWritten(rowTimes.Oldest, rowTimes.Newest);
            }
            if (outcome is IngestOutcome.Stored && batch.DataTimes is not null)
            {
                detection.BatchCommitted();
            }
            return outcome;
        }
        catch (KeyTakenException e)
        {
            await body!.DrainAsync(ct);
            return IngestOutcome.ForTakenKey(e.Claim, body.Hash);
        }
        catch (UnacceptableBodyException e)
        {
            return new IngestOutcome.Refused(e.StatusCode, e.Message);
        }
        catch (BadHttpRequestException e) when (!ct.IsCancellationRequested)
        {
            return new IngestOutcome.Refused(e.StatusCode, e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? $"body is larger than {limits.MaxBodyBytes} bytes" : "the request body could not be read");
        }
        catch (InvalidDataException)
        {
            return new IngestOutcome.Refused(StatusCodes.Status400BadRequest,
                "the body does not decode with its Content-Encoding (cut short, or not what it says it is)");
        }
        catch (JsonException)
        {
            return new IngestOutcome.Refused(StatusCodes.Status400BadRequest, "the body is not valid JSON");
        }
        catch (ServerBusyException e)
        {
            return new IngestOutcome.Refused(StatusCodes.Status503ServiceUnavailable, e.Message);
        }
        catch (Exception e) when (Data.DatabaseFailures.IsClientData(e))
        {
            logger.LogWarning("Ingest batch for host {Host} held a value PostgreSQL refused ({Error})", request.Host.Name, ((PostgresException)e).SqlState);
            return new IngestOutcome.Refused(StatusCodes.Status400BadRequest, "the body holds a value that cannot be stored");
        }
        catch (Exception e) when (Data.DatabaseFailures.IsDatabaseFailure(e) && !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Ingest batch for host {Host} failed on the database; answering 503", request.Host.Name);
            return new IngestOutcome.Refused(StatusCodes.Status503ServiceUnavailable, "the database is unavailable; retry later");
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or BadHttpRequestException && ct.IsCancellationRequested)
        {
            return new IngestOutcome.Abandoned();
        }
        finally
        {
            if (body is not null)
            {
                await body.DisposeAsync();
            }
        }
    }
}
