"""Peak memory of KerasVectorClassifier on a large sparse TF-IDF matrix.

Builds a 200,000 x 50,000 TF-IDF matrix (``make_imbalanced_text`` +
``TfidfVectorizer``), fits ``KerasVectorClassifier`` on it and predicts every
row, in a child process whose peak resident set size (RSS) is measured by the
parent with ``resource.getrusage(RUSAGE_CHILDREN)``. The peak is printed next
to what a dense float32 copy of the matrix would need, and next to the RSS the
child had before training (Python, TensorFlow and the data themselves).

    python benchmarks/sparse_memory.py            # 200,000 x 50,000, 1 epoch
    python benchmarks/sparse_memory.py --quick    # 20,000 x 20,000
"""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GIB = 1024**3


def current_rss():
    """This process's resident set size now, in bytes (Linux /proc)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return float("nan")


def child(args):
    """Build the matrix, fit and predict; print one JSON line of measurements."""
    sys.path.insert(0, ROOT)
    import tensorflow  # noqa: F401  (loaded before measuring the baseline)
    from sklearn.feature_extraction.text import TfidfVectorizer

    from sklearn_imbal import KerasVectorClassifier
    from sklearn_imbal.datasets import make_imbalanced_text

    result = {"rss_after_imports": current_rss()}
    start = time.perf_counter()
    texts, y = make_imbalanced_text(
        args.n_samples, weights=(0.9, 0.1), vocabulary_size=int(args.n_features * 1.2),
        length=(20, 120), random_state=0,
    )
    X = TfidfVectorizer(max_features=args.n_features, sublinear_tf=True,
                        dtype="float32").fit_transform(texts)
    del texts
    result.update(
        shape=list(X.shape), nnz=int(X.nnz), minority=float(y.mean()),
        csr_bytes=int(X.data.nbytes + X.indices.nbytes + X.indptr.nbytes),
        data_seconds=time.perf_counter() - start, rss_with_data=current_rss(),
    )
    clf = KerasVectorClassifier(hidden_units=(64,), epochs=args.epochs, batch_size=256,
                                learning_rate=0.002, random_state=0)
    start = time.perf_counter()
    clf.fit(X, y)
    result.update(fit_seconds=time.perf_counter() - start, rss_after_fit=current_rss())
    start = time.perf_counter()
    proba = clf.predict_proba(X)[:, 1]
    result.update(predict_seconds=time.perf_counter() - start, rss_after_predict=current_rss())
    from sklearn.metrics import roc_auc_score

    result["train_roc_auc"] = float(roc_auc_score(y, proba))
    # ru_maxrss is in kilobytes on Linux.
    result["peak_rss_self"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print("RESULT " + json.dumps(result), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=200_000)
    parser.add_argument("--n-features", type=int, default=50_000)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="20,000 x 20,000")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.n_samples, args.n_features = 20_000, 20_000
    if args.child:
        return child(args)

    import keras
    import scipy
    import sklearn
    import tensorflow as tf

    sys.path.insert(0, ROOT)
    import sklearn_imbal

    print(f"# sklearn_imbal {sklearn_imbal.__version__} | keras {keras.__version__} | "
          f"tensorflow {tf.__version__} | scikit-learn {sklearn.__version__} | "
          f"scipy {scipy.__version__} | {platform.machine()}, {os.cpu_count()} cores")
    command = [sys.executable, os.path.abspath(__file__), "--child",
               "--n-samples", str(args.n_samples), "--n-features", str(args.n_features),
               "--epochs", str(args.epochs)]
    completed = subprocess.run(command, capture_output=True, text=True)
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    lines = [line for line in completed.stdout.splitlines() if line.startswith("RESULT ")]
    if completed.returncode != 0 or not lines:
        print(completed.stdout[-3000:], completed.stderr[-3000:], sep="\n")
        raise SystemExit(f"child process failed with code {completed.returncode}")
    result = json.loads(lines[0][len("RESULT "):])
    n_samples, n_features = result["shape"]
    dense_bytes = n_samples * n_features * 4

    print(f"data: make_imbalanced_text + TfidfVectorizer(max_features={n_features}), "
          f"{n_samples:,} x {n_features:,}, {result['nnz']:,} non-zeros "
          f"({result['nnz'] / n_samples:.0f} per row), {result['minority']:.0%} minority; "
          f"built in {result['data_seconds']:.0f} s")
    print(f"model: KerasVectorClassifier(hidden_units=(64,), batch_size=256), "
          f"{args.epochs} epoch(s): fit {result['fit_seconds']:.0f} s, "
          f"predict_proba on all rows {result['predict_seconds']:.1f} s, "
          f"train ROC AUC {result['train_roc_auc']:.3f}")
    print()
    rows = [
        ("dense float32 copy of X (not made)", dense_bytes),
        ("CSR matrix X (float32 data, int32 indices)", result["csr_bytes"]),
        ("child RSS after importing TensorFlow", result["rss_after_imports"]),
        ("child RSS with X built", result["rss_with_data"]),
        ("child RSS after fit", result["rss_after_fit"]),
        ("child RSS after predict_proba", result["rss_after_predict"]),
        ("child PEAK RSS (getrusage, measured by parent)", peak_children),
    ]
    for name, value in rows:
        print(f"{name:<50} {value / GIB:8.2f} GiB")
    print()
    print(f"peak RSS / dense float32 size: {peak_children / dense_bytes:.3f}   "
          f"(peak {'<' if peak_children < 2 * GIB else '>='} 2 GiB target)")


if __name__ == "__main__":
    main()
