namespace Dashboard.Tests.Infrastructure;

/// <summary>Waits for what a shipper running in the background does: polls a condition until a deadline, then fails saying what was awaited.</summary>
public static class Wait
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, Func<string>? diagnostics = null)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting until {what}\n{diagnostics?.Invoke()}");
            }
            await Task.Delay(100);
        }
    }

    public static Task UntilAsync(Func<bool> condition, string what, Func<string>? diagnostics = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, diagnostics);
}
