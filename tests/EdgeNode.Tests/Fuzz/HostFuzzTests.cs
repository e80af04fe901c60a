using System.Text;
using System.Text.Json;
using EdgeNode.Hosting;
using EdgeNode.Messaging.Commands;
using EdgeNode.Settings;
using EdgeNode.Testing;
using EdgeNode.Testing.Fuzz;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeNode.Tests.Fuzz;

/// <summary>
/// Issue 20: the host's own parsers under 10,000 seeded mutations each. <c>runtime-settings.json</c> either loads or is
/// moved aside whole (the node never fails to start on it, nothing of it is lost); the <c>train</c> verb, through the
/// node's real command router, either runs or answers an error code, and only an empty request runs.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class HostFuzzTests : IDisposable
{
    private static readonly string[] TrainCodes = [CommandErrorCodes.MalformedJson, CommandErrorCodes.InvalidArgument, CommandErrorCodes.PayloadTooLarge];
    private readonly TempDirectory _dir = new();

    [Fact]
    public void RuntimeSettingsFile_MutatedFiles_LoadOrAreMovedAsideWhole_NeverStopTheStart()
    {
        var path = _dir.File(RuntimeSettingsFile.FileName);
        byte[][] seeds =
        [
            """{"EdgeNode":{"Storage":{"MaxSizeMegabytes":512},"Learning":{"RetrainAfterLabels":5}}}"""u8.ToArray(),
            "{\n  \"EdgeNode\": {\n    \"Prediction\": {\n      \"UnknownBelow\": 0.4\n    },\n    \"Region\": {\n      \"X\": 0.1\n    }\n  }\n}\n"u8.ToArray(),
        ];

        var moved = FuzzRun.Run("RuntimeSettingsFile", seeds, input =>
        {
            File.WriteAllBytes(path, input);
            File.Delete(path + ".damaged");
            using var file = new RuntimeSettingsFile(path);
            var builder = new ConfigurationBuilder();
            file.AddTo(builder);
            builder.Build();
            if (File.Exists(path))
            {
                Assert.Equal(input, File.ReadAllBytes(path));
                file.Read();
                return true;
            }

            Assert.Equal(input, File.ReadAllBytes(path + ".damaged"));
            return false;
        });

        Assert.InRange(moved, 1, FuzzRun.Inputs - 1);
    }

    [Fact]
    public async Task TrainVerb_MutatedPayloads_RunOnlyWhenEmpty_OtherwiseAnErrorCode_NoHeadWritten()
    {
        using var host = NodeHost.Build(["--EdgeNode:Storage:Path=" + _dir.File("edgenode.db"), "--EdgeNode:NodeId=fuzz"]);
        var router = host.Services.GetRequiredService<CommandRouter>();
        byte[][] seeds = ["{}"u8.ToArray(), " "u8.ToArray(), """{"now":true}"""u8.ToArray(), "[{}]"u8.ToArray()];
        var listing = Listing();

        var replies = new List<(byte[] Input, CommandReply Reply)>(FuzzRun.Inputs);
        await FuzzRun.RunAsync("train", seeds, async input =>
        {
            replies.Add((input, await router.DispatchAsync("train", input, CancellationToken.None)));
            return replies[^1].Reply.Ok;
        });

        foreach (var (input, reply) in replies)
        {
            if (reply.Ok != IsEmptyRequest(input))
            {
                Assert.Fail($"train answered ok={reply.Ok} to: {Encoding.UTF8.GetString(input)}");
            }

            if (!reply.Ok)
            {
                Assert.Contains(reply.Error!.Code, TrainCodes);
                Assert.False(string.IsNullOrWhiteSpace(reply.Error.Message));
            }
        }

        Assert.Equal(listing, Listing());
    }

    public void Dispose() => _dir.Dispose();

    private static bool IsEmptyRequest(byte[] input)
    {
        if (input.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            return true;
        }

        try
        {
            using var document = JsonDocument.Parse(input, new JsonDocumentOptions { MaxDepth = 32 });
            return document.RootElement.ValueKind == JsonValueKind.Object && !document.RootElement.EnumerateObject().Any();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private string[] Listing() => [.. Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories).Where(f => !f.Contains("edgenode.db", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
}
