namespace EdgeNode.Core;

/// <summary>
/// Labelled embeddings kept for training the head (the replay store): at most a fixed number per class,
/// chosen by reservoir sampling, so old classes stay represented however many new labels arrive.
/// </summary>
public interface ISampleStore
{
    /// <summary>
    /// Offers a labelled sample to its class's reservoir of <paramref name="capacityPerClass"/> slots. Throws
    /// <see cref="SampleRefusedException"/>, having written nothing, when a bound of the store or the file is reached.
    /// </summary>
    ValueTask<SampleAddResult> AddAsync(NewSample sample, int capacityPerClass, CancellationToken cancellationToken);

    /// <summary>Samples matching <paramref name="query"/>, newest first.</summary>
    ValueTask<IReadOnlyList<LabeledSample>> ListAsync(SampleQuery query, CancellationToken cancellationToken);

    /// <summary>Per class: samples held and samples ever offered.</summary>
    ValueTask<IReadOnlyList<SampleClassCount>> CountByClassAsync(CancellationToken cancellationToken);

    /// <summary>Removes sample <paramref name="id"/> (undoing a label) and uncounts it from its class; false when there is no such sample.</summary>
    ValueTask<bool> RemoveAsync(long id, CancellationToken cancellationToken);
}

/// <summary>A labelled sample to store.</summary>
/// <param name="Label">Class name.</param>
/// <param name="Source">Where the label came from: <c>mqtt</c>, <c>button</c>, <c>folder</c>…</param>
/// <param name="ModelId">Backbone that produced <paramref name="Embedding"/> (embeddings of different backbones do not mix).</param>
/// <param name="Embedding">The embedding.</param>
/// <param name="CreatedAt">When it was labelled.</param>
/// <param name="ResultId">The result that was labelled, if any.</param>
/// <param name="Image">The encoded image, only when the node is configured to keep images.</param>
public sealed record NewSample(string Label, string Source, string ModelId, ReadOnlyMemory<float> Embedding, DateTimeOffset CreatedAt, string? ResultId = null, ReadOnlyMemory<byte>? Image = null);

/// <summary>A stored sample.</summary>
/// <param name="Id">Store-assigned id (increasing).</param>
/// <param name="Label">Class name.</param>
/// <param name="Source">Label source.</param>
/// <param name="ModelId">Backbone of the embedding.</param>
/// <param name="CreatedAt">When it was labelled.</param>
/// <param name="ResultId">The labelled result, if any.</param>
/// <param name="Embedding">The embedding, when requested.</param>
/// <param name="Image">The image, when stored and requested.</param>
public sealed record LabeledSample(long Id, string Label, string Source, string ModelId, DateTimeOffset CreatedAt, string? ResultId, float[]? Embedding, byte[]? Image);

/// <summary>What happened to an offered sample.</summary>
/// <param name="Stored">False when the reservoir discarded it.</param>
/// <param name="Id">Its id when stored.</param>
/// <param name="Replaced">Id of the sample it evicted, if any.</param>
public readonly record struct SampleAddResult(bool Stored, long Id, long? Replaced);

/// <summary>A filter for <see cref="ISampleStore.ListAsync"/>.</summary>
/// <param name="Label">Only this class.</param>
/// <param name="ModelId">Only embeddings of this backbone.</param>
/// <param name="Before">Only samples labelled before this time (paging backwards).</param>
/// <param name="Limit">Most rows returned.</param>
/// <param name="IncludeEmbedding">Read the embeddings.</param>
/// <param name="IncludeImage">Read the images.</param>
public sealed record SampleQuery(string? Label = null, string? ModelId = null, DateTimeOffset? Before = null, int Limit = 100, bool IncludeEmbedding = false, bool IncludeImage = false);

/// <summary>One class in the sample store.</summary>
/// <param name="Label">Class name.</param>
/// <param name="Held">Samples stored.</param>
/// <param name="Seen">Samples ever offered.</param>
public readonly record struct SampleClassCount(string Label, long Held, long Seen);
