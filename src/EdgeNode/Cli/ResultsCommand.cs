using System.CommandLine;
using System.Globalization;
using System.Text;
using EdgeNode.Common;
using EdgeNode.Storage;
using Microsoft.Data.Sqlite;

namespace EdgeNode.Cli;

/// <summary>
/// <c>edgenode results [--since T] [--limit N] [--pending] [--kind K] [--json] [--db PATH]</c>: prints the
/// node's result cache, read-only, whether the node is running or not (docs/storage.md).
/// </summary>
internal static class ResultsCommand
{
    /// <summary>The <c>results</c> verb: its flags and help.</summary>
    public static Command Create()
    {
        var since = new Option<string?>("--since") { Description = "Only items from this time (2026-11-28T12:00:00Z) or this long ago (30s, 15m, 2h, 7d).", HelpName = "T" };
        since.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !TryParseSince(r.Tokens[0].Value, out _))
            {
                r.AddError($"--since '{r.Tokens[0].Value}' is neither a time (2026-11-28T12:00:00Z) nor a duration (30s, 15m, 2h, 7d).");
            }
        });
        var limit = new Option<int>("--limit") { Description = "At most N items, newest first.", DefaultValueFactory = _ => 50, HelpName = "N" }.Positive();
        var pending = new Option<bool>("--pending") { Description = "Only items not delivered to the broker yet." };
        var kind = new Option<string>("--kind") { Description = "Which kind of item.", DefaultValueFactory = _ => "result" };
        kind.AcceptOnlyFromAmong("result", "sensor", "event", "all");
        var json = new Option<bool>("--json") { Description = "One JSON object per line." };
        var db = new Option<string?>("--db") { Description = "The database (default: the node's EdgeNode__Storage__Path).", HelpName = "PATH" };
        var command = new Command("results", "Print the local result cache, read-only (safe while the node runs).") { since, limit, pending, kind, json, db };
        command.SetAction((p, ct) =>
        {
            DateTimeOffset? from = p.GetValue(since) is { } text && TryParseSince(text, out var t) ? t : null;
            MessageKind[] kinds = p.GetRequiredValue(kind) is "all" ? [] : [Enum.Parse<MessageKind>(p.GetRequiredValue(kind), ignoreCase: true)];
            var options = (p.GetValue(db) ?? ConfiguredDatabase(), new ResultQuery(from, p.GetValue(limit), p.GetValue(pending), kinds), p.GetValue(json));
            return RunAsync(options, p.InvocationConfiguration.Output, p.InvocationConfiguration.Error, ct);
        });
        return command;
    }

    private static async Task<int> RunAsync((string Database, ResultQuery Query, bool Json) options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
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
