using System.Globalization;
using System.Text;
using EdgeNode.Common;
using EdgeNode.Core;
using Microsoft.Extensions.Logging;

namespace EdgeNode.Messaging.Sparkplug;

/// <summary>
/// The Sparkplug session numbers of one edge node: <c>bdSeq</c>, which goes up by one (0–255, then 0 again) with every
/// MQTT CONNECT and is kept in a file so it also goes up across restarts, and <c>seq</c>, 0 in each NBIRTH and one more
/// (255 wraps to 0) in each following message. <see cref="CreateWillAsync"/> is the bus's will provider: it starts a
/// new session and returns the NDEATH that the broker holds as the will.
/// </summary>
public sealed class SparkplugSession : IDisposable
{
    /// <summary>The NDEATH/NBIRTH metric that pairs a death with its birth.</summary>
    public const string BdSeqMetric = "bdSeq";

    private readonly SparkplugTopics _topics;
    private readonly string? _path;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long? _bdSeq;
    private bool _loaded;
    private ulong _seq;

    /// <summary>Creates the session state; <paramref name="bdSeqPath"/> null keeps <c>bdSeq</c> in memory only.</summary>
    public SparkplugSession(SparkplugTopics topics, string? bdSeqPath, TimeProvider time, ILogger<SparkplugSession> logger)
    {
        _topics = topics ?? throw new ArgumentNullException(nameof(topics));
        _path = bdSeqPath is null ? null : Path.GetFullPath(bdSeqPath);
        _time = time;
        _logger = logger;
    }

    /// <summary>The edge node's topics.</summary>
    public SparkplugTopics Topics => _topics;

    /// <summary>The <c>bdSeq</c> of the current MQTT connection; null before the first.</summary>
    public long? BdSeq => _bdSeq;

    /// <summary>Counts MQTT connections; a birth belongs to the connection it was published on.</summary>
    public long Connection { get; private set; }

    /// <summary>Serialises everything that takes a sequence number with the start of a new connection.</summary>
    internal SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>
    /// Starts a new MQTT session: the next <c>bdSeq</c> (persisted before the CONNECT), and its NDEATH (QoS 1, not
    /// retained, the single metric <c>bdSeq</c>, no <c>seq</c>). A file that cannot be written is logged, and the
    /// count goes on in memory: a read-only disk must not keep the node off the broker.
    /// </summary>
    public async Task<BusMessage> CreateWillAsync(CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            if (!_loaded)
            {
                _bdSeq = await LoadAsync(cancellationToken);
                _loaded = true;
            }

            var next = _bdSeq is { } last ? (last + 1) % 256 : 0;
            _bdSeq = next;
            Connection++;
            await SaveAsync(next, cancellationToken);
            return new BusMessage(_topics.NDeath, DeathPayload(next), 1, Retain: false);
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The NDEATH payload for <paramref name="bdSeq"/>.</summary>
    public byte[] DeathPayload(long bdSeq) => SparkplugCodec.Encode(new SparkplugPayload(
        _time.GetUtcNow(),
        null,
        [new SparkplugMetric(BdSeqMetric, null, SparkplugDataType.Int64, bdSeq)]));

    /// <summary>The <c>seq</c> of an NBIRTH: 0 (call under <see cref="Gate"/>).</summary>
    internal ulong BirthSeq() => _seq = 0;

    /// <summary>The next <c>seq</c> after a birth: one more, 255 wrapping to 0 (call under <see cref="Gate"/>).</summary>
    internal ulong NextSeq() => _seq = (_seq + 1) % 256;

    /// <inheritdoc />
    public void Dispose() => Gate.Dispose();

    private async Task<long?> LoadAsync(CancellationToken cancellationToken)
    {
        if (_path is null || !File.Exists(_path))
        {
            return null;
        }

        try
        {
            var text = (await File.ReadAllTextAsync(_path, cancellationToken)).Trim();
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= 255)
            {
                return value;
            }

            Log.SparkplugBdSeqDamaged(_logger, _path, text.Length > 40 ? text[..40] : text);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.SparkplugBdSeqDamaged(_logger, _path, ex.Message);
        }

        return null;
    }

    private async Task SaveAsync(long value, CancellationToken cancellationToken)
    {
        if (_path is null)
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            await AtomicFile.WriteAsync(_path, Encoding.UTF8.GetBytes(value.ToString(CultureInfo.InvariantCulture) + "\n"), cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.SparkplugBdSeqNotSaved(_logger, _path, ex.Message);
        }
    }
}
