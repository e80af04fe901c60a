namespace EdgeNode.Inference.Updates;

/// <summary>Error codes of the <c>model</c> command (docs/models.md); each refusal leaves the running model as it was.</summary>
public static class ModelUpdateErrors
{
    /// <summary>A field is missing, unknown, of the wrong type or out of range (the command router's code).</summary>
    public const string InvalidArgument = "invalid_argument";

    /// <summary>Another transfer is open, or an install is running (the command router's code).</summary>
    public const string Busy = "busy";

    /// <summary>The manifest's signature does not verify under any trusted key (or no key is trusted).</summary>
    public const string BadSignature = "bad_signature";

    /// <summary>The model would leave less than <c>EdgeNode:Models:MinFreeMegabytes</c> free on its file system.</summary>
    public const string InsufficientSpace = "insufficient_space";

    /// <summary>The signing key is limited (<c>{key}.names</c>) to other model names.</summary>
    public const string KeyNotAllowed = "key_not_allowed";

    /// <summary>A lower version than the highest installed of this name, without a valid signed override.</summary>
    public const string Downgrade = "downgrade";

    /// <summary>An <c>install</c> path outside the node's <c>incoming/</c> folder (nothing about the file is revealed).</summary>
    public const string PathNotAllowed = "path_not_allowed";

    /// <summary>The manifest's size is above <c>EdgeNode:Models:MaxModelBytes</c>.</summary>
    public const string ModelTooLarge = "model_too_large";

    /// <summary>The model's bytes are not as many as the manifest says.</summary>
    public const string SizeMismatch = "size_mismatch";

    /// <summary>The model's SHA-256 differs from the manifest's: tampered or corrupt.</summary>
    public const string HashMismatch = "hash_mismatch";

    /// <summary>The input or output tensor does not fit this node (input shape, embedding size).</summary>
    public const string SpecMismatch = "spec_mismatch";

    /// <summary>ONNX Runtime cannot load the model, or its tensors differ from the manifest.</summary>
    public const string LoadFailed = "load_failed";

    /// <summary>The warm-up run failed or produced NaN or infinity.</summary>
    public const string WarmupFailed = "warmup_failed";

    /// <summary>The shadow run on cached frames disagreed with the current model more than allowed.</summary>
    public const string ShadowRejected = "shadow_rejected";

    /// <summary>The swapped-in model failed one of its first inferences; the previous model was restored.</summary>
    public const string HealthFailed = "health_failed";

    /// <summary>The model could not be written to or read from disk.</summary>
    public const string StorageFailed = "storage_failed";

    /// <summary>The file named by <c>path</c> in <c>incoming/</c> does not exist or is not a regular file.</summary>
    public const string FileNotFound = "file_not_found";

    /// <summary>No open transfer has this id (never begun, committed, aborted or timed out).</summary>
    public const string UnknownTransfer = "unknown_transfer";

    /// <summary>A commit came before every chunk arrived.</summary>
    public const string Incomplete = "incomplete";

    /// <summary>The model is the one already running.</summary>
    public const string AlreadyActive = "already_active";

    /// <summary>A rollback was asked for but there is no previous model.</summary>
    public const string NoPreviousModel = "no_previous_model";
}
