"""KerasVectorClassifier: a Keras MLP on numeric dense or scipy sparse features."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any

import keras
import numpy as np
import scipy.sparse as sp
import tensorflow as tf
from sklearn.utils.validation import validate_data

from sklearn_imbal._compat import Interval, StrOptions, classifier_tags
from sklearn_imbal.keras._base import BaseKerasClassifier
from sklearn_imbal.keras._docs import SHARED_ATTRIBUTES, SHARED_PARAMETERS
from sklearn_imbal.keras._heads import LayerSeeds, l2_per_sample, output_layer
from sklearn_imbal.keras._layers import SparseRowsDense, stored_columns, touch_rates
from sklearn_imbal.keras._text_stage import SparseRows
from sklearn_imbal.keras._training import groups_of_equal
from sklearn_imbal.utils._docstring import fill_doc

if TYPE_CHECKING:
    from sklearn_imbal._typing import RandomState

__all__ = ["KerasVectorClassifier"]


# Its own optimizer entry: the default differs from the text classifiers'.
@fill_doc(**{name: text for name, text in SHARED_PARAMETERS.items() if name != "optimizer"},
          **SHARED_ATTRIBUTES)
class KerasVectorClassifier(BaseKerasClassifier):
    """A Keras MLP classifier on numeric features that streams scipy sparse rows.

    Takes dense arrays, DataFrames or scipy sparse matrices (e.g. TF-IDF from
    ``TfidfVectorizer``, possibly after SMOTE in an imbalanced-learn
    ``Pipeline``). Sparse input is never densified: the training loop gathers
    the rows of each mini-batch into a ``tf.SparseTensor`` fed to a
    ``keras.Input(sparse=True)``, and prediction runs chunk by chunk the same
    way, so memory stays proportional to the non-zeros, not to
    ``n_samples * n_features``.

    It has the imbalance levers of :class:`~sklearn_imbal.KerasTextClassifier`
    as searchable parameters: ``loss`` (cross-entropy, ``"focal"``,
    ``"soft_f1"``, ``"auc"``), ``class_weight`` (``"balanced"``,
    ``"effective_number"``) and ``batch_sampling="balanced"``.

    Parameters
    ----------
    model : callable or keras.Model, default=None
        None uses the built-in MLP configured below. A callable
        ``model(meta, compile_kwargs, **model__params)`` returning a Keras model
        replaces it; the model receives batches of shape ``(batch,
        n_features_in_)``: a ``tf.SparseTensor`` if ``meta["sparse_input"]``
        (then build it on ``keras.Input(shape=(n_features,), sparse=True)``),
        else a dense float32 tensor.
    hidden_units : int or tuple of int, default=(64,)
        Widths of the hidden ReLU layers; an int is one layer, 0 or ``()`` none
        (an L2-regularized logistic regression).
    activation : {"relu", "gelu", "tanh", "elu", "selu", "swish"}, default="relu"
        Activation of the hidden layers.
    dropout : float, default=0.0
        Dropout rate after each hidden layer (never on the sparse input:
        Keras' dropout would densify it).
    l2 : float, default=1e-5
        L2 penalty on the Dense kernels, per weight; relative to each sample
        or to the whole training set, as ``l2_scale`` says. On sparse input
        the first hidden layer is a
        :class:`~sklearn_imbal.keras.SparseRowsDense`: each batch penalizes
        the kernel rows of the columns it holds, weighted by how rarely a
        batch holds them, which averages to the same penalty over an epoch
        and keeps the gradient sparse, so that a step costs the rows the batch
        touches (with the default ``"sparse_adagrad"``, or ``"lazy_adam"``).
    {l2_scale}
    {loss}
    optimizer : str, keras.optimizers.Optimizer class or instance, default="sparse_adagrad"
        ``"sparse_adagrad"``: :class:`~sklearn_imbal.keras.SparseAdagrad`,
        Keras' Adagrad with TensorFlow's fused kernels, whose sparse update
        touches only the rows a batch holds (exactly Adagrad's update: it has
        no decay). Against ``"lazy_adam"`` at Keras' 0.001 (this class's earlier
        default): test ROC AUC and average precision as high or higher on SMS
        TF-IDF (4 splits), Reuters ``crude`` TF-IDF (2 splits) and dense
        synthetic data (5 splits), in 0.66 to 0.76 times the fit time on the
        SMS TF-IDF matrix and 0.87 on Reuters' (``docs/benchmarks.rst``).
        Or ``"lazy_adam"`` (:class:`~sklearn_imbal.keras.LazyAdam`), or any
        Keras optimizer name, class or instance. Parameters may be routed as
        ``optimizer__name``.
    learning_rate : float, default=0.2
        The optimizer's learning rate (ignored for an optimizer instance); the
        default suits Adagrad, whose steps shrink as a weight's squared
        gradients add up (0.1 to 0.4 measured within 0.003 ROC AUC of each
        other). Use about 0.001 with ``"adam"`` or ``"lazy_adam"``.
    {learning_rate_schedule}
    {epochs}
    {batch_size}
    {class_weight}
    {class_weight_beta}
    {batch_sampling}
    {batch_class_ratio}
    early_stopping : bool, default=False
        Hold out a stratified ``validation_fraction`` of the training data, stop
        when its loss has not improved for ``n_iter_no_change`` epochs, and keep
        the weights of the best epoch. Identical rows stay on one side of the
        split, so that after ``RandomOverSampler`` no copy of a training row is
        validated on (SMOTE's new rows are not copies; see the guarantees page).
    validation_fraction : float, default=0.1
        Share of the training data held out with ``early_stopping`` (of the
        distinct rows, when some rows repeat).
    {n_iter_no_change}
    {metrics}
    callbacks : list of keras.callbacks.Callback or None, default=None
        Extra Keras callbacks for training.
    {shuffle}
    {run_eagerly}
    {warm_start}
    {random_state}
    {verbose}
    {kwargs}
    Attributes
    ----------
    model_ : keras.Model
        The fitted Keras model.
    {class_attributes}
    n_features_in_ : int
        The number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        The column names, when ``fit`` got a DataFrame with string column names.
    {training_attributes}
    See Also
    --------
    KerasTextClassifier : The same training on raw text, vectorized inside Keras.
    sklearn.neural_network.MLPClassifier : scikit-learn's MLP (no class weights,
        sparse input supported through its own solver).

    Examples
    --------
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> from imblearn.over_sampling import SMOTE
    >>> from imblearn.pipeline import make_pipeline
    >>> from sklearn_imbal import KerasVectorClassifier
    >>> texts = ["win a free prize now", "see you at lunch", "free cash, call now",
    ...          "running late, sorry", "lunch at noon?", "dinner at 8?"] * 5
    >>> labels = [1, 0, 1, 0, 0, 0] * 5
    >>> pipe = make_pipeline(
    ...     TfidfVectorizer(), SMOTE(random_state=0),
    ...     KerasVectorClassifier(hidden_units=8, learning_rate=0.05, epochs=10,
    ...                           random_state=0),
    ... ).fit(texts, labels)
    >>> pipe.predict(["free prize, call now", "see you at dinner"])
    array([1, 0])
    """

    _parameter_constraints = {
        **BaseKerasClassifier._parameter_constraints,
        "hidden_units": [Interval(Integral, 0, None, closed="left"), tuple, list],
        "activation": [StrOptions({"relu", "gelu", "tanh", "elu", "selu", "swish"})],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "l2": [Interval(Real, 0, None, closed="left")],
        "l2_scale": [StrOptions({"sample", "dataset"})],
    }

    def __init__(
        self,
        model: Callable[..., Any] | None = None,
        *,
        hidden_units: int | Sequence[int] = (64,),
        activation: str = "relu",
        dropout: float = 0.0,
        l2: float = 1e-5,
        l2_scale: str = "sample",
        loss: str | Callable[..., Any] | None = None,
        optimizer: str | type[keras.optimizers.Optimizer] | keras.optimizers.Optimizer = (
            "sparse_adagrad"
        ),
        learning_rate: float = 0.2,
        learning_rate_schedule: str = "constant",
        epochs: int = 20,
        batch_size: int = 64,
        class_weight: str | Mapping[Any, float] | None = None,
        class_weight_beta: float = 0.999,
        batch_sampling: str = "shuffle",
        batch_class_ratio: float | Mapping[Any, float] | None = None,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 3,
        metrics: Sequence[Any] | None = None,
        callbacks: Sequence[keras.callbacks.Callback] | keras.callbacks.Callback | None = None,
        shuffle: bool = True,
        run_eagerly: bool = False,
        warm_start: bool = False,
        random_state: RandomState = None,
        verbose: int = 0,
        **kwargs: Any,
    ) -> None:
        self.model = model
        self.hidden_units = hidden_units
        self.activation = activation
        self.dropout = dropout
        self.l2 = l2
        self.l2_scale = l2_scale
        self.loss = loss
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.learning_rate_schedule = learning_rate_schedule
        self.epochs = epochs
        self.batch_size = batch_size
        self.class_weight = class_weight
        self.class_weight_beta = class_weight_beta
        self.batch_sampling = batch_sampling
        self.batch_class_ratio = batch_class_ratio
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.metrics = metrics
        self.callbacks = callbacks
        self.shuffle = shuffle
        self.run_eagerly = run_eagerly
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.__dict__.update(kwargs)

    _scale_advice = (
        "Scale the features, e.g. with StandardScaler (MaxAbsScaler for sparse input)."
    )
    _divergence_hint = (
        "features on a very large scale (scale them, e.g. with StandardScaler or, for "
        "sparse input, MaxAbsScaler), "
    )

    def __sklearn_tags__(self):
        return classifier_tags(super().__sklearn_tags__(), sparse_input=True)

    def _non_finite_output_hint(self):
        if self.model is not None:
            return super()._non_finite_output_hint()
        return (
            "Their features are probably of extreme magnitude for this model. "
            + self._scale_advice
        )

    def _hidden_layers(self):
        units = self.hidden_units
        layers = tuple(units) if isinstance(units, Sequence) else (units,)
        if any(not isinstance(u, Integral) or isinstance(u, bool) or u < 0 for u in layers):
            raise ValueError(
                f"hidden_units must be an int >= 0 or a tuple of ints >= 1 (layer "
                f"widths); got {units!r}."
            )
        if len(layers) > 1 and 0 in layers:
            raise ValueError(f"hidden_units cannot contain a 0-width layer; got {units!r}.")
        return tuple(int(u) for u in layers if u)

    # ------------------------------------------------------------ input hooks
    def _validate_X(self, X, *, reset):
        if isinstance(X, str) or (
            isinstance(X, (list, tuple)) and X and isinstance(X[0], str)
        ):
            raise ValueError(self._text_input_message())
        try:
            X = validate_data(
                self, X, reset=reset, accept_sparse="csr",
                dtype=(np.float32, np.float64),
            )
        except ValueError as exc:
            if "could not convert string" in str(exc) or "strings" in str(exc):
                raise ValueError(self._text_input_message()) from exc
            raise
        values = X.data if sp.issparse(X) else X
        if X.dtype == np.float64 and values.size:
            largest = float(np.max(np.abs(values)))
            if largest > float(np.finfo(np.float32).max):
                # Keras computes in float32: these values would become infinite.
                raise ValueError(
                    f"X holds values up to {largest:.3g} in magnitude, beyond the float32 "
                    f"range ({np.finfo(np.float32).max:.3g}) the model computes in. "
                    f"{self._scale_advice}"
                )
        if sp.issparse(X) and not X.has_canonical_format:
            # Canonical rows (sorted, no duplicate columns) map directly to a
            # valid SparseTensor; fix a copy, never the caller's matrix.
            X = X.copy()
            X.sum_duplicates()
        return X

    def _sample_groups(self, X):
        # Identical rows (e.g. RandomOverSampler's copies) stay on one side of
        # the early-stopping split.
        if sp.issparse(X):
            X = X.tocsr()
            return groups_of_equal([
                (X.indices[start:stop].tobytes(), X.data[start:stop].tobytes())
                for start, stop in zip(X.indptr[:-1], X.indptr[1:])
            ])
        return groups_of_equal([row.tobytes() for row in np.ascontiguousarray(X)])

    def _text_input_message(self):
        return (
            f"{type(self).__name__} takes numeric features, but X contains strings. "
            "For raw text use KerasTextClassifier, or vectorize first, e.g. "
            "make_pipeline(TfidfVectorizer(), KerasVectorClassifier())."
        )

    def _to_tensor(self, X):
        if not sp.issparse(X):
            return tf.constant(np.asarray(X, dtype=np.float32))
        # tf.gather on the ragged rows selects rows without densifying.
        return SparseRows.from_csr(X)

    def _gather(self, x, index):
        if isinstance(x, SparseRows):
            return self._as_model_input(x.gather(index))
        return self._as_model_input(tf.gather(x, index))

    def _slice(self, x, start, stop):
        if isinstance(x, SparseRows):
            return self._as_model_input(x.slice(start, stop))
        return self._as_model_input(x[start:stop])

    def _sparse_model(self):
        inputs = getattr(self.model_, "inputs", None)
        if not inputs:
            return False
        return bool(getattr(inputs[0], "sparse", False))

    def _as_model_input(self, batch):
        # Fit on sparse then predict on dense (or the reverse) converts one
        # batch at a time, so a sparse matrix is never densified whole.
        sparse_batch = isinstance(batch, tf.SparseTensor)
        if self._sparse_model() and not sparse_batch:
            return tf.sparse.from_dense(batch)
        if sparse_batch and not self._sparse_model():
            return tf.sparse.to_dense(batch)
        return batch

    def _input_signature(self):
        if self._sparse_model():
            return tf.SparseTensorSpec([None, self.n_features_in_], tf.float32)
        return tf.TensorSpec([None, self.n_features_in_], tf.float32)

    # ----------------------------------------------------------------- model
    def _build_default_model(self, X, train, class_prior):
        hidden = self._hidden_layers()
        seeds = LayerSeeds(self._sub_seed(4))  # 1-3: validation split, shuffling, batches
        l2 = l2_per_sample(self.l2, self.l2_scale, len(train))
        regularizer = keras.regularizers.L2(l2) if l2 else None
        inputs = keras.Input(
            shape=(self.n_features_in_,), sparse=sp.issparse(X), name="features"
        )
        x = inputs
        for depth, units in enumerate(hidden):
            initializer = keras.initializers.GlorotUniform(seed=seeds())
            if depth == 0 and sp.issparse(X):
                # A step costs the kernel rows the batch touches (SparseAdagrad,
                # LazyAdam), and the L2 penalty on them keeps its gradient sparse.
                first = SparseRowsDense(units, activation=self.activation, l2=l2,
                                        kernel_initializer=initializer, name="hidden_0")
                x = first(x)
                first.set_touch_rates(touch_rates(
                    stored_columns(self._take(X, train)), len(train), self._fit_batch_size()
                ))
            else:
                x = keras.layers.Dense(
                    units, activation=self.activation, kernel_regularizer=regularizer,
                    kernel_initializer=initializer, name=f"hidden_{depth}",
                )(x)
            if self.dropout:
                x = keras.layers.Dropout(self.dropout, seed=seeds(), name=f"dropout_{depth}")(x)
        outputs = output_layer(self.n_classes_, l2=l2, class_prior=class_prior,
                               seed=seeds())(x)
        return keras.Model(inputs, outputs, name="vector_mlp"), None

    def _model_builder_extras(self, X_train):
        return {"sparse_input": sp.issparse(X_train)}
