namespace EdgeNode.Learning;

/// <summary>How the trainer turns gradients into steps.</summary>
public enum OptimizerKind
{
    /// <summary>Adam (Kingma and Ba) with bias correction.</summary>
    Adam,

    /// <summary>Stochastic gradient descent with momentum.</summary>
    Sgd,
}
