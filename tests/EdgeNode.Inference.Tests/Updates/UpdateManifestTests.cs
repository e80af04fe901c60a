using System.Text;
using System.Text.Json;
using EdgeNode.Inference.Updates;

namespace EdgeNode.Inference.Tests.Updates;

public sealed class UpdateManifestTests
{
    private const string Canonical =
        "{\"name\":\"resnet18-int8\",\"version\":\"2.0.0\",\"sha256\":\"43eefd2a6dbc35743319e6d4f010c57c71cccc43008558db859c2571662ab114\",\"size\":16028474,\"precision\":\"int8\","
        + "\"input\":{\"name\":\"Input247\",\"shape\":[1,3,224,224]},\"output\":{\"name\":\"Pooling395_Output_0\",\"shape\":[1,512,1,1]}}";

    [Fact]
    public void ToCanonicalJson_AnyWhitespaceAndMemberOrder_GivesTheDocumentedBytes()
    {
        const string Shuffled = """
            { "output": {"shape": [1, 512, 1, 1], "name": "Pooling395_Output_0"},
              "precision": "int8", "size": 16028474, "version": "2.0.0", "name": "resnet18-int8",
              "input": {"name": "Input247", "shape": [1,3,224,224]},
              "sha256": "43eefd2a6dbc35743319e6d4f010c57c71cccc43008558db859c2571662ab114" }
            """;

        var manifest = Parse(Shuffled);

        Assert.Equal(Canonical, Encoding.UTF8.GetString(manifest.ToCanonicalJson()));
        Assert.Equal("43eefd2a6dbc35743319e6d4f010c57c", manifest.TransferId);
        Assert.Equal(Canonical, Encoding.UTF8.GetString(Parse(Canonical).ToCanonicalJson()));
    }

    [Theory]
    [InlineData("\"name\":\"resnet18-int8\"", "\"name\":\"resnet18-int8\",\"extra\":1", "Unknown field 'manifest.extra'")]
    [InlineData("\"name\":\"resnet18-int8\"", "\"name\":\"resnet18-int8\",\"name\":\"other\"", "appears twice")]
    [InlineData("\"name\":\"resnet18-int8\",", "", "'manifest.name' is required")]
    [InlineData("\"name\":\"resnet18-int8\"", "\"name\":\"resnet18-int8\\n\"", "'manifest.name' must be a string matching")]
    [InlineData("\"name\":\"resnet18-int8\"", "\"name\":\"../../etc\"", "'manifest.name' must be a string matching")]
    [InlineData("\"sha256\":\"43ee", "\"sha256\":\"43EE", "'manifest.sha256' must be a string matching")]
    [InlineData("\"size\":16028474", "\"size\":-1", "'manifest.size' must be a positive integer")]
    [InlineData("\"size\":16028474", "\"size\":1.5", "'manifest.size' must be a positive integer")]
    [InlineData("[1,3,224,224]", "[1,3,224,0]", "dimensions must be integers from 1 to 65536")]
    [InlineData("[1,3,224,224]", "[]", "'manifest.input.shape' must be an array of 1 to 8 dimensions")]
    [InlineData("\"name\":\"Input247\"", "\"name\":\"In put\"", "'manifest.input.name' must be a string matching")]
    public void Parse_InvalidManifest_IsRejectedWithTheField(string find, string replace, string expected)
    {
        var ex = Assert.Throws<ModelUpdateException>(() => Parse(Canonical.Replace(find, replace, StringComparison.Ordinal)));

        Assert.Equal(ModelUpdateErrors.InvalidArgument, ex.Code);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SignedManifest_FileForm_RoundTripsAndRejectsAMissingSignature()
    {
        using var publisher = new Publisher();
        var signed = ModelSigning.Sign(Parse(Canonical), publisher.Signer);

        var back = SignedManifest.Parse(signed.ToJson());

        Assert.Equal(signed.Manifest.ToCanonicalJson(), back.Manifest.ToCanonicalJson());
        Assert.Equal(signed.Signature.ToArray(), back.Signature.ToArray());
        var ex = Assert.Throws<ModelUpdateException>(() => SignedManifest.Parse(Encoding.UTF8.GetBytes("{\"manifest\":" + Canonical + "}")));
        Assert.Contains("'signature' must be a base64 string", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ModelUpdateException>(() => SignedManifest.Parse("{\"manifest\":"u8));
    }

    private static UpdateManifest Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return UpdateManifest.Parse(document.RootElement);
    }
}
