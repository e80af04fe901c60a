namespace EdgeNode.Learning;

/// <summary>How a node learns its head (<c>EdgeNode__Learning__Head</c>; names in <see cref="HeadKinds"/>).</summary>
public enum HeadKind
{
    /// <summary><c>discriminant</c>: the shrunk linear discriminant of the exact running statistics; no replay needed.</summary>
    Discriminant,

    /// <summary><c>softmax</c>: logistic regression trained by mini-batch Adam on the replay store (the head before issue 15).</summary>
    Softmax,

    /// <summary><c>discriminant+softmax</c>: the discriminant, then refined by Adam on the replay store.</summary>
    DiscriminantSoftmax,
}
