using EdgeNode.Common;
using EdgeNode.Inference.Tests.Updates;
using EdgeNode.Inference.Updates;
using EdgeNode.Testing;
using EdgeNode.Testing.Fuzz;
using SkiaSharp;

namespace EdgeNode.Inference.Tests.Fuzz;

/// <summary>
/// Issue 20: what a node reads from outside for models and images, under 10,000 seeded mutations each: signed
/// manifests, model chunks, JPEG and PNG. Each input is accepted or refused with the documented exception and code;
/// a refused one changes nothing.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class InputFuzzTests : IDisposable
{
    private static readonly string[] ManifestCodes = [ModelUpdateErrors.InvalidArgument, ModelUpdateErrors.BadSignature, ModelUpdateErrors.KeyNotAllowed];
    private readonly TempDirectory _dir = new();
    private readonly Publisher _publisher = new();

    [Fact]
    public void SignedManifest_MutatedJson_ParsedOrRefusedWithACode_NothingWritten()
    {
        var model = _dir.File("model.onnx");
        File.WriteAllBytes(model, new byte[4096]);
        _publisher.Trust(_dir.File("keys"));
        using var keys = TrustedModelKeys.Load([_dir.File("keys")], optional: false);
        var signed = _publisher.SignFile(model, "resnet18-int8", "2.0.0");
        byte[][] seeds = [signed.ToJson(), ModelSigning.SignDowngrade(signed, _publisher.Signer).ToJson(), signed.Manifest.ToCanonicalJson()];
        var listing = Listing();

        var refused = FuzzRun.Run("SignedManifest", seeds, input =>
        {
            try
            {
                keys.Verify(SignedManifest.Parse(input));
                return true;
            }
            catch (ModelUpdateException ex)
            {
                Assert.Contains(ex.Code, ManifestCodes);
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                return false;
            }
        });

        Assert.InRange(refused, FuzzRun.Inputs / 2, FuzzRun.Inputs);
        Assert.Equal(listing, Listing());
    }

    [Fact]
    public void ModelTransfer_MutatedChunks_AcceptedOrRefusedAndCounted_NeverPastTheModel()
    {
        var bytes = new byte[5000];
        new Random(2).NextBytes(bytes);
        var model = _dir.File("source.onnx");
        File.WriteAllBytes(model, bytes);
        var signed = _publisher.SignFile(model, "m", "1");
        var path = _dir.File("transfer.part");
        using var transfer = new ModelTransfer(signed, "ops", path, 1024, 0);
        var chunks = MessageChunks.Split(bytes, 1024 + MessageChunks.HeaderLength);
        Assert.Equal(transfer.ChunkCount, chunks.Count);

        var refused = FuzzRun.Run("ModelTransfer", chunks, input =>
        {
            var (received, rejected) = (transfer.Received, transfer.Rejected);
            try
            {
                transfer.Add(input, 0);
                return true;
            }
            catch (InvalidDataException ex)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                Assert.Equal((received, rejected + 1), (transfer.Received, transfer.Rejected));
                return false;
            }
        });

        Assert.Equal(refused, transfer.Rejected);
        Assert.InRange(transfer.Received, 0, transfer.ChunkCount);
        Assert.InRange(new FileInfo(path).Length, 0, bytes.Length);
    }

    [Fact]
    public void ProcessEncoded_MutatedJpegAndPng_DecodedOrInvalidData_TensorUntouchedWhenRefused()
    {
        var pre = new ImagePreprocessor(32, new float[3 * 32 * 32], bgr: true);
        byte[][] seeds = [Encode(SKEncodedImageFormat.Jpeg, 48, 40), Encode(SKEncodedImageFormat.Png, 40, 48), Encode(SKEncodedImageFormat.Jpeg, 16, 16)];
        var tensor = new float[pre.TensorLength];

        FuzzRun.Run("ImagePreprocessor", seeds, input =>
        {
            Array.Fill(tensor, 7f);
            try
            {
                pre.ProcessEncoded(input, tensor);
                return true;
            }
            catch (InvalidDataException ex)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                Assert.All(tensor, v => Assert.Equal(7f, v));
                return false;
            }
        });
    }

    public void Dispose()
    {
        _publisher.Dispose();
        _dir.Dispose();
    }

    private static byte[] Encode(SKEncodedImageFormat format, int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 5), (byte)(y * 5), (byte)(x ^ y)));
            }
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 80);
        return data.ToArray();
    }

    private string[] Listing() => [.. Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];
}
