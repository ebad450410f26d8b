"""Fit time and peak memory as the number of documents grows.

One process per size: ``make_imbalanced_text(n)`` (10% minority), then one
epoch of ``KerasTextClassifier.fit`` with batches of 256, then
``predict_proba`` on all of it. The bag model (``architecture="bag"``, word
analyzer, its default word 1-2 grams, 100k-term vocabulary, 200 tokens per
text) at 10k, 100k and 1M documents; the default ``tfidf`` model (char_wb 2-5
n-grams, sparse) at 10k and 100k so its cost is known too. Reported: the time
before training starts (validation, vocabulary ``adapt``, document
frequencies, model build) and the training time separately, seconds per 100k
documents (flat = linear growth) and the process's peak RSS (target <= 4 GB at
1M: the texts stay one ``tf.string`` tensor and are vectorized batch by batch).

Run: ``python -m benchmarks scaling [--quick]`` (the suite), or one size alone:
``python -m benchmarks.scaling --n-documents 100000 --architecture bag``.
"""

import argparse
import json
import os
import resource
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

SIZES = {"bag": (10_000, 100_000, 1_000_000), "tfidf": (10_000, 100_000)}
QUICK_SIZES = {"bag": (2_000, 20_000), "tfidf": (2_000, 20_000)}
MODELS = {
    "bag": dict(architecture="bag", analyzer="word"),
    "tfidf": dict(),  # the defaults: tfidf, char_wb 2-5
}


def runs(quick):
    """(label, argv) of each process the suite runs for this benchmark."""
    sizes = QUICK_SIZES if quick else SIZES
    return [
        (f"{architecture}, {n:,} documents",
         ["--n-documents", str(n), "--architecture", architecture])
        for architecture in ("bag", "tfidf") for n in sizes[architecture]
    ]


def report(results):
    """One table: time split, seconds per 100k documents, peak RSS."""
    lines = [f"{'model':<7}{'documents':>11}{'prepare s':>11}{'train s':>9}{'fit s':>8}"
             f"{'fit s/100k':>12}{'vs first':>9}{'predict docs/s':>16}{'data MB':>9}"
             f"{'peak RSS MB':>13}"]
    first = {}
    for r in results:
        per_100k = r["fit_s"] / r["n_documents"] * 1e5
        base = first.setdefault(r["architecture"], per_100k)
        lines.append(
            f"{r['architecture']:<7}{r['n_documents']:>11,}{r['prepare_s']:>11.1f}"
            f"{r['train_s']:>9.1f}{r['fit_s']:>8.1f}{per_100k:>12.1f}{per_100k / base:>9.2f}"
            f"{r['predict_docs_per_s']:>16,.0f}{r['data_rss_mb']:>9,.0f}"
            f"{r['peak_rss_mb']:>13,.0f}"
        )
    lines.append("vs first: seconds per document relative to the smallest size (1.00 = "
                 "linear); data MB: peak RSS once the texts exist, before fitting.")
    return "\n".join(lines)


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-documents", type=int, required=True)
    parser.add_argument("--architecture", choices=sorted(MODELS), default="bag")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=256)
    args = parser.parse_args(argv)

    import keras

    from sklearn_imbal import KerasTextClassifier
    from sklearn_imbal.datasets import make_imbalanced_text

    class TrainingStart(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.time = time.perf_counter()

    start = time.perf_counter()
    X, y = make_imbalanced_text(args.n_documents, weights=(0.9, 0.1), random_state=0)
    generate_s = time.perf_counter() - start
    data_rss = peak_rss_mb()
    print(f"generated in {generate_s:.1f} s, peak RSS {data_rss:,.0f} MB", flush=True)

    clock = TrainingStart()
    clf = KerasTextClassifier(**MODELS[args.architecture], epochs=args.epochs,
                              batch_size=args.batch_size, callbacks=[clock], random_state=0)
    start = time.perf_counter()
    clf.fit(X, y)
    end = time.perf_counter()
    fit_s, prepare_s, train_s = end - start, clock.time - start, end - clock.time
    print(f"fit {fit_s:.1f} s (prepare {prepare_s:.1f} s, train {train_s:.1f} s), "
          f"peak RSS {peak_rss_mb():,.0f} MB", flush=True)

    start = time.perf_counter()
    clf.predict_proba(X)
    predict_s = time.perf_counter() - start
    print(f"predict_proba {args.n_documents / predict_s:,.0f} docs/s, "
          f"peak RSS {peak_rss_mb():,.0f} MB", flush=True)
    print("RESULT " + json.dumps({
        "architecture": args.architecture, "n_documents": args.n_documents,
        "generate_s": generate_s, "data_rss_mb": data_rss, "prepare_s": prepare_s,
        "train_s": train_s, "fit_s": fit_s,
        "predict_docs_per_s": args.n_documents / predict_s,
        "vocabulary_size": int(sum(
            layer.vocabulary_size() for layer in clf.model_.get_layer("text_stage").layers
            if isinstance(layer, keras.layers.TextVectorization)
        )),
    }), flush=True)


if __name__ == "__main__":
    main()
