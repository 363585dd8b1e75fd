using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Ingest;

/// <summary>
/// A compressed body that does not end as its encoding says it must (a cut connection, a shipper killed
/// mid-write) is refused whole with 400: nothing of it is stored, and its Idempotency-Key stays free for
/// the complete body.
/// </summary>
public sealed class CompressedBodyTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private static readonly Uri AccessUri = new("/api/v1/ingest/access", UriKind.Relative);
    private static readonly DateTimeOffset Noon = new(2015, 8, 17, 12, 0, 0, TimeSpan.FromHours(9));

    private static readonly byte[] TwentyThousandLines = Encoding.UTF8.GetBytes(string.Join('\n',
        Enumerable.Range(0, 20_000).Select(i => ApacheLines.Combined($"10.0.{i / 256 % 256}.{i % 256}", Noon.AddSeconds(i % 3600), path: $"/page/{i}"))) + "\n");

    private static byte[] Compress(string encoding, byte[] body, bool flushHalfway = false)
    {
        using var buffer = new MemoryStream();
        using (Stream compressor = encoding switch
        {
            "gzip" => new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true),
            "deflate" => new ZLibStream(buffer, CompressionLevel.Fastest, leaveOpen: true),
            _ => new BrotliStream(buffer, CompressionLevel.Fastest, leaveOpen: true),
        })
        {
            compressor.Write(body, 0, body.Length / 2);
            if (flushHalfway)
            {
                compressor.Flush();
            }
            compressor.Write(body, body.Length / 2, body.Length - body.Length / 2);
        }
        return buffer.ToArray();
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, byte[] body, string encoding, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, AccessUri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        request.Content.Headers.ContentEncoding.Add(encoding);
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }
        return await client.SendAsync(request);
    }

    private Task<long> StoredAsync(string host) =>
        Sql.CountAsync(app.ConnectionString, "SELECT count(*) FROM access_log a JOIN hosts h ON h.id = a.host_id WHERE h.name = $1", host);

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public async Task The_first_half_of_a_compressed_body_is_400_stores_nothing_and_leaves_its_key_to_the_whole_body(string encoding)
    {
        var host = $"cut-{encoding}";
        using var client = app.ClientWithToken(await app.AddHostAsync(host));
        var whole = Compress(encoding, TwentyThousandLines);

        var cut = await PostAsync(client, whole[..(whole.Length / 2)], encoding, "batch-1");

        Assert.Equal(HttpStatusCode.BadRequest, cut.StatusCode);
        Assert.Equal(0, await StoredAsync(host));
        var retry = await IngestAnswer.ReadAsync(await PostAsync(client, whole, encoding, "batch-1"));
        Assert.Equal(20_000, retry.Accepted);
        Assert.Equal(20_000, await StoredAsync(host));
    }

    [Fact]
    public async Task A_gzip_body_without_its_crc_and_length_trailer_is_400()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("cut-trailer"));
        var whole = Compress("gzip", TwentyThousandLines);

        var response = await PostAsync(client, whole[..^8], "gzip", key: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await StoredAsync("cut-trailer"));
    }

    [Fact]
    public async Task A_gzip_body_cut_at_a_flush_point_is_400()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("cut-flush"));
        var flushed = Compress("gzip", TwentyThousandLines, flushHalfway: true);
        // The stream as it stood right after the flush: every byte up to there decodes cleanly.
        var response = await PostAsync(client, flushed[..FlushPoint(flushed)], "gzip", key: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await StoredAsync("cut-flush"));
    }

    [Fact]
    public async Task A_gzip_body_whose_crc_is_wrong_is_400()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("bad-crc"));
        var body = Compress("gzip", TwentyThousandLines);
        body[^6] ^= 0x01;

        var response = await PostAsync(client, body, "gzip", key: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await StoredAsync("bad-crc"));
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    [InlineData("deflate")]
    public async Task A_body_that_is_not_what_its_encoding_says_is_400(string encoding)
    {
        using var client = app.ClientWithToken(await app.AddHostAsync($"not-{encoding}"));

        var response = await PostAsync(client, TwentyThousandLines[..5000], encoding, key: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Two_gzip_members_one_after_the_other_are_one_body()
    {
        using var client = app.ClientWithToken(await app.AddHostAsync("two-members"));
        var half = TwentyThousandLines.Length / 2;
        var cutAt = Array.LastIndexOf(TwentyThousandLines, (byte)'\n', half) + 1;
        byte[] body = [.. Compress("gzip", TwentyThousandLines[..cutAt]), .. Compress("gzip", TwentyThousandLines[cutAt..])];

        var answer = await IngestAnswer.ReadAsync(await PostAsync(client, body, "gzip", key: null));

        Assert.Equal(20_000, answer.Accepted);
    }

    /// <summary>Where a sync flush ends: its empty stored block, 00 00 FF FF.</summary>
    private static int FlushPoint(byte[] compressed)
    {
        ReadOnlySpan<byte> marker = [0x00, 0x00, 0xFF, 0xFF];
        var at = compressed.AsSpan().IndexOf(marker);
        Assert.True(at > 0, "the stream has a sync flush");
        return at + marker.Length;
    }
}
