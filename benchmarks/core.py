"""KerasTextClassifier costs, measured side by side in one run.

1. Fit overhead: ``KerasTextClassifier.fit`` against the same Keras model built,
   adapted and fitted directly with Keras (target: ratio <= 1.05).
2. Single-document ``predict_proba`` latency against Keras ``model.predict`` and a
   TF-IDF + LogisticRegression pipeline (target: median <= 1 ms, bag model).
3. Batch throughput in documents per second (target: >= 100k docs/s, bag model).

Run: ``python -m benchmarks core [--quick]`` (the suite), or this process alone:
``python -m benchmarks.core [--n-samples 20000] [--repeats 6]``.
"""

import argparse
import json
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

BAG = dict(architecture="bag", analyzer="word", ngrams=1, max_tokens=20_000,
           sequence_length=64, embedding_dim=32, hidden_units=0, dropout=0.0, l2=0.0,
           learning_rate=0.01, batch_size=64)


def runs(quick):
    """(label, argv) of each process the suite runs for this benchmark."""
    if quick:
        return [("bag model, make_imbalanced_text(4000), 1 epoch, 2 repeats",
                 ["--n-samples", "4000", "--epochs", "1", "--repeats", "2"])]
    return [("bag model, make_imbalanced_text(20000), 3 epochs, 6 repeats", [])]


def report(results):
    """The summary the suite prints: each measure against its target."""
    r = results[0]
    keras_x = r["keras_latency_ms"] / r["latency_ms"]
    sklearn_x = r["latency_ms"] / r["sklearn_latency_ms"]
    return "\n".join([
        f"fit overhead        ours/Keras {r['fit_ratio']:.3f}   (target <= 1.05)",
        f"one-document proba  {r['latency_ms']:.3f} ms   (target <= 1 ms); "
        f"model.predict {r['keras_latency_ms']:.1f} ms = {keras_x:.0f}x, "
        f"TF-IDF+LR {r['sklearn_latency_ms']:.3f} ms = {sklearn_x:.2f}x ours",
        f"batch throughput    {r['docs_per_s']:,.0f} docs/s   (target >= 100,000); "
        f"model.predict {r['keras_docs_per_s']:,.0f} docs/s",
        f"default tfidf       {r['tfidf_latency_ms']:.3f} ms, {r['tfidf_docs_per_s']:,.0f} docs/s",
        f"peak RSS            {r['peak_rss_mb']:,.0f} MB",
    ])


def fit_keras_directly(X, y, epochs, seed):
    """The bag model, written with plain Keras, as a user would without us."""
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    vectorizer = keras.layers.TextVectorization(
        max_tokens=BAG["max_tokens"], output_sequence_length=BAG["sequence_length"]
    )
    vectorizer.adapt(tf.data.Dataset.from_tensor_slices(X).batch(1024))
    inputs = keras.Input(shape=(), dtype="string")
    x = keras.layers.Embedding(vectorizer.vocabulary_size(), BAG["embedding_dim"],
                               mask_zero=True)(vectorizer(inputs))
    x = keras.layers.GlobalAveragePooling1D()(x)
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(x))
    model.compile(keras.optimizers.Adam(BAG["learning_rate"]), "binary_crossentropy",
                  jit_compile=False)
    model.fit(tf.constant(X), y.astype("float32"), batch_size=BAG["batch_size"],
              epochs=epochs, shuffle=True, verbose=0)
    return model


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def median_ms(function, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=20_000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=6)
    args = parser.parse_args(argv)

    import tensorflow as tf
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from sklearn_imbal import KerasTextClassifier
    from sklearn_imbal.datasets import make_imbalanced_text

    X, y = make_imbalanced_text(args.n_samples, weights=(0.9, 0.1), random_state=0)
    print(f"data: make_imbalanced_text({args.n_samples}), {y.mean():.0%} minority, "
          f"{args.epochs} epochs, bag model")

    # 1. Fit overhead. One untimed warm-up each (TensorFlow's first-use costs),
    # then interleaved runs, alternating which goes first, so drift hits both alike.
    def ours_fit(seed):
        return KerasTextClassifier(**BAG, epochs=args.epochs, random_state=seed).fit(X, y)

    def direct_fit(seed):
        return fit_keras_directly(X, y, args.epochs, seed)

    ours_fit(0), direct_fit(0)
    ours, direct = [], []
    for repeat in range(args.repeats):
        pair = [(ours_fit, ours), (direct_fit, direct)]
        for function, times in pair if repeat % 2 == 0 else pair[::-1]:
            seconds, result = timed(function, repeat)
            times.append(seconds)
            if function is ours_fit:
                clf = result
            else:
                model = result
    ratio = statistics.median(ours) / statistics.median(direct)
    print("\n## fit time (median of %d)" % args.repeats)
    print(f"KerasTextClassifier.fit   {statistics.median(ours):8.2f} s")
    print(f"Keras model.fit directly  {statistics.median(direct):8.2f} s")
    print(f"ratio                     {ratio:8.3f}   (target <= 1.05)")

    # 2. Single-document latency.
    document = ["win a free prize now, reply to claim"]
    tensor = tf.constant(document)
    baseline = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000)).fit(X, y)
    clf.predict_proba(document)
    model.predict(tensor, verbose=0)
    ours_ms = median_ms(lambda: clf.predict_proba(document), 500)
    keras_ms = median_ms(lambda: model.predict(tensor, verbose=0), 50)
    sklearn_ms = median_ms(lambda: baseline.predict_proba(document), 500)
    print("\n## single-document predict_proba latency (median)")
    print(f"KerasTextClassifier       {ours_ms:8.3f} ms   (target <= 1 ms)")
    print(f"Keras model.predict       {keras_ms:8.3f} ms   ({keras_ms / ours_ms:.0f}x slower)")
    print(f"TF-IDF + LogisticRegr.    {sklearn_ms:8.3f} ms   "
          f"(ratio ours/sklearn {ours_ms / sklearn_ms:.2f})")

    # 3. Batch throughput.
    clf.predict_proba(X[:5000])
    seconds, _ = timed(clf.predict_proba, X)
    keras_seconds, _ = timed(model.predict, tf.constant(X.tolist()), batch_size=4096, verbose=0)
    print("\n## batch throughput")
    print(f"KerasTextClassifier       {len(X) / seconds:10,.0f} docs/s   (target >= 100,000)")
    print(f"Keras model.predict       {len(X) / keras_seconds:10,.0f} docs/s")

    tfidf = KerasTextClassifier(epochs=1, random_state=0).fit(X[:5000], y[:5000])
    tfidf.predict_proba(document)
    tfidf_ms = median_ms(lambda: tfidf.predict_proba(document), 300)
    tfidf_seconds, _ = timed(tfidf.predict_proba, X)
    print("\n## default architecture (tfidf, char_wb 2-5) for reference")
    print(f"single document           {tfidf_ms:8.3f} ms")
    print(f"throughput                {len(X) / tfidf_seconds:10,.0f} docs/s")
    print("RESULT " + json.dumps({
        "fit_ratio": ratio, "fit_ours_s": statistics.median(ours),
        "fit_keras_s": statistics.median(direct), "latency_ms": ours_ms,
        "keras_latency_ms": keras_ms, "sklearn_latency_ms": sklearn_ms,
        "docs_per_s": len(X) / seconds, "keras_docs_per_s": len(X) / keras_seconds,
        "tfidf_latency_ms": tfidf_ms, "tfidf_docs_per_s": len(X) / tfidf_seconds,
    }), flush=True)


if __name__ == "__main__":
    main()
