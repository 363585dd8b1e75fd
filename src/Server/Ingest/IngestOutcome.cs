namespace Dashboard.Server.Ingest;

/// <summary>How an ingest request ended, for its endpoint to answer in its own way (Loki's push answers 204).</summary>
internal abstract record IngestOutcome
{
    /// <summary>Stored and committed now, or earlier under the same Idempotency-Key with the same body.</summary>
    public sealed record Stored(IngestResult Result) : IngestOutcome;

    /// <summary>
    /// Not stored: a 4xx the client must not retry, or a 503 it should (<see cref="RetryAfter"/>). The
    /// detail never quotes the body.
    /// </summary>
    public sealed record Refused(int Status, string Detail) : IngestOutcome
    {
        public bool RetryAfter => Status == StatusCodes.Status503ServiceUnavailable;
    }

    /// <summary>The client went away before an answer: none is sent.</summary>
    public sealed record Abandoned : IngestOutcome;

    /// <summary>The answer to a request whose Idempotency-Key a committed request holds: its answer for the same body, else 422.</summary>
    public static IngestOutcome ForTakenKey(KeyClaim claim, byte[]? bodyHash) =>
        claim.StoredBodyHash is null || bodyHash is null || claim.StoredBodyHash.AsSpan().SequenceEqual(bodyHash)
            ? new Stored(claim.StoredAnswer!)
            : new Refused(StatusCodes.Status422UnprocessableEntity,
                "this Idempotency-Key was used for a different body at this endpoint; a retry must resend the same body, and a new body needs a new key");
}
