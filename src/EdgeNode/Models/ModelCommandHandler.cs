using System.Text.RegularExpressions;
using EdgeNode.Inference.Updates;
using EdgeNode.Messaging.Commands;

namespace EdgeNode.Models;

/// <summary>
/// <c>cmd/model</c>: signed model updates (docs/models.md). <c>{"action": "status"}</c> (also <c>{}</c>), <c>install</c> from a
/// path on the node, <c>begin</c>/<c>commit</c>/<c>abort</c> of a chunked transfer over MQTT, and <c>rollback</c>.
/// Every refusal is an error reply with the update's code, and the running model stays.
/// </summary>
internal sealed partial class ModelCommandHandler(ModelUpdater updater, NodeIdentity identity) : ICommandHandler
{
    /// <summary>Chunk sizes a sender may choose at <c>begin</c>.</summary>
    private const int MinChunkBytes = 1024;
    private const int MaxChunkBytes = 4 * 1024 * 1024;
    private const int DefaultChunkBytes = 256 * 1024;

    public string Verb => "model";

    public async Task<CommandReply> HandleAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        var args = request.Arguments;
        var action = args.TryGetProperty("action", out _) ? CommandArguments.RequiredString(args, "action", 16) : "status";
        try
        {
            return action switch
            {
                "status" => Status(args),
                "install" => Installed(action, await InstallAsync(args, cancellationToken)),
                "begin" => Begin(args),
                "commit" => Installed(action, await updater.CommitAsync(TransferId(args, "action", "transferId"), cancellationToken)),
                "abort" => Abort(args),
                "rollback" => Installed(action, await RollbackAsync(args, cancellationToken)),
                _ => throw new CommandException($"Unknown action '{action}'; known: status, install, begin, commit, abort, rollback."),
            };
        }
        catch (ModelUpdateException ex)
        {
            throw new CommandException(ex.Code, ex.Message);
        }
    }

    private Task<InstallReport> RollbackAsync(JsonElement args, CancellationToken cancellationToken)
    {
        CommandArguments.RejectUnknown(args, "action");
        return updater.RollbackAsync(cancellationToken);
    }

    private CommandReply Status(JsonElement args)
    {
        CommandArguments.RejectUnknown(args, "action");
        var status = updater.Status();
        return Reply("status", new JsonObject
        {
            ["active"] = Describe(status.Active),
            ["previous"] = status.Previous is { } previous ? Describe(previous) : null,
            ["health"] = status.Health,
            ["healthReason"] = status.HealthReason,
            ["transfer"] = status.Transfer is { } transfer ? Transfer(transfer) : null,
            ["trustedKeys"] = status.TrustedKeys,
        });
    }

    private Task<InstallReport> InstallAsync(JsonElement args, CancellationToken cancellationToken)
    {
        CommandArguments.RejectUnknown(args, "action", "manifest", "signature", "downgrade", "path");
        var path = CommandArguments.RequiredString(args, "path", 4096);
        return updater.InstallFileAsync(SignedManifest.Parse(args), path, cancellationToken);
    }

    private CommandReply Begin(JsonElement args)
    {
        CommandArguments.RejectUnknown(args, "action", "manifest", "signature", "downgrade", "chunkSize");
        var chunkSize = (int)(CommandArguments.OptionalInteger(args, "chunkSize", MinChunkBytes, MaxChunkBytes) ?? DefaultChunkBytes);
        var status = updater.Begin(SignedManifest.Parse(args), chunkSize);
        var fields = Transfer(status);
        fields["topic"] = identity.Topics.ModelChunks(status.TransferId);
        return Reply("begin", fields);
    }

    private CommandReply Abort(JsonElement args)
    {
        var transferId = TransferId(args, "action", "transferId");
        updater.Abort(transferId);
        return Reply("abort", new JsonObject { ["transferId"] = transferId });
    }

    private static string TransferId(JsonElement args, params ReadOnlySpan<string> allowed)
    {
        CommandArguments.RejectUnknown(args, allowed);
        var id = CommandArguments.RequiredString(args, "transferId", 32);
        return TransferIdPattern().IsMatch(id) ? id : throw new CommandException("'transferId' must be 32 lowercase hex digits (the begin reply's transferId).");
    }

    private static CommandReply Installed(string action, InstallReport report)
    {
        var fields = new JsonObject
        {
            ["model"] = Describe(report.Model),
            ["previous"] = Describe(report.Previous),
            ["health"] = report.Health,
        };
        if (report.KeyId is not null)
        {
            fields["keyId"] = report.KeyId;
        }

        if (report.Shadow is { } shadow)
        {
            fields["shadow"] = new JsonObject
            {
                ["frames"] = shadow.Frames,
                ["meanCosine"] = shadow.MeanCosine is { } cosine ? Math.Round(cosine, 5) : null,
                ["headAgreement"] = shadow.HeadAgreement is { } agreement ? Math.Round(agreement, 4) : null,
            };
        }

        return Reply(action, fields);
    }

    private static JsonObject Transfer(TransferStatus t) => new()
    {
        ["transferId"] = t.TransferId,
        ["name"] = t.Name,
        ["version"] = t.Version,
        ["size"] = t.Size,
        ["chunkSize"] = t.ChunkSize,
        ["chunks"] = t.Chunks,
        ["received"] = t.Received,
        ["rejected"] = t.Rejected,
        ["missing"] = new JsonArray([.. t.Missing.Select(i => (JsonNode)i)]),
    };

    private static JsonObject Describe(ModelInfo model) => new()
    {
        ["name"] = model.Id,
        ["version"] = model.Version,
        ["sha256"] = model.Sha256,
        ["source"] = model.Source,
    };

    private static CommandReply Reply(string action, JsonObject fields)
    {
        var reply = new JsonObject { ["action"] = action };
        foreach (var (name, value) in fields.ToList())
        {
            fields.Remove(name);
            reply[name] = value;
        }

        return CommandReply.Success(reply);
    }

    [GeneratedRegex("^[0-9a-f]{32}\\z")]
    private static partial Regex TransferIdPattern();
}
