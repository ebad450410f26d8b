"""Fit time of the Keras text models against scikit-learn's pipeline on the same texts.

Data: the SMS spam training part (exact duplicates dropped, stratified 25% test
split, ``random_state=0``: 3,400 texts). Each side runs in its own process,
measured one after the other in one run:

``sklearn``
    ``TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 6), sublinear_tf=True)`` +
    ``LinearSVC()``: the anchor, measured again in every process.
``default``
    One fit of ``make_text_search``'s default candidate (TF-IDF char_wb 1-6,
    squared hinge, ``l2=3e-4`` per sample, cosine schedule, 20 epochs; the default's
    ``l2_scale="dataset"`` penalty costs the same, and older checkouts given to
    ``--baseline`` do not know it), after one warm-up fit
    of another seed (a search pays TensorFlow's one-off start-up once, not per fit),
    the fastest of three (the anchor: the fastest of two); ``default cold`` is the
    process's first fit.
``vector``
    ``KerasVectorClassifier(epochs=20)`` (defaults: one hidden layer of 64,
    ``SparseAdagrad``) on the anchor's TF-IDF matrix (3,400 x 89,087).
``bag epoch`` / ``cnn epoch``
    Seconds per training epoch of ``architecture="bag"`` (word 1-2-grams, 64 hidden)
    and ``"cnn"`` (words): the median of epochs 2-5 of a 5-epoch fit, each timed
    by a callback (the first epoch also traces; before this checkout's epoch
    timer, the rows were the difference of a 1- and a 4-epoch fit).

Every row prints its test ROC AUC. ``--baseline DIR`` runs the same rows with
another checkout of sklearn_imbal first on ``sys.path`` (e.g. ``git worktree add
../base v0.1``), so a change is measured side by side with what it replaces;
``--demo`` also times ``sklearn-imbal demo`` end to end with each: with its
default ``--n-jobs`` (``demo``) and with ``--n-jobs 1`` (``demo n_jobs=1``, one fit
at a time in the command's process), one after the other.

Run from the repository root: ``python benchmarks/fit_speed.py [--baseline DIR] [--demo]``.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROWS = ("sklearn", "default cold", "default", "vector", "bag epoch", "cnn epoch")


def _data():
    import numpy as np
    from sklearn.model_selection import train_test_split

    from sklearn_imbal.datasets import load_sms_spam

    X, y = load_sms_spam(return_X_y=True)
    X, y = np.asarray(X, dtype=object), np.asarray(y)
    _, first = np.unique(X, return_index=True)
    keep = np.sort(first)
    return train_test_split(X[keep], y[keep], test_size=0.25, stratify=y[keep],
                            random_state=0)


def _timed(fit):
    start = time.perf_counter()
    model = fit()
    return time.perf_counter() - start, model


def worker(quick):
    """Measure every row in this process; print one JSON line."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    import sklearn_imbal
    from sklearn_imbal import KerasTextClassifier, KerasVectorClassifier

    import keras
    import numpy as np

    class EpochTimer(keras.callbacks.Callback):
        """Wall time of each epoch (no batch hooks: the fit keeps one call per epoch)."""

        def on_train_begin(self, logs=None):
            self.ends = [time.perf_counter()]

        def on_epoch_end(self, epoch, logs=None):
            self.ends.append(time.perf_counter())

        def median_after_first(self):
            # The first epoch also traces the epoch function.
            return float(np.median(np.diff(self.ends)[1:]))

    X_train, X_test, y_train, y_test = _data()
    epochs = 3 if quick else 20
    results = {"path": os.path.dirname(sklearn_imbal.__file__)}

    def auc(model, X=X_test):
        scores = (model.decision_function(X) if hasattr(model, "decision_function")
                  else model.predict_proba(X)[:, 1])
        return float(roc_auc_score(y_test, scores))

    def anchor():
        return make_pipeline(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 6), sublinear_tf=True),
            LinearSVC(),
        ).fit(X_train, y_train)

    seconds, svc = min((_timed(anchor) for _ in range(2)), key=lambda pair: pair[0])
    results["sklearn"] = (seconds, auc(svc))

    def default(seed, n_epochs=epochs):
        return KerasTextClassifier(
            architecture="tfidf", analyzer="char_wb", ngrams=6, loss="squared_hinge",
            l2=3e-4, learning_rate=0.02, learning_rate_schedule="cosine", epochs=n_epochs,
            batch_size=64, random_state=seed,
        ).fit(X_train, y_train)

    seconds, model = _timed(lambda: default(1))
    results["default cold"] = (seconds, auc(model))
    # The fastest of three fits of the same seed (the same model each time), as
    # the anchor is the fastest of two: one fit is ~2 s, and this machine's noise
    # moves one timing by a fifth.
    seconds, model = min((_timed(lambda: default(0)) for _ in range(3)),
                         key=lambda pair: pair[0])
    results["default"] = (seconds, auc(model))

    tfidf = svc.steps[0][1]
    features_train, features_test = tfidf.transform(X_train), tfidf.transform(X_test)
    seconds, model = _timed(lambda: KerasVectorClassifier(epochs=epochs, random_state=0).fit(
        features_train, y_train))
    results["vector"] = (seconds, auc(model, features_test))

    for architecture in ("bag", "cnn"):
        def embedding(n_epochs, architecture=architecture, callbacks=None):
            return KerasTextClassifier(architecture=architecture, analyzer="word",
                                       hidden_units=64, epochs=n_epochs, callbacks=callbacks,
                                       random_state=0).fit(X_train, y_train)

        embedding(1)  # warm-up: TensorFlow's start-up
        timer = EpochTimer()
        model = embedding(5, callbacks=[timer])
        results[f"{architecture} epoch"] = (timer.median_after_first(), auc(model))
    print("RESULT " + json.dumps(results), flush=True)


def _run(path, quick):
    env = {**os.environ, "PYTHONPATH": path}
    command = [sys.executable, __file__, "--worker"] + (["--quick"] if quick else [])
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True,
                            cwd=path).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


def _demo(path, *options):
    env = {**os.environ, "PYTHONPATH": path}
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", "import sys; from sklearn_imbal.cli import main; "
             "sys.exit(main())", "demo", "--output", folder, *options],
            env=env, check=True, capture_output=True, cwd=path,
        )
        return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="another sklearn_imbal checkout to compare with")
    parser.add_argument("--demo", action="store_true", help="also time sklearn-imbal demo")
    parser.add_argument("--quick", action="store_true", help="3 epochs: checks that it runs")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.quick)
        return
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sides = {"this": here}
    if args.baseline:
        sides = {"baseline": os.path.abspath(args.baseline), **sides}
    runs = {name: _run(path, args.quick) for name, path in sides.items()}
    if args.demo:
        for name, path in sides.items():
            runs[name]["demo"] = (_demo(path), float("nan"))
            runs[name]["demo n_jobs=1"] = (_demo(path, "--n-jobs", "1"), float("nan"))
    rows = ROWS + (("demo", "demo n_jobs=1") if args.demo else ())
    print(f"SMS spam training part, 3,400 texts; {os.cpu_count()} cores; "
          f"load average {os.getloadavg()[0]:.2f}")
    header = "".join(f"{name + ' s':>14}{'x sklearn':>11}{'AUC':>8}" for name in runs)
    print(f"{'row':<16}{header}" + (f"{'speed-up':>10}" if len(runs) == 2 else ""))
    for row in rows:
        cells = ""
        for result in runs.values():
            seconds, auc = result[row]
            cells += f"{seconds:14.2f}{seconds / result['sklearn'][0]:11.1f}{auc:8.4f}"
        if len(runs) == 2:
            before, after = (result[row][0] for result in runs.values())
            cells += f"{before / after:10.1f}"
        print(f"{row:<16}{cells}")


if __name__ == "__main__":
    main()
