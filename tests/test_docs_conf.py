"""docs/conf.py: the hooks that keep the -W docs build robust to parallel work.

The build itself runs in .ci/run; these check the hooks' rules in milliseconds.
"""

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.fixture(scope="module")
def conf():
    spec = importlib.util.spec_from_file_location("sklearn_imbal_docs_conf", DOCS / "conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_api_page_documents_every_public_module(conf):
    source = [(DOCS / "api.rst").read_text()]
    conf._document_unlisted_modules(None, "api", source)
    for module in conf._public_modules():
        assert f".. automodule:: {module}\n" in source[0]
    assert "sklearn_imbal._compat" not in conf._public_modules()
    assert {"sklearn_imbal.report", "sklearn_imbal.datasets"} <= set(conf._public_modules())


def test_unlisted_module_gets_a_section(conf):
    source = [".. automodule:: sklearn_imbal.datasets\n"]
    conf._document_unlisted_modules(None, "api", source)
    assert "``sklearn_imbal.report``\n" in source[0]
    assert ".. automodule:: sklearn_imbal.report\n   :members:\n" in source[0]
    other = ["text"]
    conf._document_unlisted_modules(None, "user_guide", other)
    assert other == ["text"]


def test_unlisted_page_is_appended_to_the_index(conf, tmp_path):
    for page in ("index", "listed", "forgotten", "sg_execution_times"):
        (tmp_path / f"{page}.rst").write_text("Title\n=====\n")
    app = SimpleNamespace(srcdir=str(tmp_path))
    source = [".. toctree::\n   :maxdepth: 1\n\n   listed\n"]
    conf._list_unlisted_pages(app, "index", source)
    assert source[0].endswith(".. toctree::\n   :maxdepth: 1\n\n   forgotten\n")


def test_doc_if_present_links_only_existing_pages(conf, tmp_path):
    (tmp_path / "sampling.rst").write_text("Sampling\n========\n")
    app = SimpleNamespace(srcdir=str(tmp_path))
    source = [":doc-if-present:`Text samplers <sampling>` and "
              ":doc-if-present:`the workflow <workflow>`."]
    conf._link_pages_if_present(app, "user_guide", source)
    assert source[0] == ":doc:`Text samplers <sampling>` and *the workflow*."


def test_members_of_other_libraries_are_skipped(conf):
    from sklearn.base import ClassifierMixin

    from sklearn_imbal.report._plots import _FixedProbabilities

    skip = conf._skip_members_of_other_libraries
    assert skip(None, "class", "score", ClassifierMixin.score, False, {}) is True
    assert skip(None, "class", "predict", _FixedProbabilities.predict, False, {}) is None
    assert skip(None, "module", "score", ClassifierMixin.score, False, {}) is None
