using EdgeNode.Testing;
using EdgeNode.Learning;
using Microsoft.Extensions.Logging;

namespace EdgeNode.Learning.Tests;

public sealed class HeadRepositoryTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "edgenode-heads-" + Guid.NewGuid().ToString("N"));
    private readonly ListLogger _logger = new();

    [Fact]
    public void Serializer_RoundTrip_KeepsPredictionsAndInfo()
    {
        var (head, test) = TrainedHead(hidden: 4);
        var info = new HeadInfo(3, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), "resnet18", 0.9, 40);

        var (copy, copyInfo) = HeadSerializer.Deserialize(HeadSerializer.Serialize(head, info));

        Assert.Equal(info, copyInfo);
        Assert.Equal(head.Classes, copy.Classes);
        Assert.Equal(HeadTrainerTests.Probabilities(head, test), HeadTrainerTests.Probabilities(copy, test));
    }

    [Fact]
    public void Serializer_FlippedByte_IsRejected()
    {
        var (head, _) = TrainedHead();
        var bytes = HeadSerializer.Serialize(head, Info(1));
        bytes[bytes.Length / 2] ^= 0x40;

        var ex = Assert.Throws<InvalidDataException>(() => HeadSerializer.Deserialize(bytes));
        Assert.Contains("checksum", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => HeadSerializer.Deserialize(bytes.AsSpan(0, 10)));
    }

    [Fact]
    public async Task LoadActive_CorruptActiveHead_FallsBackToPreviousAndLogs()
    {
        var repository = new HeadRepository(_directory, _logger);
        var (head, test) = TrainedHead();
        await repository.SaveAsync(head, Info(1), CancellationToken.None);
        await repository.SaveAsync(head.Clone(), Info(2), CancellationToken.None);
        var path = Path.Combine(_directory, "head-000002.bin");
        var bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes.AsSpan(0, bytes.Length - 7).ToArray());

        var loaded = await new HeadRepository(_directory, _logger).LoadActiveAsync(CancellationToken.None);

        Assert.NotNull(loaded);
        Assert.Equal(1, loaded.Value.Info.Version);
        Assert.Equal(HeadTrainerTests.Probabilities(head, test), HeadTrainerTests.Probabilities(loaded.Value.Head, test));
        Assert.Contains(_logger.Lines, l => l.Contains("Head version 2 cannot be loaded", StringComparison.Ordinal));
        Assert.Equal("1", (await File.ReadAllTextAsync(Path.Combine(_directory, "active"))).Trim());
    }

    [Fact]
    public async Task Rollback_ReturnsToPreviousVersion_AndNoneLeftChangesNothing()
    {
        var repository = new HeadRepository(_directory, _logger);
        var (head, _) = TrainedHead();
        await repository.SaveAsync(head, Info(1), CancellationToken.None);
        await repository.SaveAsync(head, Info(2), CancellationToken.None);

        var first = await repository.RollbackAsync(CancellationToken.None);
        var second = await repository.RollbackAsync(CancellationToken.None);

        Assert.Equal(1, first?.Info.Version);
        Assert.Null(second);
        Assert.Equal(1, (await repository.LoadActiveAsync(CancellationToken.None))?.Info.Version);
        Assert.Equal(3, repository.NextVersion());
    }

    [Fact]
    public async Task Save_KeepsOnlyTheLastVersions()
    {
        var repository = new HeadRepository(_directory, _logger, keep: 2);
        var (head, _) = TrainedHead();
        for (var v = 1; v <= 4; v++)
        {
            await repository.SaveAsync(head, Info(v), CancellationToken.None);
        }

        Assert.Equal([3, 4], repository.Versions());
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp*"));
    }

    [Fact]
    public async Task LoadActive_EmptyDirectory_ReturnsNull()
    {
        Assert.Null(await new HeadRepository(_directory, _logger).LoadActiveAsync(CancellationToken.None));
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static HeadInfo Info(int version) => new(version, DateTimeOffset.UnixEpoch, "resnet18", 0.5, 10);

    private static (HeadModel Head, SampleSet Test) TrainedHead(int hidden = 0)
    {
        var (train, test) = Blobs.Make(3, 8, 10, 5, 0.5f);
        var head = new HeadModel(8, hidden);
        HeadTrainer.Train(head, train, new TrainingOptions { Epochs = 5 });
        return (head, test);
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
    }
}
