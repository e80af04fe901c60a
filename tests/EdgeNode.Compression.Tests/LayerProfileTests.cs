using EdgeNode.Compression.Evaluation;

namespace EdgeNode.Compression.Tests;

/// <summary>Reading ONNX Runtime's profile files: valid ones whole, broken ones event by event.</summary>
public sealed class LayerProfileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Read_ValidProfile_MeanPerNodeWithoutItsFirstRun_InExecutionOrder()
    {
        var path = Write("[", Event("conv", "Conv", 10, 900) + ",", Event("relu", "Relu", 20, 50) + ",", Event("conv", "Conv", 30, 100) + ",", Event("relu", "Relu", 40, 30), "]");

        var layers = LayerProfile.Read(path);

        Assert.Equal(["conv", "relu"], layers.Select(l => l.Node));
        Assert.Equal(0.1, layers[0].MsPerRun, 6);
        Assert.Equal(0.03, layers[1].MsPerRun, 6);
    }

    [Fact]
    public void Read_ProfileWithABrokenEvent_ReadsTheOthersLineByLine()
    {
        var broken = "{\"cat\" : \"Node\", \"name\" : \"relu_kernel_time\", \"args\" : {\"thread_scheduling_stats\" : {\"main_thread\": :}},";
        var path = Write("[", Event("conv", "Conv", 10, 900) + ",", broken, Event("conv", "Conv", 30, 100) + ",", Event("relu", "Relu", 40, 30), "]");

        var layers = LayerProfile.Read(path);

        Assert.Equal(["conv", "relu"], layers.Select(l => l.Node));
        Assert.Equal(0.1, layers[0].MsPerRun, 6);
        Assert.Equal(0.03, layers[1].MsPerRun, 6);
    }

    private static string Event(string node, string op, double ts, double dur) =>
        $"{{\"cat\" : \"Node\",\"pid\" :1,\"tid\" :1,\"dur\" :{dur},\"ts\" :{ts},\"ph\" : \"X\",\"name\" :\"{node}_kernel_time\",\"args\" : {{\"op_name\" : \"{op}\"}}}}";

    private string Write(params string[] lines)
    {
        var path = _folder.File("profile.json");
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        return path;
    }
}
