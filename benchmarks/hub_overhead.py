"""KerasHubTextClassifier against the KerasHub model called directly, side by side.

The same tiny BERT preset (built from a config and saved to a temporary folder:
nothing downloads), the same texts, batch size, epochs and learning rate:

1. Fit throughput, texts per second of a steady epoch: the median time of the
   epochs after the first (which traces) of one fit, timed by a Keras callback
   at the epoch boundaries on both sides (no batch hooks: our epoch loop runs an
   epoch in one traced call, Keras' ``fit`` 32 steps per call). Directly:
   ``TextClassifier.from_preset``, ``compile`` (Adam, binary cross-entropy) and
   ``fit`` on the list of texts
   (KerasHub tokenizes in its ``tf.data`` pipeline, every epoch). Ours tokenizes
   once per fit and trains on the cached token ids.
2. Total fit time (loading, tokenizing, tracing included) of that fit.
3. Single-text predict latency (median of many calls, interleaved):
   ``predict_proba([text])`` against the KerasHub model's preprocessor and model
   in one traced ``tf.function`` (the fastest direct call) and against
   ``task.predict([text])``.

Target: wrapper overhead at most 5% (ratios ours/direct <= 1.05 for throughput
time and latency against the traced call).

Run: ``python -m benchmarks.hub_overhead [--n-samples 2000] [--epochs 4]
[--repeats 2] [--sequence-length 64]``. Needs ``pip install "sklearn-imbal[hub]"``.
"""

import argparse
import os
import statistics
import tempfile
import time
from collections import Counter

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
# Training steps per call of Keras' fit on the direct side (its fastest setting here).
_STEPS_PER_EXECUTION = 32


def epoch_timer(record):
    """A Keras callback appending each epoch's wall time to ``record``."""
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            record.append(time.perf_counter() - self.start)

    return EpochTimer()


def tiny_preset(folder, texts, *, hidden_dim, num_layers, max_sequence_length):
    """A small BERT text classifier on the texts' words, saved as a preset folder."""
    import keras_hub

    words = [w for w, _ in Counter(" ".join(texts).lower().split()).most_common(5000)]
    tokenizer = keras_hub.models.BertTokenizer(vocabulary=SPECIAL + words, lowercase=True)
    preprocessor = keras_hub.models.BertTextClassifierPreprocessor(
        tokenizer=tokenizer, sequence_length=max_sequence_length)
    backbone = keras_hub.models.BertBackbone(
        vocabulary_size=len(SPECIAL) + len(words), num_layers=num_layers, num_heads=2,
        hidden_dim=hidden_dim, intermediate_dim=4 * hidden_dim,
        max_sequence_length=max_sequence_length)
    keras_hub.models.BertTextClassifier(
        backbone=backbone, preprocessor=preprocessor, num_classes=2,
    ).save_to_preset(folder)
    return folder


def fit_ours(preset, X, y, *, epochs, args, record):
    from sklearn_imbal import KerasHubTextClassifier

    # The epoch timer has no batch hooks: each epoch stays one traced call.
    clf = KerasHubTextClassifier(
        preset=preset, sequence_length=args.sequence_length, epochs=epochs,
        batch_size=args.batch_size, learning_rate=1e-3, dropout=0.1, random_state=0,
        callbacks=[epoch_timer(record)])
    start = time.perf_counter()
    clf.fit(X, y)
    return time.perf_counter() - start, clf


def fit_direct(preset, X, y, *, epochs, args, record):
    import keras
    import keras_hub

    start = time.perf_counter()
    task = keras_hub.models.TextClassifier.from_preset(
        preset, num_classes=1, activation="sigmoid", dropout=0.1)
    task.preprocessor.sequence_length = args.sequence_length
    task.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy",
                 metrics=None, jit_compile=False, steps_per_execution=_STEPS_PER_EXECUTION)
    task.fit(list(X), y.astype("float32"), batch_size=args.batch_size, epochs=epochs,
             shuffle=True, verbose=0, callbacks=[epoch_timer(record)])
    return time.perf_counter() - start, task


def median_latencies_ms(calls, text, n_calls):
    """Median ms per call of each of ``calls`` on ``[text]``, the calls interleaved.

    Interleaved, so that the load of a shared machine drifts over all of them alike.
    """
    for call in calls.values():
        call([text])  # traced
    times: dict = {name: [] for name in calls}
    for _ in range(n_calls):
        for name, call in calls.items():
            start = time.perf_counter()
            call([text])
            times[name].append(time.perf_counter() - start)
    return {name: 1000 * statistics.median(values) for name, values in times.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=2000)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--sequence-length", type=int, default=64)
    parser.add_argument("--hidden-dim", type=int, default=32)
    parser.add_argument("--num-layers", type=int, default=2)
    parser.add_argument("--latency-calls", type=int, default=300)
    args = parser.parse_args(argv)

    import tensorflow as tf

    from sklearn_imbal.datasets import make_imbalanced_text

    X, y = make_imbalanced_text(args.n_samples, weights=(0.9, 0.1), random_state=0)
    folder = tempfile.mkdtemp(prefix="hub_overhead_")
    preset = tiny_preset(os.path.join(folder, "tiny"), list(X), hidden_dim=args.hidden_dim,
                         num_layers=args.num_layers,
                         max_sequence_length=args.sequence_length)
    n = len(y)
    sides = {"ours": fit_ours, "direct": fit_direct}
    epoch_s: dict = {side: [] for side in sides}
    total_s: dict = {side: [] for side in sides}
    models = {}
    for _ in range(args.repeats):
        for side, fit in sides.items():  # alternated, so load drifts hit both
            record: list = []
            total, models[side] = fit(preset, X, y, epochs=1 + args.epochs, args=args,
                                      record=record)
            epoch_s[side] += record[1:]  # the first epoch traces
            total_s[side].append(total)

    ours, task = models["ours"], models["direct"]
    traced = tf.function(lambda x: task(task.preprocessor(x), training=False),
                         autograph=False).get_concrete_function(tf.TensorSpec([None], tf.string))
    text = str(X[0])
    latency = median_latencies_ms({
        "ours": ours.predict_proba,
        "direct traced": lambda t: traced(tf.constant(t)).numpy(),
    }, text, args.latency_calls)
    latency.update(median_latencies_ms({"direct predict": lambda t: task.predict(t, verbose=0)},
                                       text, max(args.latency_calls // 20, 5)))

    best = {side: statistics.median(values) for side, values in epoch_s.items()}
    total = {side: min(values) for side, values in total_s.items()}
    print(f"tiny BERT preset: {args.num_layers} layers, hidden {args.hidden_dim}, "
          f"sequence_length {args.sequence_length}; make_imbalanced_text({n}), batch "
          f"{args.batch_size}, 1+{args.epochs} epochs x {args.repeats} fits a side; epoch: "
          "median after the first; total: best fit")
    print(f"{'measure':<34}{'ours':>12}{'direct':>12}{'ours/direct':>13}")
    print(f"{'fit throughput, texts/s per epoch':<34}{n / best['ours']:>12,.0f}"
          f"{n / best['direct']:>12,.0f}{best['ours'] / best['direct']:>13.3f}  (time ratio)")
    print(f"{'fit total s (1+epochs)':<34}{total['ours']:>12.2f}{total['direct']:>12.2f}"
          f"{total['ours'] / total['direct']:>13.3f}")
    print(f"{'predict 1 text ms, vs traced call':<34}{latency['ours']:>12.2f}"
          f"{latency['direct traced']:>12.2f}{latency['ours'] / latency['direct traced']:>13.3f}")
    print(f"{'predict 1 text ms, vs task.predict':<34}{latency['ours']:>12.2f}"
          f"{latency['direct predict']:>12.2f}"
          f"{latency['ours'] / latency['direct predict']:>13.3f}")
    print("target: ours/direct <= 1.05 for the epoch time and the traced-call latency")


if __name__ == "__main__":
    main()
