using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using EdgeNode.Common;

namespace EdgeNode.Learning.Federated;

/// <summary>
/// The retained message on <c>{prefix}/fleet/{fleet}/fl/global</c>: magic <c>EDFG</c>, u8 format version, u32 length
/// of a UTF-8 JSON header (<c>version</c>, <c>round</c>, <c>sha256</c> of the head bytes, <c>deadline</c>, <c>config</c>),
/// the JSON, then the head file bytes (<see cref="HeadSerializer"/>). Format version 2 (what the aggregator publishes)
/// appends the aggregator's ECDSA P-256 signature (64 bytes, IEEE P1363) over everything before it, so that a node
/// that trusts the aggregator's key takes no head from anyone else, whatever the broker's ACL lets through. With the
/// validation gate (<see cref="FederatedTrainingConfig.Gate"/>) the header's <c>fleet</c> object (<c>version</c>,
/// <c>sha256</c>, <c>length</c>) names the fleet head, the best head the fleet's validation has accepted so far, whose
/// head file bytes follow the round's head: the round's head is the candidate nodes train from and score, the fleet
/// head the one they serve.
/// </summary>
/// <param name="Version">Head version; the delta of an update is relative to it.</param>
/// <param name="Round">The round now open (updates carry it).</param>
/// <param name="Deadline">When the aggregator closes the round at the latest.</param>
/// <param name="Config">Local training and encoding settings for the round.</param>
/// <param name="HeadBytes">The head, as a head file.</param>
public sealed record GlobalHead(long Version, long Round, DateTimeOffset Deadline, FederatedTrainingConfig Config, ReadOnlyMemory<byte> HeadBytes)
{
    private const int Magic = 0x47464445; // "EDFG"
    private const byte FormatVersion = 1;
    private const byte SignedFormatVersion = 2;

    /// <summary>The aggregator's signature (format version 2), empty for an unsigned message.</summary>
    public ReadOnlyMemory<byte> Signature { get; init; }

    /// <summary>The bytes <see cref="Signature"/> covers.</summary>
    public ReadOnlyMemory<byte> SignedBytes { get; init; }

    /// <summary>The fleet head's head file (the validation gate's incumbent); empty: the round's head is the fleet head.</summary>
    public ReadOnlyMemory<byte> FleetHeadBytes { get; init; }

    /// <summary>The version the fleet head was published as, when <see cref="FleetHeadBytes"/> is set.</summary>
    public long FleetVersion { get; init; }

    /// <summary>The fleet head's version: <see cref="FleetVersion"/>, or <see cref="Version"/> when the round's head is the fleet head.</summary>
    public long ServedVersion => FleetHeadBytes.IsEmpty ? Version : FleetVersion;

    /// <summary>The head nodes serve: the fleet head, or the round's head when there is none apart.</summary>
    public HeadModel ReadFleetHead() => FleetHeadBytes.IsEmpty ? ReadHead() : HeadSerializer.Deserialize(FleetHeadBytes.Span).Head;

    /// <summary>This message with <paramref name="fleetHead"/> (published as <paramref name="fleetVersion"/>) as the fleet head.</summary>
    public GlobalHead WithFleetHead(ReadOnlyMemory<byte> fleetHead, long fleetVersion) =>
        fleetVersion == Version ? this with { FleetHeadBytes = default, FleetVersion = 0 } : this with { FleetHeadBytes = fleetHead, FleetVersion = fleetVersion };

    /// <summary>Hex SHA-256 of <see cref="HeadBytes"/>.</summary>
    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(HeadBytes.Span));

    /// <summary>The head these bytes hold.</summary>
    public HeadModel ReadHead() => HeadSerializer.Deserialize(HeadBytes.Span).Head;

    /// <summary>Creates the message for <paramref name="head"/>.</summary>
    public static GlobalHead Create(HeadModel head, long version, long round, DateTimeOffset deadline, FederatedTrainingConfig config) =>
        new(version, round, deadline, config, HeadSerializer.Serialize(head, new HeadInfo(checked((int)version), deadline, "federated", 0, 0)));

    /// <summary>The name of the key in <paramref name="keys"/> that signed this message, or null (unsigned, or no key verifies).</summary>
    public string? SignerIn(EcdsaKeyRing keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return Signature.Length == EcdsaSigner.SignatureLength ? keys.FindSigner(SignedBytes.Span, Signature.Span) : null;
    }

    /// <summary>Serialises the message signed by <paramref name="signer"/> (format version 2).</summary>
    public byte[] ToBytes(EcdsaSigner signer)
    {
        ArgumentNullException.ThrowIfNull(signer);
        var body = ToBytes();
        body[4] = SignedFormatVersion;
        var message = new byte[body.Length + EcdsaSigner.SignatureLength];
        body.CopyTo(message, 0);
        signer.Sign(body, message.AsSpan(body.Length));
        return message;
    }

    /// <summary>Serialises the message, unsigned (format version 1: the aggregator's own state file).</summary>
    public byte[] ToBytes()
    {
        using var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json))
        {
            w.WriteStartObject();
            w.WriteNumber("version", Version);
            w.WriteNumber("round", Round);
            w.WriteString("sha256", Sha256);
            w.WriteString("deadline", Deadline);
            w.WriteStartObject("config");
            w.WriteNumber("epochs", Config.Epochs);
            w.WriteNumber("batchSize", Config.BatchSize);
            w.WriteNumber("learningRate", Config.LearningRate);
            w.WriteNumber("l2", Config.L2);
            w.WriteNumber("proximal", Config.Proximal);
            w.WriteString("compression", Config.Compression);
            w.WriteNumber("clipNorm", Config.ClipNorm);
            w.WriteNumber("localSteps", Config.LocalSteps);
            w.WriteNumber("dynamic", Config.Dynamic);
            w.WriteBoolean("scaffold", Config.Scaffold);
            w.WriteBoolean("statistics", Config.Statistics);
            w.WriteBoolean("gate", Config.Gate);
            w.WriteEndObject();
            if (!FleetHeadBytes.IsEmpty)
            {
                w.WriteStartObject("fleet");
                w.WriteNumber("version", FleetVersion);
                w.WriteString("sha256", Convert.ToHexStringLower(SHA256.HashData(FleetHeadBytes.Span)));
                w.WriteNumber("length", FleetHeadBytes.Length);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        var header = json.ToArray();
        var result = new byte[9 + header.Length + HeadBytes.Length + FleetHeadBytes.Length];
        BinaryPrimitives.WriteInt32LittleEndian(result, Magic);
        result[4] = FormatVersion;
        BinaryPrimitives.WriteInt32LittleEndian(result.AsSpan(5), header.Length);
        header.CopyTo(result, 9);
        HeadBytes.Span.CopyTo(result.AsSpan(9 + header.Length));
        FleetHeadBytes.Span.CopyTo(result.AsSpan(9 + header.Length + HeadBytes.Length));
        return result;
    }

    /// <summary>Parses and checks a message (format, JSON, SHA-256 of the head bytes).</summary>
    /// <exception cref="InvalidDataException">Malformed, or the hash does not match.</exception>
    public static GlobalHead Parse(ReadOnlyMemory<byte> message)
    {
        var span = message.Span;
        if (span.Length < 9 || BinaryPrimitives.ReadInt32LittleEndian(span) != Magic || span[4] is not (FormatVersion or SignedFormatVersion))
        {
            throw new InvalidDataException("Not an EdgeNode global head message.");
        }

        var signature = ReadOnlyMemory<byte>.Empty;
        if (span[4] == SignedFormatVersion)
        {
            if (span.Length < 9 + EcdsaSigner.SignatureLength)
            {
                throw new InvalidDataException("The signed global head is truncated.");
            }

            signature = message[^EcdsaSigner.SignatureLength..];
            message = message[..^EcdsaSigner.SignatureLength];
            span = message.Span;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(span[5..]);
        if (length < 2 || 9L + length > span.Length)
        {
            throw new InvalidDataException("The global head header is truncated.");
        }

        try
        {
            using var doc = JsonDocument.Parse(message.Slice(9, length));
            var root = doc.RootElement;
            var c = root.GetProperty("config");
            var config = new FederatedTrainingConfig
            {
                Epochs = c.GetProperty("epochs").GetInt32(),
                BatchSize = c.GetProperty("batchSize").GetInt32(),
                LearningRate = c.GetProperty("learningRate").GetSingle(),
                L2 = c.GetProperty("l2").GetSingle(),
                Proximal = c.GetProperty("proximal").GetSingle(),
                Compression = c.GetProperty("compression").GetString() ?? "none",
                ClipNorm = c.GetProperty("clipNorm").GetSingle(),

                // Absent in heads published before FedDyn and local steps: epochs and plain FedAvg, as then.
                LocalSteps = c.TryGetProperty("localSteps", out var steps) ? steps.GetInt32() : 0,
                Dynamic = c.TryGetProperty("dynamic", out var dynamic) ? dynamic.GetSingle() : 0,
                Scaffold = c.TryGetProperty("scaffold", out var scaffold) && scaffold.GetBoolean(),

                // Absent before the statistics round: a gradient round.
                Statistics = c.TryGetProperty("statistics", out var statistics) && statistics.GetBoolean(),

                // Absent before the validation gate: no gate.
                Gate = c.TryGetProperty("gate", out var gate) && gate.GetBoolean(),
            };
            var heads = message[(9 + length)..];
            var fleetHead = ReadOnlyMemory<byte>.Empty;
            long fleetVersion = 0;
            if (root.TryGetProperty("fleet", out var fleet))
            {
                var fleetLength = fleet.GetProperty("length").GetInt32();
                if (fleetLength <= 0 || fleetLength > heads.Length)
                {
                    throw new InvalidDataException($"The fleet head's length {fleetLength} does not fit the message.");
                }

                fleetHead = heads[^fleetLength..];
                heads = heads[..^fleetLength];
                fleetVersion = fleet.GetProperty("version").GetInt64();
                if (Convert.ToHexStringLower(SHA256.HashData(fleetHead.Span)) != fleet.GetProperty("sha256").GetString())
                {
                    throw new InvalidDataException("The fleet head's SHA-256 does not match its bytes.");
                }
            }

            var global = new GlobalHead(
                root.GetProperty("version").GetInt64(),
                root.GetProperty("round").GetInt64(),
                root.GetProperty("deadline").GetDateTimeOffset(),
                config,
                heads) { Signature = signature, SignedBytes = message, FleetHeadBytes = fleetHead, FleetVersion = fleetVersion };
            return global.Sha256 == root.GetProperty("sha256").GetString()
                ? global
                : throw new InvalidDataException("The global head's SHA-256 does not match its bytes.");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException("The global head header is not valid: " + ex.Message, ex);
        }
    }

    /// <summary>Short text for logs.</summary>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"v{Version} round {Round} ({Sha256[..12]})");
}
