using System.Runtime.CompilerServices;
using System.Threading.Channels;
using EdgeNode.Core;

namespace EdgeNode.Tests.Pipeline;

/// <summary>The camera faked at its port: yields the frames the test pushes, in order, until cancelled.</summary>
internal sealed class FakeCamera(string name) : IFrameSource
{
    private readonly Channel<Frame> _frames = Channel.CreateUnbounded<Frame>();
    private long _sequence;

    public string Name => name;

    /// <summary>Queues a small grey RGB frame whose first byte is <paramref name="level"/>.</summary>
    public void Push(byte level)
    {
        var pixels = new byte[32 * 24 * 3];
        Array.Fill(pixels, level);
        var sequence = Interlocked.Increment(ref _sequence);
        _frames.Writer.TryWrite(Frame.Copy(sequence, DateTimeOffset.UnixEpoch.AddSeconds(sequence), 32, 24, FrameFormat.Rgb24, pixels));
    }

    /// <summary>Ends the camera as a source that gives up would.</summary>
    public void Fail() => _frames.Writer.TryComplete(new IOException(name + " unplugged"));

    public async IAsyncEnumerable<Frame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var frame in _frames.Reader.ReadAllAsync(cancellationToken))
        {
            yield return frame;
        }
    }
}
