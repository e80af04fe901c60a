using System.ComponentModel.DataAnnotations;

namespace EdgeNode.Devices.Sensors;

/// <summary>One entry of the <c>EdgeNode:Sensors</c> list.</summary>
public sealed record SensorOptions
{
    /// <summary>The configuration section that holds the list.</summary>
    public const string Section = "EdgeNode:Sensors";

    /// <summary>Configured name, used as the topic segment (<c>edgenode/{node}/sensors/{name}</c>).</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_-]+$", ErrorMessage = "A sensor name may hold letters, digits, '_' and '-' only (it is a topic segment).")]
    public string Name { get; set; } = string.Empty;

    /// <summary>
    /// <c>bme280</c>, <c>bmp280</c>, <c>sht3x</c> (I2C), <c>dht22</c> (GPIO), <c>ads1115</c> (I2C ADC),
    /// <c>soc</c> (SoC temperature and throttling from /sys) or <c>simulated</c>.
    /// </summary>
    [Required]
    public string Type { get; set; } = "simulated";

    /// <summary>I2C bus number (<c>/dev/i2c-N</c>); 1 on a Raspberry Pi's header.</summary>
    [Range(0, 255)]
    public int Bus { get; set; } = 1;

    /// <summary>
    /// I2C address, decimal or <c>0x</c> hex (e.g. <c>0x76</c>); when empty the chip's default
    /// (BME280/BMP280 0x77, SHT3x 0x44, ADS1115 0x48).
    /// </summary>
    [RegularExpression("^(0[xX][0-9A-Fa-f]{1,2}|[0-9]{1,3})$")]
    public string? Address { get; set; }

    /// <summary>GPIO pin (logical/BCM numbering) of a DHT22's data line.</summary>
    [Range(0, 1023)]
    public int? Pin { get; set; }

    /// <summary>ADS1115 input 0–3 (single-ended); when empty all four are read.</summary>
    [Range(0, 3)]
    public int? Channel { get; set; }

    /// <summary>How often to read the sensor.</summary>
    [Range(0.1, 86_400)]
    public double PeriodSeconds { get; set; } = 5;

    /// <summary>The sensor the node reads when <c>EdgeNode:Sensors</c> is empty: simulated temperature and humidity every 5 s.</summary>
    public static IReadOnlyList<SensorOptions> Defaults { get; } = [new SensorOptions { Name = "simulated", Type = "simulated", PeriodSeconds = 5 }];
}
