using EdgeNode.Devices.Gpio;
using EdgeNode.Devices.Sensors;

namespace EdgeNode.Devices;

/// <summary>Registers the board: its hardware seam, the sensors and their poller, the label button and status LED.</summary>
internal static class DevicesServiceCollectionExtensions
{
    /// <summary>The devices; the sensor and GPIO services start after the pipeline.</summary>
    public static IServiceCollection AddDevices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LabelButtonOptions>().BindConfiguration(LabelButtonOptions.Section).ValidateSection(LabelButtonOptions.Section);
        services.AddOptions<StatusLedOptions>().BindConfiguration(StatusLedOptions.Section).ValidateSection(StatusLedOptions.Section);
        var sensorOptions = SensorCatalog.Configured(configuration);
        services.AddSingleton<IBoardHardware, LinuxBoardHardware>();
        services.AddSingleton<IReadOnlyList<ISensor>>(sp => new SensorFactory(sp.GetRequiredService<IBoardHardware>(), sp.GetRequiredService<TimeProvider>()).CreateAll(sensorOptions));
        services.AddHostedSingleton<SensorService>();
        services.AddHostedService<GpioService>();
        return services;
    }
}
