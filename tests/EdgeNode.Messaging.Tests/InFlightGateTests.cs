namespace EdgeNode.Messaging.Tests;

/// <summary>The connection-wide window of unacknowledged publishes (the broker's Receive Maximum).</summary>
public sealed class InFlightGateTests
{
    [Fact]
    public async Task EnterAsync_AtTheLimit_WaitsInArrivalOrderUntilAPlaceIsFree()
    {
        var gate = new InFlightGate();
        gate.SetLimit(2);
        await gate.EnterAsync(acknowledged: true, CancellationToken.None);
        await gate.EnterAsync(acknowledged: true, CancellationToken.None);
        var third = gate.EnterAsync(acknowledged: true, CancellationToken.None);
        var fourth = gate.EnterAsync(acknowledged: true, CancellationToken.None);
        Assert.False(third.IsCompleted);

        gate.Exit(acknowledged: true);
        await third.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(fourth.IsCompleted);
        gate.Exit(acknowledged: true);
        await fourth.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(2, gate.InFlight);
        Assert.Equal(2, gate.Peak);
    }

    [Fact]
    public async Task EnterAsync_QoS0_PassesAtOnceAndHoldsNoPlace()
    {
        var gate = new InFlightGate();
        gate.SetLimit(1);
        await gate.EnterAsync(acknowledged: true, CancellationToken.None);

        var qos0 = gate.EnterAsync(acknowledged: false, CancellationToken.None);
        gate.Exit(acknowledged: false);

        Assert.True(qos0.IsCompletedSuccessfully);
        Assert.Equal(1, gate.InFlight);
    }

    [Fact]
    public async Task EnterAsync_CancelledWhileWaiting_TakesNoPlace()
    {
        var gate = new InFlightGate();
        gate.SetLimit(1);
        await gate.EnterAsync(acknowledged: true, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var cancelled = gate.EnterAsync(acknowledged: true, cts.Token);
        var next = gate.EnterAsync(acknowledged: true, CancellationToken.None);

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        gate.Exit(acknowledged: true);

        await next.WaitAsync(TimeSpan.FromSeconds(5)); // the place went past the cancelled waiter
        Assert.Equal(1, gate.InFlight);
    }

    [Fact]
    public async Task SetLimit_Raised_LetsWaitersIn()
    {
        var gate = new InFlightGate();
        gate.SetLimit(1);
        await gate.EnterAsync(acknowledged: true, CancellationToken.None);
        var waiting = gate.EnterAsync(acknowledged: true, CancellationToken.None);

        gate.SetLimit(2); // a reconnect to a broker with a larger window

        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(2, gate.InFlight);
    }
}
