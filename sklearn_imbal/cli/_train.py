"""``sklearn-imbal train`` and ``demo``: search, tune, test, compare with baselines, save."""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from sklearn_imbal._version import __version__
from sklearn_imbal.cli._common import (
    check_output_dir,
    import_tensorflow_quietly,
    library_versions,
    require_matplotlib,
    say,
)
from sklearn_imbal.cli._data import LabelledTexts, load_labelled
from sklearn_imbal.cli._errors import EXIT_OK, UsageError, user_errors
from sklearn_imbal.cli._model import save_model_folder
from sklearn_imbal.cli._progress import FitCounter, SearchProgress, format_duration

__all__ = ["run_demo", "run_train"]

#: The classical rows printed beside the search's: (table name, make_text_baseline kind).
BASELINES = (("char TF-IDF + LinearSVC", "char_svc"),
             ("word TF-IDF + LogisticRegression", "word_logreg"))
#: Threshold folds of each baseline (fewer where a class has fewer training texts).
BASELINE_FOLDS = 5
_TABLE = [("F1", "f1"), ("precision", "precision"), ("recall", "recall"),
          ("ROC AUC", "roc_auc"), ("avg prec", "average_precision"),
          ("threshold", "threshold")]


def _check_scoring(args):
    from sklearn.metrics import get_scorer

    from sklearn_imbal.threshold import check_threshold_scoring

    try:
        scorer = get_scorer(args.scoring)
    except ValueError:
        raise UsageError(
            f"--scoring {args.scoring!r} is not a scikit-learn scorer name; for binary "
            "text classification use f1, roc_auc, average_precision, balanced_accuracy, "
            "precision or recall (all names: sklearn.metrics.get_scorer_names())."
        ) from None
    try:
        get_scorer(args.threshold_scoring)
        check_threshold_scoring(args.threshold_scoring, name="--threshold-scoring")
    except ValueError as exc:
        message = str(exc)
        if "--threshold-scoring" not in message:
            message = (f"--threshold-scoring {args.threshold_scoring!r} is not a "
                       "scikit-learn scorer name; use f1, balanced_accuracy, precision "
                       "or recall.")
        raise UsageError(message) from None
    return scorer


def _check_class_counts(data: LabelledTexts, cv: int, test_size: float) -> None:
    """Enough texts of each label for the split, the folds and the threshold holdout."""
    counts = np.bincount(data.y, minlength=2)
    # Each training fold holds out a share to tune the threshold on, which needs
    # two texts of each label, so a label needs about 2 * cv training texts.
    needed = int(np.ceil(2 * cv / (1 - test_size))) + 1
    for label, count in zip(data.labels, counts):
        if count < needed:
            raise UsageError(
                f"{data.source} has {count} text(s) labelled {label!r}; with --cv {cv} "
                f"and --test-size {test_size} at least {needed} are needed (each "
                "cross-validation fold holds some out to tune the threshold). Use more "
                "data, or a smaller --cv."
            )


def _short_params(params: dict[str, Any]) -> dict[str, Any]:
    """``{"clf__l2": 0.0003, "sampler": "TextRandomOverSampler"}`` from the search's names."""
    short = {}
    for key, value in params.items():
        while key.startswith("estimator__"):
            key = key[len("estimator__"):]
        if hasattr(value, "get_params"):
            value = type(value).__name__
        short[key] = value if isinstance(value, (str, int, float, bool, type(None))) \
            else repr(value)
    return short


def _cv_results(search):
    results = search.cv_results_
    rows = []
    for index, params in enumerate(results["params"]):
        rows.append({
            "params": _short_params(params),
            "mean_test_score": results["mean_test_score"][index],
            "std_test_score": results["std_test_score"][index],
            "rank_test_score": results["rank_test_score"][index],
            "mean_fit_time": results["mean_fit_time"][index],
        })
    return rows


def _n_candidates(search):
    from sklearn.model_selection import ParameterGrid

    search = getattr(search, "search", search)  # make_text_search(ensemble=K)
    if hasattr(search, "n_iter"):
        return search.n_iter
    return len(ParameterGrid(search.param_grid))


def _make_search(args):
    from sklearn_imbal.search import make_text_search

    search = make_text_search(
        scoring=args.scoring, threshold_scoring=args.threshold_scoring, budget=args.budget,
        cv=args.cv, n_jobs=args.n_jobs, random_state=args.random_state,
        checkpoint=args.checkpoint, ensemble=args.ensemble,
    )
    epochs = [key for key in search.get_params() if key.endswith("clf__epochs")]
    if args.epochs is not None:
        search.set_params(**{key: args.epochs for key in epochs})
    return search, search.get_params()[epochs[0]]


def _baseline(args, kind, y_train=None):
    """An unfitted classical baseline, its threshold tuned on ``BASELINE_FOLDS`` folds."""
    from sklearn_imbal.search import make_text_baseline

    folds = BASELINE_FOLDS if y_train is None else _threshold_folds(BASELINE_FOLDS, y_train)
    return make_text_baseline(kind, threshold_scoring=args.threshold_scoring,
                              threshold_cv=folds, random_state=args.random_state)


def _baseline_summary(model, X_test, names_test, positive):
    """The test summary of a fitted baseline, with the threshold as the model applies it.

    A margin model (LinearSVC) has no probabilities: its decision values go through
    a sigmoid, which is monotone, so the ranking metrics and, with the threshold
    mapped the same way, the decisions are the model's own; the summary then shows
    the margin threshold itself.
    """
    from scipy.special import expit

    from sklearn_imbal.report import classification_summary

    if hasattr(model, "predict_proba"):
        return classification_summary(names_test, model.predict_proba(X_test)[:, 1],
                                      float(model.best_threshold_), pos_label=positive)
    summary = classification_summary(names_test, expit(model.decision_function(X_test)),
                                     float(expit(model.best_threshold_)), pos_label=positive)
    return {**summary, "threshold": float(model.best_threshold_)}


def _fit_baselines(args, X_train, y_train, X_test, names_test, positive):
    """Each baseline fitted on the training part: (name, description, summary, seconds)."""
    from sklearn_imbal.search import BASELINES as DESCRIPTIONS

    rows = []
    for name, kind in BASELINES:
        model = _baseline(args, kind, y_train)
        folds = model.cv.get_n_splits()
        say(f"baseline: fitting {name}, its threshold tuned on {folds} folds")
        started = time.monotonic()
        model.fit(X_train, y_train)
        seconds = time.monotonic() - started
        summary = _baseline_summary(model, X_test, names_test, positive)
        description = (f"{DESCRIPTIONS[kind]}, threshold tuned for "
                       f"{args.threshold_scoring} on {folds} folds "
                       "(make_text_baseline)")
        rows.append((name, description, summary, seconds))
    return rows


def _table(rows):
    name_width = max(len(name) for name, _ in rows)
    lines = [f"{'model':<{name_width}}  " + "  ".join(f"{h:>9}" for h, _ in _TABLE)]
    for name, summary in rows:
        lines.append(f"{name:<{name_width}}  "
                     + "  ".join(f"{summary[key]:>9.3f}" for _, key in _TABLE))
    return "\n".join(lines)


def _progress_mode(args):
    if args.no_progress:
        return "off"
    return "bar" if sys.stderr.isatty() else "lines"


def _use_default_n_jobs(stack, args, n_fits):
    """Without ``--n-jobs``, with loky: workers for every core, if worth it.

    Each worker runs its fits with ``--tensorflow-threads`` threads, so
    ``cores // threads`` workers use every core without oversubscribing it; a
    search with fewer than :data:`FITS_PER_WORKER` fits per worker runs them one
    at a time in this process (TensorFlow's ops then use every core). A given
    ``--n-jobs``, and the Dask backend (all its workers), are left as they are.
    Sets ``args.n_jobs`` to the number chosen and enters it as joblib's default
    inside ``search_backend``'s configuration.
    """
    import joblib

    from sklearn_imbal.cli._parser import FITS_PER_WORKER

    if args.n_jobs is not None or args.backend != "loky":
        return
    workers = max(1, joblib.cpu_count() // args.tensorflow_threads)
    args.n_jobs = workers if workers > 1 and n_fits >= FITS_PER_WORKER * workers else 1
    # Nested: the backend, its thread limit and initializer are inherited.
    stack.enter_context(joblib.parallel_config(n_jobs=args.n_jobs))


def _parallel_line(args):
    """What the loky search runs its fits on, for the log."""
    import joblib

    if args.n_jobs == 1:
        return "parallel: one fit at a time in this process (--n-jobs to change)"
    workers = joblib.cpu_count() if args.n_jobs == -1 else args.n_jobs
    threads = args.tensorflow_threads
    return (f"parallel: {workers} worker processes, {threads} TensorFlow "
            f"thread{'s' if threads > 1 else ''} each (--n-jobs to change)")


def _enter_backend(stack, args):
    """Enter ``search_backend`` (validates the parallel options; Dask connects here)."""
    from sklearn_imbal.parallel import search_backend

    local_dask = args.backend == "dask" and args.scheduler is None
    if not args.debug and local_dask and importlib.util.find_spec("distributed"):
        _quiet_local_dask_workers(stack)
    with user_errors(ValueError, ImportError, OSError, TimeoutError,
                     prefix=f"--backend {args.backend}: "):
        stack.enter_context(search_backend(
            args.backend, n_jobs=args.n_jobs, scheduler=args.scheduler,
            n_workers=args.n_workers, tensorflow_threads=args.tensorflow_threads,
        ))
    if not args.debug and args.backend == "loky":
        import joblib

        from sklearn_imbal.cli._workers import quiet_limit_tensorflow_threads

        # search_backend's loky configuration with its initializer swapped for
        # one that hides TensorFlow's start-up lines; n_jobs is inherited.
        stack.enter_context(joblib.parallel_config(
            backend="loky", inner_max_num_threads=args.tensorflow_threads,
            initializer=quiet_limit_tensorflow_threads, initargs=(args.tensorflow_threads,),
        ))


def _quiet_local_dask_workers(stack):
    """The local cluster's workers import TensorFlow quietly; its shutdown is not logged."""
    import logging

    import dask

    preloads = list(dask.config.get("distributed.worker.preload", default=[]) or [])
    stack.enter_context(dask.config.set(
        {"distributed.worker.preload": [*preloads, "sklearn_imbal.cli._workers"]}))
    # Workers that hold TensorFlow take more than the nanny's 4 s to exit when the
    # cluster closes; the nanny then kills them and logs a warning each time,
    # which is about its own shutdown, not about the search.
    nanny = logging.getLogger("distributed.nanny")
    level = nanny.level
    nanny.setLevel(logging.ERROR)
    stack.callback(nanny.setLevel, level)


def _fit_search(args, search, X_train, y_train, scorer):
    """``search.fit`` with the progress display (inside the backend's context)."""
    # A remote cluster's workers may not reach this machine's temporary folder,
    # so fits are not counted there; only the elapsed time is shown.
    total = None if args.scheduler else _n_candidates(search) * args.cv
    from sklearn_imbal.search import CheckpointMismatchError

    with contextlib.ExitStack() as stack:
        if args.checkpoint is None:
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="sklearn-imbal-"))
        else:
            # The counter is part of the scoring, hence of the checkpoint's key, so
            # its path must not change between runs; the fits an earlier run
            # finished are then counted as done.
            folder = args.checkpoint
            with user_errors(OSError, prefix=f"--checkpoint {args.checkpoint}: "):
                Path(folder).mkdir(parents=True, exist_ok=True)
            reused = len(list(Path(folder, "fits").glob("*.json")))
            if reused:
                say(f"checkpoint: {folder} holds {reused} finished fit"
                    f"{'s' if reused > 1 else ''} of an earlier run; they are reused")
        counter = str(Path(folder, "progress"))
        getattr(search, "search", search).set_params(scoring=FitCounter(scorer, counter))
        if args.ensemble:
            after = f"{_best(args.ensemble)} ({args.ensemble * (search.threshold_cv + 1)} fits)"
        else:
            after = f"refitting the best candidate: {_refit_line(search, len(y_train))}"
        with SearchProgress(total, counter, sys.stderr, mode=_progress_mode(args),
                            after=after), \
                user_errors(CheckpointMismatchError):
            search.fit(X_train, y_train)


def _load_and_split(args):
    from sklearn.model_selection import train_test_split

    data = load_labelled(
        args.data, text_column=args.text_column, label_column=args.label_column,
        positive_label=args.positive_label, input_format=args.input_format,
        encoding=args.encoding, sep=args.sep, n_samples=args.n_samples,
        drop_duplicates=not args.keep_duplicates, random_state=args.random_state,
    )
    _check_class_counts(data, args.cv, args.test_size)
    X_train, X_test, y_train, y_test = train_test_split(
        data.texts, data.y, test_size=args.test_size, stratify=data.y,
        random_state=args.random_state,
    )
    say(f"data: {data.source}: {data.y.shape[0]:,} texts "
        f"({data.n_duplicates_dropped:,} duplicates dropped), {int(data.y.sum()):,} "
        f"labelled {data.labels[1]!r}; {len(y_train):,} for training, {len(y_test):,} "
        f"for the test (stratified, random_state {args.random_state})")
    return data, X_train, X_test, y_train, y_test


def _model_description(search):
    """What ``model.skops`` holds without ``--ensemble``, for the report."""
    folds = _refit_folds(search)
    tuned = (f"threshold tuned on {folds} folds" if folds else
             f"threshold tuned on a {search.estimator.cv} holdout")
    return ("make_text_search's best estimator: HoldoutThresholdClassifier(Pipeline("
            f"[sampler, KerasTextClassifier])), {tuned}")


def _threshold_folds(wanted, y_train):
    """Threshold folds the rarer label can fill: at most one per text of it, at least 2."""
    # _check_class_counts leaves at least 2 * --cv >= 4 training texts per class.
    return max(2, min(wanted, int(np.bincount(y_train).min())))


def _refit_folds(search):
    """The threshold folds of the search's refit; None: the holdout as searched."""
    refit_params = getattr(search, "refit_params", None)  # None: a plain GridSearchCV
    return refit_params["cv"].get_n_splits() if refit_params else None


def _refit_line(search, n_train):
    """What the refit of the best candidate costs, for the log."""
    folds = _refit_folds(search)
    if folds is None:
        return f"on all {n_train:,} training texts"
    return (f"threshold tuned on {folds} folds, then fitted on all {n_train:,} "
            f"training texts ({folds + 1} fits)")


def _best(k):
    """What ``--ensemble k`` trains after the search, for the log."""
    if k == 1:
        return "the best candidate"
    return f"the {k} best candidates, probabilities averaged"


def _check_threshold_folds(args, model, n_candidates, y_train):
    """The refit's or ``--ensemble``'s threshold folds, as many as the rarer label can fill."""
    if not args.ensemble:
        folds = _refit_folds(model)
        if folds is not None and _threshold_folds(folds, y_train) < folds:
            from sklearn.model_selection import StratifiedKFold

            fewer = StratifiedKFold(_threshold_folds(folds, y_train), shuffle=True,
                                    random_state=args.random_state)
            model.set_params(refit_params={**model.refit_params, "cv": fewer})
        return
    # --ensemble K: at most the candidates.
    if args.ensemble > n_candidates:
        raise UsageError(f"--ensemble {args.ensemble} is more than the {n_candidates} "
                         f"candidates of --budget {args.budget}; give at most "
                         f"{n_candidates}.")
    # As for the baselines: fewer folds where a label has few training texts.
    folds = _threshold_folds(model.threshold_cv, y_train)
    model.set_params(threshold_cv=folds)
    say(f"ensemble: {_best(args.ensemble)}, threshold tuned on {folds} folds, "
        f"refitted on all training texts: {args.ensemble * (folds + 1)} more Keras fits "
        "after the search")


def _print_results(args, search, summary, baselines, n_test_positive, n_test):
    positive = summary["pos_label"]
    print(f"\ntest set: {n_test:,} texts, {n_test_positive:,} labelled {positive!r}; "
          "never used for fitting, selection or threshold tuning\n")
    name = "Keras search (make_text_search)"
    if args.ensemble:
        name = f"Keras ensemble, {args.ensemble} best (make_text_search)"
    print(_table([(name, summary)]
                 + [(name, row_summary) for name, _, row_summary, _ in baselines]))
    print("(the LinearSVC threshold is a margin of its decision_function)")
    params = _short_params(search.best_params_)
    print(f"\nbest candidate: {', '.join(f'{k}={v}' for k, v in sorted(params.items()))}")
    print(f"its cross-validated {args.scoring}: {search.best_score_:.4f}; decision "
          f"threshold {summary['threshold']:.3f} (tuned for {args.threshold_scoring})")


def run_train(args: argparse.Namespace, argv: list[str] | None = None) -> int:
    """The ``train`` command; returns the exit code."""
    from sklearn_imbal.report import classification_summary, write_report

    started = time.monotonic()
    output = Path(args.output)
    check_output_dir(output)
    scorer = _check_scoring(args)
    if not args.no_figures:
        require_matplotlib()
    with contextlib.ExitStack() as stack:
        _enter_backend(stack, args)
        data, X_train, X_test, y_train, y_test = _load_and_split(args)
        import_tensorflow_quietly(args.debug)
        search, epochs = _make_search(args)
        n_candidates = _n_candidates(search)
        _check_threshold_folds(args, search, n_candidates, y_train)
        _use_default_n_jobs(stack, args, n_candidates * args.cv)
        say(f"search: {n_candidates} candidate{'s' if n_candidates > 1 else ''} x "
            f"{args.cv} folds = {n_candidates * args.cv} Keras fits of {epochs} epochs "
            f"(budget {args.budget!r}){'' if args.ensemble else ', then the refit'}; "
            f"selected by {args.scoring}, "
            f"threshold tuned for {args.threshold_scoring}")
        if args.backend == "loky":
            say(_parallel_line(args))
        search_started = time.monotonic()
        _fit_search(args, search, X_train, y_train, scorer)
        search_seconds = time.monotonic() - search_started
        positive = data.labels[1]
        names_test = np.asarray(data.labels)[y_test]
        # Inside the backend: the baselines' threshold folds run on its workers.
        baselines = _fit_baselines(args, X_train, y_train, X_test, names_test, positive)
    model = search if args.ensemble else search.best_estimator_
    search = getattr(search, "search_", search)

    baseline_seconds = sum(seconds for *_, seconds in baselines)
    proba = model.predict_proba(X_test)[:, 1]
    threshold = float(model.best_threshold_)
    summary = classification_summary(names_test, proba, threshold, pos_label=positive)
    _print_results(args, search, summary, baselines, int(y_test.sum()), len(y_test))

    described = {**data.describe(), "test_size": args.test_size,
                 "random_state": args.random_state, "n_train": len(y_train),
                 "n_test": len(y_test), "n_test_positive": int(y_test.sum())}
    say(f"writing: {output}/")
    files = save_model_folder(model, output, {
        "labels": data.labels, "positive_label": positive, "threshold": threshold,
        "threshold_scoring": args.threshold_scoring, "data_sha256": described["sha256"],
        "sklearn_imbal_version": __version__,
    })
    total_seconds = time.monotonic() - started
    metadata = {
        "command": args.command,
        "argv": argv,
        "data": described,
        "model": {"description": _model_description(search) if not args.ensemble else (
                      f"make_text_search(ensemble={args.ensemble}): SearchEnsembleClassifier, "
                      f"the mean probability of the {args.ensemble} best candidates, "
                      f"threshold tuned on {model.threshold_cv} folds"),
                  "threshold": threshold, "best_params": _short_params(search.best_params_),
                  "ensemble": args.ensemble},
        "search": {"scoring": args.scoring, "threshold_scoring": args.threshold_scoring,
                   "budget": args.budget, "epochs": epochs, "cv": args.cv,
                   "n_candidates": n_candidates, "backend": args.backend,
                   "n_jobs": args.n_jobs, "best_score": search.best_score_,
                   "best_index": search.best_index_, "cv_results": _cv_results(search)},
        "baselines": [{"name": name, "description": description, "summary": row_summary,
                       "seconds": seconds} for name, description, row_summary, seconds
                      in baselines],
        "versions": library_versions(),
        "timing_seconds": {"search_and_refit": search_seconds,
                           "baselines": baseline_seconds,
                           "total": total_seconds},
    }
    files.update(write_report(
        output, names_test, proba, threshold, pos_label=positive,
        scoring=args.threshold_scoring, metadata=metadata,
        figures=None if args.no_figures else "all",
    ))
    print(f"wall time: {format_duration(total_seconds)} (search and refit "
          f"{format_duration(search_seconds)}, baselines {baseline_seconds:.1f} s)")
    print(f"wrote {output}/: " + ", ".join(path.name for path in files.values()))
    return EXIT_OK


def run_demo(args: argparse.Namespace, argv: list[str] | None = None) -> int:
    """The ``demo`` command: ``train`` on the SMS data with a small budget."""
    say("demo: training on the SMS Spam Collection (offline copy); about a minute on 2 cores")
    code = run_train(args, argv)
    output = Path(args.output)
    print(f"\nnext: echo 'WINNER!! Claim your free prize now' | "
          f"sklearn-imbal predict --model {output}")
    return code
