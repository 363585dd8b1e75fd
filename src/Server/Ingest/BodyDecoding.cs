using System.IO.Compression;
using System.Net.Http.Headers;

namespace Dashboard.Server.Ingest;

internal enum BodyKind
{
    Text,
    Json,
    Ndjson,
}

/// <summary>The request body can never be accepted as sent (the client should not retry it).</summary>
internal sealed class UnacceptableBodyException(int statusCode, string reason) : Exception(reason)
{
    public int StatusCode { get; } = statusCode;
}

/// <summary>Content types and encodings of ingest bodies, and the cap on their decoded size.</summary>
internal static class BodyDecoding
{
    public static bool TryGetKind(string? contentType, out BodyKind kind)
    {
        kind = BodyKind.Text;
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return true;
        }
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType is null)
        {
            return false;
        }
        switch (media.MediaType.ToLowerInvariant())
        {
            // syslog-ng's http() sends raw lines labelled as a form; curl --data-binary does too.
            case "text/plain" or "application/x-www-form-urlencoded" or "application/octet-stream":
                kind = BodyKind.Text;
                return true;
            case "application/json":
                kind = BodyKind.Json;
                return true;
            case "application/x-ndjson" or "application/ndjson" or "application/jsonl" or "application/x-jsonlines" or "application/json-lines":
                kind = BodyKind.Ndjson;
                return true;
            default:
                return false;
        }
    }

    /// <summary>The decoded body, which throws <see cref="UnacceptableBodyException"/> (413) past <paramref name="maxDecodedBytes"/>.</summary>
    public static Stream Open(HttpRequest request, long maxDecodedBytes)
    {
        var encoding = request.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant();
        Stream decoded = encoding switch
        {
            "" or "identity" => request.Body,
            "gzip" or "x-gzip" => new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true),
            "deflate" => new ZLibStream(request.Body, CompressionMode.Decompress, leaveOpen: true),
            "br" => new BrotliBody(request.Body),
            _ => throw new UnacceptableBodyException(StatusCodes.Status415UnsupportedMediaType, "unsupported Content-Encoding; use gzip, deflate, br or none"),
        };
        return new CappedReadStream(decoded, maxDecodedBytes);
    }
}
