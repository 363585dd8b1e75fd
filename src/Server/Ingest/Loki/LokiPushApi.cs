using Dashboard.Server.Hosts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Server.Ingest.Loki;

/// <summary>
/// POST /loki/api/v1/push: Loki's push API in its JSON form, so that Vector's loki sink and Fluent Bit's
/// loki output ship here unchanged. Success is Loki's 204 with no body, also when some entries were
/// rejected (they are stored in rejected_lines with the reason). A stream that can never be stored (its
/// labels name another host, no kind, an unknown zone) makes the push a 400 with the reason, as Loki
/// answers a push that fails validation, once the other streams are stored; other failures are the native
/// endpoints' 4xx/503.
/// </summary>
public static class LokiPushApi
{
    public const string Path = "/loki/api/v1/push";

    public static RouteHandlerBuilder MapLokiPushApi(this IEndpointRouteBuilder routes) =>
        routes.MapPost(Path, PushAsync).RequireAuthorization(Policies.Ingest).DisableAntiforgery();

    private static async Task<Results<NoContent, ProblemHttpResult, EmptyHttpResult>> PushAsync(HttpContext context, IngestRunner runner)
    {
        if (!runner.TryRead(context, "loki", out var request, out var refusal))
        {
            return IngestApi.Problem(context, refusal);
        }
        if (request.Kind != BodyKind.Json)
        {
            // Loki's default body is snappy-compressed protobuf (and no Content-Type means that too).
            return IngestApi.Problem(StatusCodes.Status415UnsupportedMediaType,
                "only Loki's JSON push body is read here: configure the client to send Content-Type application/json "
                + "(Vector's loki sink: compression = \"gzip\" or \"none\"; Fluent Bit's loki output always does)");
        }
        if (!request.TryGetLogFormat(out var format, out var error) || !request.TryGetTimeZone(out var zone, out error))
        {
            return IngestApi.BadRequest(error);
        }
        return await runner.RunAsync(request, (batch, checkpoint, body, ct) => LokiPush.IngestAsync(batch, checkpoint, body, format, zone, ct)) switch
        {
            IngestOutcome.Stored { Result.Refused: { } reason } => IngestApi.BadRequest(reason),
            IngestOutcome.Stored => TypedResults.NoContent(),
            IngestOutcome.Refused refused => IngestApi.Problem(context, refused),
            _ => TypedResults.Empty,
        };
    }
}
