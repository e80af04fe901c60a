using System.Security.Cryptography;
using EdgeNode.Learning.Discriminant;
using EdgeNode.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeNode.Learning.Tests.Discriminant;

public sealed class HeadKindRollbackTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "edgenode-kinds-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Rollback_AcrossHeadKinds_RestoresEachKindAndItsPredictions()
    {
        var (train, test) = Blobs.Make(classes: 3, dimension: 8, trainPerClass: 20, testPerClass: 10, spread: 1f);
        var statistics = new DiscriminantStatistics(8);
        statistics.AddRange(train);
        var options = new TrainingOptions { Epochs = 5 };
        var softmax = HeadFit.Train(HeadKind.Softmax, statistics, train, options);
        var discriminant = HeadFit.Train(HeadKind.Discriminant, statistics, train, options);
        var refined = HeadFit.Train(HeadKind.DiscriminantSoftmax, statistics, train, options);
        var repository = new HeadRepository(_directory, NullLogger.Instance);
        await repository.SaveAsync(softmax, Info(1, HeadKind.Softmax), CancellationToken.None);
        await repository.SaveAsync(discriminant, Info(2, HeadKind.Discriminant), CancellationToken.None);
        await repository.SaveAsync(refined, Info(3, HeadKind.DiscriminantSoftmax), CancellationToken.None);

        var active = await repository.LoadActiveAsync(CancellationToken.None);
        var toDiscriminant = await repository.RollbackAsync(CancellationToken.None);
        var toSoftmax = await repository.RollbackAsync(CancellationToken.None);

        Assert.Equal(HeadKind.DiscriminantSoftmax, active?.Info.Kind);
        Assert.Equal(HeadKind.Discriminant, toDiscriminant?.Info.Kind);
        Assert.Equal(HeadTrainerTests.Probabilities(discriminant, test), HeadTrainerTests.Probabilities(toDiscriminant!.Value.Head, test));
        Assert.Equal(HeadKind.Softmax, toSoftmax?.Info.Kind);
        Assert.Equal(HeadTrainerTests.Probabilities(softmax, test), HeadTrainerTests.Probabilities(toSoftmax!.Value.Head, test));
        Assert.Equal(1, (await repository.LoadActiveAsync(CancellationToken.None))?.Info.Version);
    }

    [Fact]
    public void Deserialize_FormatOneFile_LoadsAsSoftmax()
    {
        var (train, _) = Blobs.Make(classes: 2, dimension: 4, trainPerClass: 5, testPerClass: 1, spread: 1f);
        var head = new HeadModel(4);
        HeadTrainer.Train(head, train, new TrainingOptions { Epochs = 2 });
        var info = Info(4, HeadKind.Discriminant);
        var v2 = HeadSerializer.Serialize(head, info);

        // Format 1 is format 2 without the kind byte (after magic, version, i32, i64, string, f64, i32).
        var kindAt = 4 + 2 + 4 + 8 + 1 + info.BackboneId.Length + 8 + 4;
        var body = v2[..kindAt].Concat(v2[(kindAt + 1)..^32]).ToArray();
        body[4] = 1;
        var v1 = body.Concat(SHA256.HashData(body)).ToArray();

        var (copy, copyInfo) = HeadSerializer.Deserialize(v1);

        Assert.Equal(info with { Kind = HeadKind.Softmax }, copyInfo);
        Assert.Equal(head.Parameters, copy.Parameters);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static HeadInfo Info(int version, HeadKind kind) => new(version, DateTimeOffset.UnixEpoch, "resnet18", 0.5, 60, kind);
}
