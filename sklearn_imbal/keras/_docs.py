"""Documentation of the Keras classifiers' shared parameters and attributes, written once.

Injected into each classifier's docstring by
:func:`~sklearn_imbal.utils._docstring.fill_doc` (a line ``{name}`` per entry), so
the classifiers cannot describe one parameter two ways. ``tests/test_docstrings.py``
checks that every public estimator documents exactly its signature's parameters.
"""

__all__ = ["SHARED_ATTRIBUTES", "SHARED_PARAMETERS"]

#: numpydoc entries of the training parameters, by name (``kwargs``: ``**kwargs``).
SHARED_PARAMETERS = {
    "loss": """\
loss : str, keras loss or None, default=None
    None or ``"binary_crossentropy"``: cross-entropy (sparse categorical for
    more than two classes). ``"focal"``: Keras' focal cross-entropy
    (``loss__gamma``...). ``"soft_f1"``: one minus a differentiable F-beta
    of each batch (``loss__beta``; binary only). ``"auc"``: a pairwise ROC
    AUC surrogate (``loss__margin``; binary only). Or any Keras loss name,
    class or instance, or a callable; see :mod:`sklearn_imbal.losses`.
""",
    "optimizer": """\
optimizer : str, keras.optimizers.Optimizer class or instance, default="lazy_adam"
    ``"lazy_adam"``: :class:`~sklearn_imbal.keras.LazyAdam`, Adam that updates
    only the rows of an embedding table (or of
    :class:`~sklearn_imbal.keras.SparseRowsDense`, a first layer on sparse
    input, penalty included) that a batch touches, and is Adam itself for every
    dense gradient (the ``"tfidf"`` heads, other penalized kernels).
    ``"sparse_adagrad"``: :class:`~sklearn_imbal.keras.SparseAdagrad`, Adagrad
    whose sparse updates touch only those rows (about 0.2 as learning rate).
    Or any Keras optimizer name, class or instance. Parameters may be routed
    as ``optimizer__name``.
""",
    "learning_rate_schedule": """\
learning_rate_schedule : {"constant", "cosine"}, default="constant"
    ``"cosine"``: the learning rate decays from ``learning_rate`` to 0 along a
    half cosine over the ``epochs`` of a fit (Loshchilov and Hutter, SGDR,
    ICLR 2017), so that every fit settles at the end of its run; models fitted
    on different folds then put their scores on more similar scales, which
    makes a tuned decision threshold transfer better (see the user guide's
    workflow page). ``warm_start`` refits and ``partial_fit`` refuse it (they
    would continue at the rate 0 the first fit ended with). Ignored for an
    optimizer instance.
""",
    "l2_scale": """\
l2_scale : {"sample", "dataset"}, default="sample"
    What ``l2`` is relative to. ``"sample"``: the penalty ``l2 * sum(w**2)``
    is added to the mean loss over the training samples, whatever their
    number (scikit-learn's ``SGDClassifier(alpha=l2)``). ``"dataset"``: it is
    added to their summed loss (``l2 / n_samples`` to the mean), the objective
    of scikit-learn's ``LinearSVC`` and ``LogisticRegression`` with
    ``l2 = 1 / (2 * C)``: the penalty weakens as the training set grows, so a
    value chosen by cross-validation on folds carries over to a refit on all
    the data, and one value suits small and large datasets. ``n_samples`` is
    the number of rows the fit trains on (after resampling, without the
    early-stopping validation rows; the first call's, for ``partial_fit`` and
    ``warm_start``).
""",
    "epochs": """\
epochs : int, default=20
    Training epochs (the most, with ``early_stopping``).
""",
    "batch_size": """\
batch_size : int, default=64
    Training batch size.
""",
    "class_weight": """\
class_weight : dict, "balanced", "effective_number" or None, default=None
    Weights per class, multiplied with ``sample_weight``. ``"balanced"``
    weighs each class by ``n_samples / (n_classes * count)``.
    ``"effective_number"``: by ``(1 - beta) / (1 - beta**count)`` (Cui et
    al., CVPR 2019, with ``beta=class_weight_beta``), scaled so the mean
    weight per sample is 1, like ``"balanced"``.
""",
    "class_weight_beta": """\
class_weight_beta : float in [0, 1), default=0.999
    The ``beta`` of ``class_weight="effective_number"``: 0 weighs classes
    equally, values near 1 approach ``"balanced"``.
""",
    "batch_sampling": """\
batch_sampling : {"shuffle", "balanced"}, default="shuffle"
    ``"shuffle"``: each epoch is every training sample once, in batches of
    ``batch_size`` (reshuffled if ``shuffle``). ``"balanced"``: each epoch
    is ``ceil(n_samples / batch_size)`` batches of exactly ``batch_size``
    samples, each holding the classes in ``batch_class_ratio``; rare
    classes are repeated and frequent ones subsampled, redrawn every epoch.
""",
    "batch_class_ratio": """\
batch_class_ratio : float, dict or None, default=None
    Class mix of ``"balanced"`` batches. None: equal shares (1:1). A float
    ``r`` (binary): ``classes_[1] : classes_[0] = r : 1``. A dict: relative
    shares by label, e.g. ``{"ham": 3, "spam": 1}``.
""",
    "n_iter_no_change": """\
n_iter_no_change : int, default=3
    Patience, in epochs, with ``early_stopping``.
""",
    "metrics": """\
metrics : list or None, default=None
    Keras metrics to report during training.
""",
    "shuffle": """\
shuffle : bool, default=True
    Whether to reshuffle the training data every epoch (with
    ``batch_sampling="shuffle"``).
""",
    "run_eagerly": """\
run_eagerly : bool, default=False
    Run Keras eagerly (for debugging).
""",
    "warm_start": """\
warm_start : bool, default=False
    Whether ``fit`` continues training the current model instead of
    building a new one.
""",
    "random_state": """\
random_state : int, RandomState instance or None, default=None
    Seeds weight initialization, batch order, dropout and the validation
    split. An int gives identical predictions for identical data on the
    same machine.
""",
    "verbose": """\
verbose : int, default=0
    Keras' training verbosity.
""",
    "kwargs": """\
**kwargs : dict
    Routed parameters, e.g. ``optimizer__beta_1=0.95``, ``loss__gamma=3``;
    see scikeras. With ``optimizer__use_ema=True`` the fitted weights are the
    optimizer's moving average of them, as ``Model.fit`` leaves them.
""",
}

#: numpydoc entries of the fitted attributes every Keras classifier has.
SHARED_ATTRIBUTES = {
    "class_attributes": """\
classes_ : ndarray of shape (n_classes,)
    The class labels.
n_classes_ : int
    The number of classes.
""",
    "training_attributes": """\
history_ : dict of list
    Per-epoch Keras logs (``loss``, ``val_loss``...).
n_iter_ : int
    The number of epochs trained.
best_epoch_ : int
    With ``early_stopping``, the epoch whose weights were kept.
target_encoder_ : ClassifierLabelEncoder
    scikeras' label encoder.
""",
}
