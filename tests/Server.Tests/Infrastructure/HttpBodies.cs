using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;

namespace Dashboard.Server.Tests.Infrastructure;

public static class HttpBodies
{
    public static ByteArrayContent Text(string body, string? contentType = "text/plain")
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        return content;
    }

    public static ByteArrayContent Lines(IEnumerable<string> lines) => Text(string.Join('\n', lines) + "\n");

    public static ByteArrayContent Gzip(byte[] body, string contentType = "text/plain")
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(body);
        }
        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        content.Headers.ContentEncoding.Add("gzip");
        return content;
    }
}
