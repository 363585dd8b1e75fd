using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Dashboard.Server.Ingest.Syslog;

/// <summary>One object of <c>journalctl -o json</c> (journald's JSON export format).</summary>
public static class JournalEntryParser
{
    public static bool IsJournalEntry(JsonElement entry) => throw new NotImplementedException();

    public static bool TryParse(JsonElement entry, out SyslogMessage message, [NotNullWhen(false)] out string? error)
        => throw new NotImplementedException();
}
