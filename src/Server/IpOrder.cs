using System.Net;

namespace Dashboard.Server;

/// <summary>Addresses in PostgreSQL's inet order: IPv4 before IPv6, then byte by byte.</summary>
internal sealed class IpOrder : IComparer<IPAddress>
{
    public static readonly IpOrder Instance = new();

    public int Compare(IPAddress? x, IPAddress? y)
    {
        Span<byte> a = stackalloc byte[16];
        Span<byte> b = stackalloc byte[16];
        x!.TryWriteBytes(a, out var aLength);
        y!.TryWriteBytes(b, out var bLength);
        var byLength = aLength.CompareTo(bLength);
        return byLength != 0 ? byLength : a[..aLength].SequenceCompareTo(b[..bLength]);
    }
}
