using Dashboard.Server.Hosts;

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

    private static Task<IResult> PushAsync(HttpContext context, IngestRunner runner, TimeProvider clock)
    {
        var host = IngestRequest.Host(context.User);
        if (!BodyDecoding.TryGetKind(context.Request.ContentType, out var kind) || kind != BodyKind.Json)
        {
            // Loki's default body is snappy-compressed protobuf (and no Content-Type means that too).
            return Task.FromResult<IResult>(IngestApi.Problem(StatusCodes.Status415UnsupportedMediaType,
                "only Loki's JSON push body is read here: configure the client to send Content-Type application/json "
                + "(Vector's loki sink: compression = \"gzip\" or \"none\"; Fluent Bit's loki output always does)"));
        }
        if (!IngestRequest.TryGetLogFormat(context.Request, host, out var format, out var error))
        {
            return Task.FromResult<IResult>(IngestApi.Problem(StatusCodes.Status400BadRequest, error));
        }
        if (!IngestRequest.TryGetTimeZone(context.Request, host, out var zone, out error))
        {
            return Task.FromResult<IResult>(IngestApi.Problem(StatusCodes.Status400BadRequest, error!));
        }
        var receivedAt = clock.GetUtcNow();
        return runner.RunAsync(context, host, "loki",
            (session, body, _, ct) => LokiPush.IngestAsync(session, body, format, zone, receivedAt, ct),
            result => result.Refused is { } reason ? IngestApi.Problem(StatusCodes.Status400BadRequest, reason) : TypedResults.NoContent());
    }
}
