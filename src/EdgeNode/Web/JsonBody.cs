using System.Buffers;

namespace EdgeNode.Web;

/// <summary>
/// Reads a request's JSON body of at most <see cref="WebOptions.MaxBodyBytes"/>: a larger one is refused by its
/// Content-Length or once the limit is passed, with a JSON error and nothing applied; nothing of it is kept.
/// </summary>
internal sealed class JsonBody(IOptions<WebOptions> options)
{
    /// <summary>Takes the fields of a request from its JSON object, or refuses them (false).</summary>
    public delegate bool FieldsReader<T>(JsonElement root, out T fields);

    /// <summary>Kestrel's own limit: bodies up to this size are read to their end (and dropped) so the client gets the JSON error, not a reset.</summary>
    public const long DrainLimit = 16 * 1024 * 1024;

    /// <summary>The parsed body, or the error to answer with.</summary>
    public async Task<(JsonDocument? Document, ReadOnlyMemory<byte> Raw, IResult? Error)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var max = options.Value.MaxBodyBytes;
        var buffer = new ArrayBufferWriter<byte>(256);
        try
        {
            if (request.ContentLength > max)
            {
                await request.Body.CopyToAsync(Stream.Null, cancellationToken);
                return (null, default, TooLarge(max));
            }

            while (true)
            {
                var read = await request.Body.ReadAsync(buffer.GetMemory(4096), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > max)
                {
                    await request.Body.CopyToAsync(Stream.Null, cancellationToken);
                    return (null, default, TooLarge(max));
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, default, TooLarge(max));
        }

        if (buffer.WrittenCount == 0)
        {
            return (null, default, WebErrors.Error("bad_request", "The request needs a JSON body."));
        }

        try
        {
            return (JsonDocument.Parse(buffer.WrittenMemory), buffer.WrittenMemory, null);
        }
        catch (JsonException ex)
        {
            return (null, default, WebErrors.Error("bad_request", "The body is not JSON: " + ex.Message));
        }
    }

    /// <summary>
    /// The fields <paramref name="read"/> takes from the body's JSON object; a body that is not an object, or whose
    /// fields <paramref name="read"/> refuses, gets <c>bad_request</c> "Expected <paramref name="expected"/>." The document
    /// is disposed before this returns, so the fields must not hold on to it.
    /// </summary>
    public async Task<(T Fields, IResult? Error)> ReadObjectAsync<T>(HttpRequest request, string expected, FieldsReader<T> read, CancellationToken cancellationToken)
    {
        var (document, _, error) = await ReadAsync(request, cancellationToken);
        if (error is not null)
        {
            return (default!, error);
        }

        using (document)
        {
            var root = document!.RootElement;
            return root.ValueKind == JsonValueKind.Object && read(root, out var fields)
                ? (fields, null)
                : (default!, WebErrors.Error("bad_request", "Expected " + expected + "."));
        }
    }

    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<System.Text.Json.Nodes.JsonObject> TooLarge(int max) => WebErrors.Error("payload_too_large", $"The body is larger than {max} bytes.");
}
