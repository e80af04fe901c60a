using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeNode.Core;
using EdgeNode.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;

namespace EdgeNode.Cli;

/// <summary>
/// <c>edgenode results [--since T] [--limit N] [--pending] [--kind K] [--json] [--db PATH]</c>: prints the
/// node's result cache, read-only, whether the node is running or not (docs/storage.md).
/// </summary>
internal static class ResultsCommand
{
    public const string Usage = "edgenode results [--since T] [--limit N] [--pending] [--kind result|sensor|event|all] [--json] [--db PATH]";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        if (!TryParse(args, out var options, out var error))
        {
            stderr.WriteLine("edgenode results: " + error);
            stderr.WriteLine("usage: " + Usage);
            return ExitCodes.Usage;
        }

        try
        {
            await using var reader = await ResultCacheReader.OpenAsync(options.Database, cancellationToken);
            var count = 0;
            await foreach (var message in reader.QueryAsync(options.Query, cancellationToken))
            {
                stdout.WriteLine(options.Json ? ToJson(message) : ToText(message));
                count++;
            }

            if (!options.Json)
            {
                stderr.WriteLine($"{count} item(s) from {options.Database}");
            }

            return ExitCodes.Success;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or SqliteException or UnauthorizedAccessException)
        {
            stderr.WriteLine("edgenode results: " + ex.Message);
            return ExitCodes.Io;
        }
    }

    private static bool TryParse(string[] args, out (string Database, ResultQuery Query, bool Json) options, out string error)
    {
        options = default;
        error = string.Empty;
        string? database = null;
        DateTimeOffset? since = null;
        var limit = 50;
        var pending = false;
        var json = false;
        MessageKind[] kinds = [MessageKind.Result];
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--pending":
                    pending = true;
                    continue;
                case "--json":
                    json = true;
                    continue;
                case "--since" or "--limit" or "--kind" or "--db" when value is null:
                    error = $"{args[i]} needs a value.";
                    return false;
                case "--since" when TryParseSince(value!, out var t):
                    since = t;
                    break;
                case "--since":
                    error = $"--since '{value}' is neither a time (2026-11-28T12:00:00Z) nor a duration (30s, 15m, 2h, 7d).";
                    return false;
                case "--limit" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0:
                    limit = n;
                    break;
                case "--limit":
                    error = $"--limit '{value}' is not a positive integer.";
                    return false;
                case "--kind" when value == "all":
                    kinds = [];
                    break;
                case "--kind" when Enum.TryParse<MessageKind>(value, ignoreCase: true, out var kind) && Enum.IsDefined(kind):
                    kinds = [kind];
                    break;
                case "--kind":
                    error = $"--kind '{value}' is not result, sensor, event or all.";
                    return false;
                case "--db":
                    database = value;
                    break;
                default:
                    error = $"unknown option '{args[i]}'.";
                    return false;
            }

            i++;
        }

        options = (database ?? ConfiguredDatabase(), new ResultQuery(since, limit, pending, kinds), json);
        return true;
    }

    /// <summary>The node's own setting: <c>EdgeNode__Storage__Path</c>, else appsettings.json, else the default.</summary>
    private static string ConfiguredDatabase() =>
        new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build()[StorageOptions.Section + ":Path"] is { Length: > 0 } path ? path : new StorageOptions().Path;

    private static bool TryParseSince(string value, out DateTimeOffset since)
    {
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out since))
        {
            return true;
        }

        var unit = value.Length > 1 ? value[^1] : ' ';
        if (double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount >= 0 && "smhd".Contains(unit, StringComparison.Ordinal))
        {
            var span = unit switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            };
            since = TimeProvider.System.GetUtcNow() - span;
            return true;
        }

        return false;
    }

    private static string ToText(StoredMessage m) =>
        string.Create(CultureInfo.InvariantCulture, $"{m.Seq,8}  {Outbox.MessageEnvelope.FormatTimestamp(m.CreatedAt)}  {m.Kind.ToString().ToLowerInvariant(),-6}  {(m.DeliveredAt is null ? "pending" : "sent"),-7}  {Encoding.UTF8.GetString(m.Payload.Span)}");

    private static string ToJson(StoredMessage m)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteNumber("seq", m.Seq);
            w.WriteString("id", m.Id);
            w.WriteString("kind", m.Kind.ToString().ToLowerInvariant());
            w.WriteString("topic", m.Topic);
            w.WriteString("createdAt", Outbox.MessageEnvelope.FormatTimestamp(m.CreatedAt));
            if (m.DeliveredAt is { } delivered)
            {
                w.WriteString("deliveredAt", Outbox.MessageEnvelope.FormatTimestamp(delivered));
            }
            else
            {
                w.WriteNull("deliveredAt");
            }

            w.WritePropertyName("payload");
            try
            {
                w.WriteRawValue(m.Payload.Span);
            }
            catch (JsonException)
            {
                w.WriteStringValue(Encoding.UTF8.GetString(m.Payload.Span));
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
