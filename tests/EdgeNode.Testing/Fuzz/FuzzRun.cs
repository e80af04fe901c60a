using System.Text;

namespace EdgeNode.Testing.Fuzz;

/// <summary>
/// Runs a parser on <c>count</c> inputs mutated (seeded, so a failure replays) from valid seeds. The check refuses a
/// bad input only with the exceptions its contract names and asserts whatever must not have changed; anything else
/// that escapes (IndexOutOfRange, OverflowException, OutOfMemory, a wrong exception type) fails the test with the
/// input in base64.
/// </summary>
public static class FuzzRun
{
    /// <summary>Inputs per parser in CI (issue 20: at least 10,000 each).</summary>
    public const int Inputs = 10_000;

    /// <summary>Runs <paramref name="check"/> on every input; returns how many it refused (it returns false for those).</summary>
    /// <exception cref="Xunit.Sdk.XunitException">An input crashed the check.</exception>
    public static int Run(string target, IReadOnlyList<byte[]> seeds, Func<byte[], bool> check, int count = Inputs, int seed = 20)
    {
        ArgumentNullException.ThrowIfNull(check);
        return RunAsync(target, seeds, input => Task.FromResult(check(input)), count, seed).GetAwaiter().GetResult();
    }

    /// <summary>As <see cref="Run"/>, for a check that awaits (a command handler).</summary>
    /// <exception cref="Xunit.Sdk.XunitException">An input crashed the check.</exception>
    public static async Task<int> RunAsync(string target, IReadOnlyList<byte[]> seeds, Func<byte[], Task<bool>> check, int count = Inputs, int seed = 20)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(check);
        var mutator = new Mutator(seed);
        var failures = new StringBuilder();
        var failed = 0;
        var refused = 0;
        for (var i = 0; i < count; i++)
        {
            var input = mutator.Mutate(seeds[i % seeds.Count]);
            try
            {
                refused += await check(input) ? 0 : 1;
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                if (failed++ < 3)
                {
                    failures.AppendLine($"input {i}: {ex.GetType().Name}: {ex.Message}\n  {Convert.ToBase64String(input.AsSpan(0, Math.Min(input.Length, 512)))}");
                }
            }
        }

        return failed == 0
            ? refused
            : throw new Xunit.Sdk.XunitException($"{target}: {failed} of {count} inputs crashed the parser (seed {seed}):\n{failures}");
    }
}
