using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Dashboard.Server.Hosts;

/// <summary>
/// Tokens are 256 random bits; only their SHA-256 is stored. A slow password hash would add nothing:
/// a token with that much entropy cannot be guessed from its hash.
/// </summary>
internal static class ApiTokens
{
    private const string IngestPrefix = "aid_ingest_";
    private const string ReadPrefix = "aid_read_";

    public static string Create(string kind) =>
        (kind == Data.TokenKinds.Ingest ? IngestPrefix : ReadPrefix) + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
