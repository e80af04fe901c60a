using System.Device.Gpio;
using System.Diagnostics;

namespace EdgeNode.Devices.Tests.Support;

/// <summary>
/// Plays a DHT22's answer on a <see cref="TestGpioDriver"/> pin in real time: from the moment the host
/// releases the line (switches it to input) the sensor pulls low 80 µs, high 80 µs, then sends 40 bits, each a
/// 50 µs low followed by a short high for 0 or a long high for 1. The 0-bit high is kept short (10 µs instead of
/// the datasheet's 26 µs) so a busy test machine does not push it over the driver's 30 µs threshold.
/// </summary>
internal sealed class Dht22Waveform
{
    private const double ResponseLow = 80;
    private const double ResponseHigh = 80;
    private const double BitLow = 50;
    private const double ZeroHigh = 10;
    private const double OneHigh = 70;

    private readonly int _pin;
    private readonly double[] _edges; // times (µs) at which the level toggles, starting low
    private long _start = -1;

    public Dht22Waveform(TestGpioDriver driver, int pin, double humidityPercent, double celsius)
    {
        _pin = pin;
        var humidity = (ushort)Math.Round(humidityPercent * 10);
        var temperature = (ushort)Math.Round(Math.Abs(celsius) * 10);
        if (celsius < 0)
        {
            temperature |= 0x8000;
        }

        byte[] bytes = [(byte)(humidity >> 8), (byte)humidity, (byte)(temperature >> 8), (byte)temperature, 0];
        bytes[4] = (byte)(bytes[0] + bytes[1] + bytes[2] + bytes[3]);

        var edges = new List<double>();
        var t = ResponseLow;
        edges.Add(t);
        t += ResponseHigh;
        edges.Add(t);
        foreach (var b in bytes)
        {
            for (var bit = 7; bit >= 0; bit--)
            {
                t += BitLow;
                edges.Add(t);
                t += ((b >> bit) & 1) == 1 ? OneHigh : ZeroHigh;
                edges.Add(t);
            }
        }

        t += BitLow;
        edges.Add(t); // then the line floats high
        _edges = [.. edges];

        driver.ModeChanged += (p, mode) =>
        {
            if (p == _pin)
            {
                Interlocked.Exchange(ref _start, mode is PinMode.Input or PinMode.InputPullUp ? Stopwatch.GetTimestamp() : -1);
            }
        };
        driver.ReadOverride = Level;
    }

    private PinValue Level(int pin)
    {
        var start = Interlocked.Read(ref _start);
        if (pin != _pin || start < 0)
        {
            return PinValue.High;
        }

        var micros = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        var toggles = Array.BinarySearch(_edges, micros);
        toggles = toggles >= 0 ? toggles + 1 : ~toggles;
        return toggles % 2 == 0 ? PinValue.Low : PinValue.High;
    }
}
