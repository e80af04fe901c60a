using System.Buffers.Binary;
using EdgeNode.Common;
using EdgeNode.Inference.Updates;
using EdgeNode.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EdgeNode.Inference.Tests.Updates;

/// <summary>Chunk assembly into a file: any order, duplicates, foreign and malformed chunks, commit rules, timeout.</summary>
public sealed class ModelTransferTests : IDisposable
{
    private const int ChunkSize = 1000;
    private readonly TempDirectory _dir = new();
    private readonly Publisher _publisher = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch);
    private readonly ModelTransferSlot _slot;
    private readonly byte[] _model = new byte[10_500];
    private readonly SignedManifest _signed;

    public ModelTransferTests()
    {
        new Random(5).NextBytes(_model);
        File.WriteAllBytes(_dir.File("model.onnx"), _model);
        _signed = _publisher.SignFile(_dir.File("model.onnx"), "m", "1");
        var store = new InstalledModels(_dir.File("models"), new InferenceOptions(), NullLogger.Instance);
        _slot = new ModelTransferSlot(store, _time, TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void Add_OutOfOrderWithDuplicates_AssemblesTheExactBytes()
    {
        var status = _slot.Open(_signed, "ops", ChunkSize);
        var chunks = Chunks(_model);
        Assert.Equal(11, status.Chunks);
        Assert.Equal(Enumerable.Range(0, 11), status.Missing);

        var order = Enumerable.Range(0, chunks.Count).Reverse().Concat([3, 10, 0]).ToList();
        var accepted = order.Count(i => _slot.Add(status.TransferId, chunks[i]));
        var transfer = _slot.Take(status.TransferId);

        Assert.Equal(11, accepted);
        Assert.Equal(_model, File.ReadAllBytes(transfer.Path));
        Assert.Null(_slot.Status());
    }

    [Fact]
    public void Chunk_Header_IsTheLayoutDocumentedForSenders()
    {
        var status = _slot.Open(_signed, "ops", ChunkSize);

        var last = Chunks(_model)[10];

        Assert.Equal("EDFC"u8.ToArray(), last.AsSpan(0, 4).ToArray());
        Assert.Equal(1, last[4]);
        Assert.Equal(status.TransferId, Convert.ToHexStringLower(last.AsSpan(5, 16)));
        Assert.Equal(10, BinaryPrimitives.ReadUInt16LittleEndian(last.AsSpan(21)));
        Assert.Equal(11, BinaryPrimitives.ReadUInt16LittleEndian(last.AsSpan(23)));
        Assert.Equal(_model.Length, BinaryPrimitives.ReadInt32LittleEndian(last.AsSpan(25)));
        Assert.Equal(_model.AsSpan(10 * ChunkSize).ToArray(), last.AsSpan(29).ToArray());
        Assert.Equal(29, MessageChunks.HeaderLength);
    }

    [Fact]
    public void Add_ForeignOrMalformedChunks_AreRefusedAndCounted_TransferStillCompletes()
    {
        var status = _slot.Open(_signed, "ops", ChunkSize);
        var chunks = Chunks(_model);
        var other = new byte[_model.Length];
        var foreign = MessageChunks.Split(other, ChunkSize + MessageChunks.HeaderLength);
        var wrongSize = MessageChunks.Split(_model, 500 + MessageChunks.HeaderLength);

        Assert.Throws<InvalidDataException>(() => _slot.Add(status.TransferId, foreign[0]));
        Assert.Throws<InvalidDataException>(() => _slot.Add(status.TransferId, wrongSize[0]));
        Assert.Throws<InvalidDataException>(() => _slot.Add(status.TransferId, chunks[1].AsSpan(0, chunks[1].Length - 1).ToArray()));
        Assert.Throws<InvalidDataException>(() => _slot.Add(status.TransferId, new byte[7]));
        Assert.Throws<InvalidDataException>(() => _slot.Add("0123456789abcdef0123456789abcdef", chunks[1]));
        foreach (var chunk in chunks)
        {
            _slot.Add(status.TransferId, chunk);
        }

        Assert.Equal(4, _slot.Status()!.Rejected);
        Assert.Equal(_model, File.ReadAllBytes(_slot.Take(status.TransferId).Path));
    }

    [Fact]
    public void Take_BeforeEveryChunk_IsIncompleteAndTheTransferStaysOpen()
    {
        var status = _slot.Open(_signed, "ops", ChunkSize);
        var chunks = Chunks(_model);
        for (var i = 0; i < chunks.Count; i += 2)
        {
            _slot.Add(status.TransferId, chunks[i]);
        }

        var ex = Assert.Throws<ModelUpdateException>(() => _slot.Take(status.TransferId));

        Assert.Equal(ModelUpdateErrors.Incomplete, ex.Code);
        Assert.Contains("5 of 11 chunks are missing (first: 1, 3, 5, 7, 9)", ex.Message, StringComparison.Ordinal);
        Assert.Equal([1, 3, 5, 7, 9], _slot.Status()!.Missing);
    }

    [Fact]
    public void Open_SameModelAgain_Resumes_AnotherModel_IsBusy()
    {
        var first = _slot.Open(_signed, "ops", ChunkSize);
        _slot.Add(first.TransferId, Chunks(_model)[4]);
        File.WriteAllBytes(_dir.File("other.onnx"), [9, 9, 9]);

        var again = _slot.Open(_signed, "ops", ChunkSize);
        var busy = Assert.Throws<ModelUpdateException>(() => _slot.Open(_publisher.SignFile(_dir.File("other.onnx"), "m", "2"), "ops", ChunkSize));

        Assert.Equal(1, again.Received);
        Assert.Equal(ModelUpdateErrors.Busy, busy.Code);
    }

    [Fact]
    public void Open_ChunksTooSmallForTheModel_IsRefused()
    {
        var big = _signed with { Manifest = _signed.Manifest with { Size = 70_000_000 } };

        var ex = Assert.Throws<ModelUpdateException>(() => _slot.Open(big, "ops", 1000));

        Assert.Equal(ModelUpdateErrors.InvalidArgument, ex.Code);
        Assert.Null(_slot.Status());
    }

    [Fact]
    public void Expire_NoProgressForTheTimeout_DiscardsTheTransferAndItsFile()
    {
        var status = _slot.Open(_signed, "ops", ChunkSize);
        var chunks = Chunks(_model);
        _time.Advance(TimeSpan.FromSeconds(50));
        _slot.Add(status.TransferId, chunks[0]);
        _time.Advance(TimeSpan.FromSeconds(50));
        Assert.Null(_slot.Expire());
        var partial = Directory.GetFiles(_dir.File(Path.Combine("models", ".incoming")));
        Assert.Single(partial);

        _time.Advance(TimeSpan.FromSeconds(11));

        Assert.Equal(status.TransferId, _slot.Expire());
        Assert.Null(_slot.Status());
        Assert.False(File.Exists(partial[0]));
        Assert.Equal(ModelUpdateErrors.UnknownTransfer, Assert.Throws<ModelUpdateException>(() => _slot.Take(status.TransferId)).Code);
        Assert.Throws<InvalidDataException>(() => _slot.Add(status.TransferId, chunks[1]));
    }

    [Fact]
    public void Expire_WallClockJumpsADayAhead_TransferKept_OnlyIdleTimeExpiresIt()
    {
        var clock = new SplitClock(DateTimeOffset.UnixEpoch);
        using var slot = new ModelTransferSlot(new InstalledModels(_dir.File("models"), new InferenceOptions(), NullLogger.Instance), clock, TimeSpan.FromSeconds(60));
        var status = slot.Open(_signed, "ops", ChunkSize);

        clock.JumpWall(TimeSpan.FromDays(1));
        Assert.Null(slot.Expire());
        clock.JumpWall(TimeSpan.FromDays(-2));
        clock.Advance(TimeSpan.FromSeconds(61));

        Assert.Equal(status.TransferId, slot.Expire());
    }

    [Fact]
    public void Open_ModelWouldLeaveTooLittleFreeSpace_RefusedInsufficientSpace_NoFileCreated()
    {
        var models = _dir.File("models");
        // More than any disk has: the check itself, on the real file system (a full one is scripts/chaos/enospc.sh).
        using var slot = new ModelTransferSlot(new InstalledModels(models, new InferenceOptions(), NullLogger.Instance), _time, TimeSpan.FromSeconds(60), minFreeBytes: 1L << 60);

        var ex = Assert.Throws<ModelUpdateException>(() => slot.Open(_signed, "ops", ChunkSize));

        Assert.Equal(ModelUpdateErrors.InsufficientSpace, ex.Code);
        Assert.Contains("EdgeNode:Models:MinFreeMegabytes", ex.Message, StringComparison.Ordinal);
        Assert.Null(slot.Status());
        Assert.Empty(Directory.GetFileSystemEntries(models));
        Assert.Equal(ChunkSize, _slot.Open(_signed, "ops", ChunkSize).ChunkSize);
    }

    [Fact]
    public void Abort_DeletesThePartialFile_UnknownIdIsRefused()
    {
        var status = _slot.Open(_signed, "ops", ChunkSize);

        Assert.Equal(ModelUpdateErrors.UnknownTransfer, Assert.Throws<ModelUpdateException>(() => _slot.Abort("0123456789abcdef0123456789abcdef")).Code);
        _slot.Abort(status.TransferId);

        Assert.Empty(Directory.GetFiles(_dir.File(Path.Combine("models", ".incoming"))));
    }

    public void Dispose()
    {
        _slot.Dispose();
        _publisher.Dispose();
        _dir.Dispose();
    }

    private static IReadOnlyList<byte[]> Chunks(byte[] model) => MessageChunks.Split(model, ChunkSize + MessageChunks.HeaderLength);
}
