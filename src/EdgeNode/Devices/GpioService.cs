using EdgeNode.Devices.Gpio;
using EdgeNode.Devices.Sensors;
using EdgeNode.Outbox;

namespace EdgeNode.Devices;

/// <summary>
/// The label button and the status LED (<c>EdgeNode:Gpio:Button</c>, <c>EdgeNode:Gpio:Led</c>; both off by
/// default). A press labels the current (last) result through <see cref="ILabelSink"/> and is stored as an
/// event; the LED beats while all is well and blinks while the broker is unreachable or a sensor fails.
/// </summary>
internal sealed class GpioService(
    IServiceProvider services,
    IOptions<LabelButtonOptions> buttonOptions,
    IOptions<StatusLedOptions> ledOptions,
    IMessageBus bus,
    SensorService sensors,
    MessageWriter writer,
    TimeProvider time,
    ILogger<GpioService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!buttonOptions.Value.Enabled && !ledOptions.Value.Enabled)
        {
            return;
        }

        var gpio = services.GetRequiredService<IBoardHardware>().Gpio;
        using var button = buttonOptions.Value.Enabled ? new LabelButton(gpio, buttonOptions.Value, time, services.GetRequiredService<ILogger<LabelButton>>()) : null;
        using var led = ledOptions.Value.Enabled ? new StatusLed(gpio, ledOptions.Value, time) : null;
        if (button is not null)
        {
            button.Pressed += (_, e) => _ = OnPressedAsync(e, stoppingToken);
            button.Start();
        }

        led?.Start();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (led is not null && (!bus.IsConnected || sensors.Status.Any(s => s.ConsecutiveFailures > 0)))
                {
                    led.ReportError();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task OnPressedAsync(LabelButtonPressedEventArgs press, CancellationToken cancellationToken)
    {
        string? error = null;
        try
        {
            if (services.GetService<ILabelSink>() is { } sink)
            {
                await sink.LabelAsync("last", press.Label, "gpio", cancellationToken);
            }
            else
            {
                error = "on-device learning is not enabled";
            }
        }
        catch (ArgumentException ex)
        {
            error = ex.Message;
        }

        if (error is not null)
        {
            NodeLog.GpioLabelRejected(logger, press.Label, error);
        }

        // No seq: button presses are not numbered (docs/mqtt.md); the outbox orders them among the events.
        var message = writer.Create(MessageKind.Event, writer.Topics.Events, press.Timestamp, seq: null, (press, applied: error is null), static (w, p) =>
        {
            w.WriteString("type", "label-button");
            w.WriteString("label", p.press.Label);
            w.WriteNumber("pin", p.press.Pin);
            w.WriteBoolean("applied", p.applied);
        });
        await writer.AppendAsync([message]);
    }
}
