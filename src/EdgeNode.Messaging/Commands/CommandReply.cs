using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeNode.Messaging.Commands;

/// <summary>
/// A command's answer: <c>{"ok": true, …fields}</c> or <c>{"ok": false, "error": {"code", "message"}}</c>.
/// </summary>
public sealed record CommandReply
{
    private CommandReply(bool ok, JsonObject? fields, CommandError? error)
    {
        Ok = ok;
        Fields = fields;
        Error = error;
    }

    /// <summary>True on success.</summary>
    public bool Ok { get; }

    /// <summary>Extra fields of a successful reply.</summary>
    public JsonObject? Fields { get; }

    /// <summary>The error of a failed reply.</summary>
    public CommandError? Error { get; }

    /// <summary>A successful reply with optional extra <paramref name="fields"/> (<c>ok</c>/<c>error</c> are reserved).</summary>
    public static CommandReply Success(JsonObject? fields = null)
    {
        if (fields is not null && (fields.ContainsKey("ok") || fields.ContainsKey("error")))
        {
            throw new ArgumentException("'ok' and 'error' are reserved reply fields.", nameof(fields));
        }

        return new(true, fields, null);
    }

    /// <summary>A failed reply.</summary>
    public static CommandReply Failure(string code, string message) => new(false, null, new CommandError(code, message));

    /// <summary>The UTF-8 JSON sent on the response topic.</summary>
    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteBoolean("ok", Ok);
            if (Fields is not null)
            {
                foreach (var (name, value) in Fields)
                {
                    w.WritePropertyName(name);
                    if (value is null)
                    {
                        w.WriteNullValue();
                    }
                    else
                    {
                        value.WriteTo(w);
                    }
                }
            }

            if (Error is not null)
            {
                w.WriteStartObject("error");
                w.WriteString("code", Error.Code);
                w.WriteString("message", Error.Message);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
