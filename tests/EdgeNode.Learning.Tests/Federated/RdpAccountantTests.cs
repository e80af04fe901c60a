using EdgeNode.Learning.Federated;

namespace EdgeNode.Learning.Tests.Federated;

public sealed class RdpAccountantTests
{
    [Fact]
    public void FullParticipation_MatchesTheGaussianClosedForm()
    {
        // q = 1: RDP(α) = T·α/(2σ²); the conversion then gives the same ε as computing it by hand.
        var accountant = new RdpAccountant();
        accountant.Compose(2.0, 1.0, 10);
        var expected = Enumerable.Range(2, 255).Min(a => Math.Max(0, (10.0 * a / 8.0) + Math.Log((a - 1.0) / a) - ((Math.Log(1e-5) + Math.Log(a)) / (a - 1))));
        Assert.Equal(expected, accountant.Epsilon(1e-5), 9);
        Assert.Equal(10, accountant.Rounds);
    }

    [Fact]
    public void Subsampling_SmallQ_ApproachesQSquaredBound()
    {
        // For small q and moderate α, RDP ≈ 2q²α/σ² (order of magnitude); it must be far below q = 1.
        var sampled = RdpAccountant.Rdp(8, 1.5, 0.01);
        var full = RdpAccountant.Rdp(8, 1.5, 1.0);
        Assert.True(sampled < full / 100, $"{sampled} vs {full}");
        Assert.True(sampled > 0);
    }

    [Fact]
    public void Epsilon_GrowsWithRoundsAndShrinksWithNoise()
    {
        var few = new RdpAccountant();
        few.Compose(1.0, 0.1, 10);
        var many = new RdpAccountant();
        many.Compose(1.0, 0.1, 100);
        var noisy = new RdpAccountant();
        noisy.Compose(4.0, 0.1, 100);
        Assert.True(few.Epsilon(1e-5) < many.Epsilon(1e-5));
        Assert.True(noisy.Epsilon(1e-5) < many.Epsilon(1e-5));
    }

    [Fact]
    public void Compose_BadArguments_Throw()
    {
        var accountant = new RdpAccountant();
        Assert.Throws<ArgumentOutOfRangeException>(() => accountant.Compose(0, 0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => accountant.Compose(1, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => accountant.Epsilon(0));
    }
}
