"""make_text_ensemble and SearchEnsembleClassifier: averaged members, a threshold tuned
on the ensemble's out-of-fold probabilities, round trips, the command line, errors.

The Keras ensembles are module-scoped and tiny (TF-IDF architecture, 2 epochs, 2
threshold folds); what only counts fits or reads a search's ranking uses
scikit-learn's TF-IDF + LogisticRegression, which fits in milliseconds.

SearchEnsembleClassifier is not in tests/test_common_threshold.py's instance list:
scikit-learn's checks fit each instance dozens of times, and every fit here is a
search plus ``k x (threshold_cv + 1)`` more fits.
"""

import contextlib
import copy
import csv
import doctest
import io
import json
import pickle

import numpy as np
import pytest
from conftest import assert_float32_close, make_texts
from imblearn.pipeline import Pipeline
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.naive_bayes import MultinomialNB
from sklearn.svm import LinearSVC
from sklearn.utils import get_tags

import sklearn_imbal
import sklearn_imbal.ensemble
from sklearn_imbal import (
    KerasTextClassifier,
    SearchEnsembleClassifier,
    make_text_baseline,
    make_text_ensemble,
    make_text_search,
)
from sklearn_imbal.cli import main
from sklearn_imbal.cli._model import save_model_folder
from sklearn_imbal.sampling import TextRandomOverSampler
from sklearn_imbal.threshold import HoldoutThresholdClassifier

TINY = dict(architecture="tfidf", analyzer="word", epochs=2, batch_size=16,
            learning_rate=0.05, random_state=0)
TINY_SPACE = [
    {"estimator__sampler": [TextRandomOverSampler(random_state=0)],
     "estimator__clf__class_weight": [None]},
    {"estimator__sampler": ["passthrough"], "estimator__clf__class_weight": ["balanced"]},
]

FITS = []  # the number of rows of every CountingLogisticRegression fit


class CountingLogisticRegression(LogisticRegression):
    """LogisticRegression that records the rows of each fit (clones share FITS)."""

    def fit(self, X, y, sample_weight=None):
        FITS.append(X.shape[0])
        return super().fit(X, y, sample_weight=sample_weight)


def counting_member(C=1.0):
    return Pipeline([("tfidf", TfidfVectorizer()), ("clf", CountingLogisticRegression(C=C))])


def keras_member():
    return Pipeline([("sampler", TextRandomOverSampler(random_state=0)),
                     ("clf", KerasTextClassifier(**TINY))])


@pytest.fixture(scope="module")
def seeded(text_data):
    """One tiny Keras pipeline x seeds (0, 1): 2 x (2 + 1) = 6 Keras fits."""
    X, y = text_data
    return make_text_ensemble([keras_member()], seeds=[0, 1], threshold_cv=2).fit(X, y)


@pytest.fixture(scope="module")
def logreg_search(text_data):
    """A fitted search of make_text_baseline's threshold step over three C values."""
    X, y = text_data
    return GridSearchCV(make_text_baseline("word_logreg", threshold_cv=0.25),
                        {"estimator__clf__C": [0.01, 1.0, 100.0]}, scoring="f1",
                        cv=3).fit(X, y)


@pytest.fixture(scope="module")
def search_ensemble(text_data):
    """make_text_search(ensemble=2) on tiny settings: 2 x 2 + 1 search fits, then 2 x 3."""
    X, y = text_data
    model = make_text_search(param_space=TINY_SPACE, cv=2, ensemble=2)
    model.set_params(threshold_cv=2, **{f"search__estimator__estimator__clf__{key}": value
                                        for key, value in TINY.items()})
    return model.fit(X, y)


# ---------------------------------------------------------------- what it is
@pytest.mark.smoke
def test_an_ensemble_is_scikit_learn_pieces():
    ensemble = make_text_ensemble([keras_member(), counting_member()], threshold_cv=4)
    assert isinstance(ensemble, HoldoutThresholdClassifier)
    assert ensemble.refit is True and ensemble.scoring == "f1"
    assert ensemble.cv.get_n_splits() == 4 and ensemble.cv.shuffle
    voting = ensemble.estimator
    assert type(voting).__name__ == "VotingClassifier" and voting.voting == "soft"
    assert [name for name, _ in voting.estimators] == ["kerastextclassifier",
                                                       "countinglogisticregression"]
    # Raw text in, as its members take: the threshold step checks X as text.
    tags = get_tags(ensemble).input_tags
    assert tags.string and not tags.two_d_array
    with pytest.raises(TypeError, match=r"X\[0\]"):
        ensemble.fit([1, 2, 3, 4], [0, 1, 0, 1])


def test_names_are_kept_or_made_readable_and_unique():
    named = make_text_ensemble([("a", counting_member()), counting_member(), counting_member()])
    assert [name for name, _ in named.estimator.estimators] == [
        "a", "countinglogisticregression-1", "countinglogisticregression-2"]


def test_fit_predict_and_the_threshold(seeded, text_data):
    X, y = text_data
    proba = seeded.predict_proba(X)
    assert proba.shape == (len(y), 2) and np.isfinite(proba).all()
    assert 0 < seeded.best_threshold_ < 1
    np.testing.assert_array_equal(seeded.predict(X),
                                  (proba[:, 1] >= seeded.best_threshold_).astype(int))
    np.testing.assert_array_equal(seeded.classes_, [0, 1])


def test_probabilities_are_the_mean_of_the_members(seeded, text_data):
    X, _ = text_data
    members = seeded.estimator_.estimators_
    assert len(members) == 2
    mean = np.mean([member.predict_proba(X) for member in members], axis=0)
    np.testing.assert_array_equal(seeded.predict_proba(X), mean)


def test_seeds_give_differently_seeded_members(seeded, text_data):
    X, _ = text_data
    names = [name for name, _ in seeded.estimator.estimators]
    assert names == ["kerastextclassifier_seed0", "kerastextclassifier_seed1"]
    first, second = seeded.estimator_.estimators_
    for member, seed in ((first, 0), (second, 1)):
        assert member.named_steps["clf"].random_state == seed
        assert member.named_steps["sampler"].random_state == seed
    assert np.abs(first.predict_proba(X) - second.predict_proba(X)).max() > 1e-4


def test_one_text_takes_the_fast_path_and_agrees_with_the_batch(seeded, text_data):
    X, _ = text_data
    batch = seeded.predict_proba(X[:8])
    for i in range(3):
        assert_float32_close(seeded.predict_proba(X[i:i + 1]), batch[i:i + 1])
        assert seeded.predict(X[i:i + 1])[0] == seeded.predict(X[:8])[i]


def test_threshold_is_tuned_out_of_fold_then_members_refit_on_all_rows(text_data):
    X, y = text_data
    FITS.clear()
    ensemble = make_text_ensemble([counting_member(0.1), counting_member(10.0)],
                                  threshold_cv=3).fit(X, y)
    # k x (cv + 1) fits: each member on each of 3 training folds, then on all rows.
    assert len(FITS) == 2 * (3 + 1)
    # (scikit-learn refits on all rows first, then fits the folds.)
    assert sorted(FITS) == [len(y) * 2 // 3] * 6 + [len(y)] * 2
    assert all(len(member.named_steps["tfidf"].vocabulary_) > 0
               for member in ensemble.estimator_.estimators_)


def test_search_ensemble_skips_the_searchs_own_refit(text_data):
    X, y = text_data
    search = GridSearchCV(counting_member(), {"clf__C": [0.1, 1.0, 10.0]}, scoring="f1", cv=2)
    FITS.clear()
    model = SearchEnsembleClassifier(search, k=2, threshold_cv=3).fit(X, y)
    # 3 candidates x 2 folds, then 2 members x (3 folds + all rows); no refit of the best.
    assert len(FITS) == 3 * 2 + 2 * (3 + 1)
    assert FITS.count(len(y)) == 2
    assert not hasattr(model.search_, "best_estimator_")
    assert model.search_.best_params_ in model.search_.cv_results_["params"]
    assert search.refit is True  # the given search is not changed


def test_get_params_set_params_and_clone(seeded):
    params = seeded.get_params()
    key = "estimator__kerastextclassifier_seed1__clf__random_state"
    assert params[key] == 1 and params["estimator__voting"] == "soft"
    copied = clone(seeded)
    assert not hasattr(copied, "estimator_")
    assert copied.get_params()[key] == 1
    copied.set_params(**{"estimator__kerastextclassifier_seed1__clf__epochs": 5})
    assert copied.estimator.estimators[1][1].named_steps["clf"].epochs == 5
    assert seeded.estimator.estimators[1][1].named_steps["clf"].epochs == 2


def test_pickle_round_trip(seeded, text_data):
    X, _ = text_data
    restored = pickle.loads(pickle.dumps(seeded))
    assert restored.best_threshold_ == seeded.best_threshold_
    assert_float32_close(restored.predict_proba(X), seeded.predict_proba(X))


def test_skops_round_trip_keeps_every_member(seeded, text_data, tmp_path):
    X, _ = text_data
    path = sklearn_imbal.save_model(seeded, tmp_path / "ensemble.skops")
    loaded = sklearn_imbal.load_model(path)
    assert_float32_close(loaded.predict_proba(X), seeded.predict_proba(X))
    voting = loaded.estimator_
    assert type(voting.named_estimators_).__name__ == "Bunch"
    assert voting.named_estimators_.kerastextclassifier_seed0 is voting.estimators_[0]


# --------------------------------------------------------------- from a search
def test_search_gives_its_top_k_candidates(logreg_search):
    ensemble = make_text_ensemble(search=logreg_search, k=2)
    ranks = logreg_search.cv_results_["rank_test_score"]
    best = list(np.argsort(ranks, kind="stable")[:2])
    members = ensemble.estimator.estimators
    assert [name for name, _ in members] == [f"candidate{i}" for i in best]
    for (_, member), index in zip(members, best):
        # The pipeline inside the search's threshold step, with the candidate's C.
        assert type(member).__name__ == "Pipeline"
        wanted = logreg_search.cv_results_["params"][index]["estimator__clf__C"]
        assert member.named_steps["clf"].C == wanted
        assert not hasattr(member, "steps") or not hasattr(member[-1], "coef_")  # unfitted


def test_search_ties_are_broken_by_candidate_order(logreg_search):
    tied = copy.deepcopy(logreg_search)
    tied.cv_results_["rank_test_score"] = np.array([2, 1, 1])
    names = [name for name, _ in make_text_ensemble(search=tied, k=2).estimator.estimators]
    assert names == ["candidate1", "candidate2"]


def test_search_without_a_threshold_step_gives_its_estimator(text_data):
    X, y = text_data
    pipe = Pipeline([("tfidf", TfidfVectorizer()), ("clf", LogisticRegression())])
    search = GridSearchCV(pipe, {"clf__C": [0.1, 10.0]}, cv=2).fit(X, y)
    ensemble = make_text_ensemble(search=search, k=1, seeds=[0, 1])
    members = [member for _, member in ensemble.estimator.estimators]
    assert [m.named_steps["clf"].random_state for m in members] == [0, 1]
    assert {m.named_steps["clf"].C for m in members} == {search.best_params_["clf__C"]}
    assert ensemble.fit(X, y).predict(X).shape == (len(y),)


def test_make_text_search_ensemble_end_to_end(search_ensemble, text_data):
    X, y = text_data
    model = search_ensemble
    assert isinstance(model, SearchEnsembleClassifier)
    assert isinstance(model.search_, GridSearchCV) and hasattr(model.search_, "cv_results_")
    members = model.ensemble_.estimator_.estimators_
    assert len(members) == 2 and all(type(m).__name__ == "Pipeline" for m in members)
    assert {type(m.named_steps["sampler"]).__name__ if m.named_steps["sampler"] != "passthrough"
            else "passthrough" for m in members} == {"TextRandomOverSampler", "passthrough"}
    proba = model.predict_proba(X)
    assert model.best_threshold_ == model.ensemble_.best_threshold_
    np.testing.assert_array_equal(model.predict(X),
                                  (proba[:, 1] >= model.best_threshold_).astype(int))
    np.testing.assert_array_equal(model.classes_, [0, 1])
    assert get_tags(model).input_tags.string and get_tags(model).classifier_tags is not None
    assert_float32_close(model.predict_proba(X[:1]), proba[:1])
    # Its parameters are the search's and the ensemble's; clone keeps them.
    copied = clone(model)
    assert copied.get_params()["search__estimator__estimator__clf__epochs"] == 2
    assert copied.k == 2 and copied.threshold_cv == 2 and not hasattr(copied, "ensemble_")
    restored = pickle.loads(pickle.dumps(model))
    assert_float32_close(restored.predict_proba(X), proba)


# -------------------------------------------------------------- command line
def run(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(arg) for arg in argv])
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("which", ["seeded", "search_ensemble"])
def test_cli_predict_and_evaluate_a_saved_ensemble(which, request, tmp_path):
    model = request.getfixturevalue(which)
    folder = tmp_path / "model"
    files = save_model_folder(model, folder, {"labels": ["ham", "spam"],
                                              "positive_label": "spam",
                                              "threshold_scoring": "f1"})
    # One network per member, no model.keras (no one network is the ensemble).
    assert sorted(p.name for p in folder.iterdir()) == [
        "model-1.keras", "model-2.keras", "model.json", "model.skops"]
    meta = json.loads(files["metadata"].read_text())
    assert meta["keras_file"] is None
    assert meta["keras_member_files"] == ["model-1.keras", "model-2.keras"]

    texts, y = make_texts(n_samples=60, minority=0.3, seed=5)
    (tmp_path / "new.txt").write_text("\n".join(texts) + "\n", encoding="utf-8")
    code, out, err = run(["predict", "--model", folder, tmp_path / "new.txt", "--no-text"])
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["label", "probability"] and len(rows) == 61
    proba = model.predict_proba(texts)[:, 1]
    assert_float32_close(np.array([float(r[1]) for r in rows[1:]]), proba)
    expected = np.where(proba >= model.best_threshold_, "spam", "ham")
    assert [r[0] for r in rows[1:]] == list(expected)

    with open(tmp_path / "labelled.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["text", "label"])
        writer.writerows(zip([f"{t} n{i}" for i, t in enumerate(texts)],
                             np.where(y == 1, "spam", "ham")))
    code, out, err = run(["evaluate", "--model", folder, "--data", tmp_path / "labelled.csv",
                          "--output", tmp_path / "evaluation", "--no-figures"])
    assert code == 0, err
    report = json.loads((tmp_path / "evaluation" / "report.json").read_text())
    assert report["summary"]["threshold"] == pytest.approx(model.best_threshold_)


@pytest.mark.slow  # a CLI search of 2 candidates, then the ensemble's fits
def test_cli_train_ensemble(tmp_path):
    texts, y = make_texts(n_samples=240, minority=0.25, seed=3)
    data = tmp_path / "messages.csv"
    with open(data, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["text", "label"])
        writer.writerows(zip([f"{t} n{i}" for i, t in enumerate(texts)],
                             np.where(y == 1, "spam", "ham")))
    output = tmp_path / "out"
    code, out, err = run(["train", "--data", data, "--budget", "2", "--epochs", "2",
                          "--cv", "2", "--ensemble", "2", "--output", output,
                          "--no-figures", "--no-progress"])
    assert code == 0, err
    assert "Keras ensemble, 2 best" in out and "ensemble: the 2 best candidates" in err
    model = sklearn_imbal.load_model(output / "model.skops")
    assert isinstance(model, SearchEnsembleClassifier) and model.k == 2
    report = json.loads((output / "report.json").read_text())
    assert report["metadata"]["model"]["ensemble"] == 2
    assert report["summary"]["threshold"] == pytest.approx(model.best_threshold_)
    code, _, err = run(["train", "--data", data, "--budget", "2", "--ensemble", "3",
                        "--output", tmp_path / "too_many", "--no-figures"])
    assert code == 2 and "--ensemble 3 is more than the 2 candidates" in err


# -------------------------------------------------------------------- errors
def test_errors_name_the_parameter(logreg_search, text_data):
    member = counting_member()
    with pytest.raises(ValueError, match=r"exactly one of members= .* got both"):
        make_text_ensemble([member], search=logreg_search)
    with pytest.raises(ValueError, match=r"exactly one of members= .* got neither"):
        make_text_ensemble()
    with pytest.raises(ValueError, match=r"k=2 is the number of a search's candidates"):
        make_text_ensemble([member], k=2)
    with pytest.raises(ValueError, match=r"'k' parameter of make_text_ensemble must be"):
        make_text_ensemble(search=logreg_search, k=0)
    with pytest.raises(ValueError, match=r"k=4 is more than the 3 candidates"):
        make_text_ensemble(search=logreg_search, k=4)
    with pytest.raises(NotFittedError, match=r"search \(GridSearchCV\) is not fitted"):
        make_text_ensemble(search=clone(logreg_search))
    with pytest.raises(TypeError, match=r"search must be a fitted GridSearchCV"):
        make_text_ensemble(search=LogisticRegression())
    with pytest.raises(ValueError, match=r"threshold_scoring='roc_auc' cannot be a threshold"):
        make_text_ensemble([member], threshold_scoring="roc_auc")
    with pytest.raises(ValueError, match=r"seeds= repeats one member .* got 2 members"):
        make_text_ensemble([member, member], seeds=[0, 1])
    with pytest.raises(ValueError, match=r"seeds must be distinct"):
        make_text_ensemble([member], seeds=[1, 1])
    with pytest.raises(ValueError, match=r"seeds must be a non-empty sequence of ints"):
        make_text_ensemble([member], seeds=[0.5])
    with pytest.raises(ValueError, match=r"has none, so every seed would give the same"):
        make_text_ensemble([Pipeline([("tfidf", TfidfVectorizer()),
                                      ("nb", MultinomialNB())])], seeds=[0, 1])
    with pytest.raises(ValueError, match=r"members\[1\] \(LinearSVC\) has no predict_proba"):
        make_text_ensemble([member, LinearSVC()])
    with pytest.raises(TypeError, match=r"members\[0\] must be an estimator"):
        make_text_ensemble(["drop"])
    with pytest.raises(ValueError, match=r"members must hold at least one estimator"):
        make_text_ensemble([])
    with pytest.raises(ValueError, match=r"members' names must be unique"):
        make_text_ensemble([("a", member), ("a", counting_member())])
    X, y = text_data
    y3 = np.where(np.arange(len(y)) % 5 == 0, 2, y)
    with pytest.raises(ValueError, match=r"binary classifier, but y has 3 classes"):
        make_text_ensemble([member], threshold_cv=2).fit(X, y3)


def test_multimetric_search_needs_a_refit_name(text_data):
    X, y = text_data
    search = GridSearchCV(make_text_baseline("word_logreg", threshold_cv=0.25),
                          {"estimator__clf__C": [0.1, 10.0]}, cv=2,
                          scoring={"f1": "f1", "auc": "roc_auc"}, refit=False).fit(X, y)
    with pytest.raises(ValueError, match=r"several scorers and refit=False"):
        make_text_ensemble(search=search, k=1)
    search.refit = "auc"
    names = [n for n, _ in make_text_ensemble(search=search, k=1).estimator.estimators]
    assert names == [f"candidate{np.argmin(search.cv_results_['rank_test_auc'])}"]


def test_search_ensemble_errors(text_data):
    X, y = text_data
    with pytest.raises(ValueError, match=r"ensemble= tunes the ensemble's decision threshold"):
        make_text_search(ensemble=2, threshold_scoring=None)
    with pytest.raises(ValueError, match=r"'ensemble' parameter of make_text_search must be"):
        make_text_search(ensemble=0)
    model = make_text_search(ensemble=2)
    with pytest.raises(NotFittedError):
        model.predict(X)
    assert not hasattr(model, "classes_") and not hasattr(model, "decision_function")
    bad = SearchEnsembleClassifier(model.search, threshold_cv=1)
    with pytest.raises(ValueError, match=r"'threshold_cv' parameter of SearchEnsembleClassifier"):
        bad.fit(X, y)
    with pytest.raises(ValueError, match=r"threshold_scoring='roc_auc' cannot be"):
        SearchEnsembleClassifier(model.search, threshold_scoring="roc_auc").fit(X, y)
    assert not hasattr(bad, "search_")  # refused before the search ran


def test_docstring_examples_run():
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(sklearn_imbal.ensemble, optionflags=flags)
    assert result.attempted > 0 and result.failed == 0
