"""Sphinx configuration of the sklearn-imbal documentation.

Build (from the repository root, with ``pip install -e ".[docs]"``)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

The gallery examples (``examples/plot_*.py`` and ``examples/quickstart.py``)
run during the build, offline, on small data. ``-D plot_gallery=0`` skips
running them for a quick look at the prose.
"""

import os
import re
import sys
from pathlib import Path

# Quiet TensorFlow before any example or autodoc import loads it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parents[1]
# The package is usually installed in editable mode; a plain checkout works too.
sys.path.insert(0, str(ROOT))

import sklearn_imbal  # noqa: E402

project = "sklearn-imbal"
author = "sklearn-imbal developers"
copyright = "sklearn-imbal developers, BSD-3-Clause"  # noqa: A001
release = sklearn_imbal.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]
html_theme = "alabaster"
html_theme_options = {"description": "Imbalanced text classification, scikit-learn style",
                      "fixed_sidebar": True, "page_width": "1100px"}
html_static_path = []
# No intersphinx: the build must not need the network. External names are
# written as literals in the prose.

# autodoc: document what each public module lists in __all__, in that order.
autodoc_default_options = {"members": True, "member-order": "bysource"}
autodoc_typehints = "none"
autodoc_inherit_docstrings = False
autosummary_generate = False

# numpydoc renders the docstrings; the member tables it would add duplicate
# autodoc's entries (and need stub pages), so they are off.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    # Every gallery example runs during the build. Only plot_*.py files and the
    # README's quickstart belong to the gallery: other scripts in examples/ are
    # left out rather than breaking the build on a missing title.
    "filename_pattern": r".*",
    "ignore_pattern": r"^(?!plot_.*\.py$|quickstart\.py$)",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "image_scrapers": ("matplotlib",),
    "matplotlib_animations": False,
    "remove_config_comments": True,
    "show_memory": False,
    "show_signature": False,
    "min_reported_time": 1,
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,
}


def _public_modules():
    """``sklearn_imbal.<name>`` for every public submodule or subpackage."""
    import pkgutil

    return sorted(
        f"sklearn_imbal.{module.name}"
        for module in pkgutil.iter_modules(sklearn_imbal.__path__)
        if not module.name.startswith("_")
    )


def _document_unlisted_modules(app, docname, source):
    """Append a section to api.rst for each public module it does not list yet.

    Why: several people add modules in parallel; a module that lands before its
    section in api.rst is still documented (and its docstrings still checked by
    the -W build) instead of being silently missing.
    """
    if docname != "api":
        return
    for module in _public_modules():
        if f".. automodule:: {module}\n" not in source[0]:
            title = f"``{module}``"
            underline = "-" * len(title)
            source[0] += f"\n{title}\n{underline}\n\n.. automodule:: {module}\n   :members:\n"


def _list_unlisted_pages(app, docname, source):
    """Append a toctree to index.rst for top-level pages it does not list.

    Why: pages are written in parallel (sampling, imbalance, workflow...); one
    that lands without its toctree line still appears, instead of failing the
    -W build with "document isn't included in any toctree".
    """
    if docname != "index":
        return
    listed = set(re.findall(r"^ {3}([\w/.-]+)\s*$", source[0], flags=re.MULTILINE))
    missing = sorted(
        page.stem
        for page in Path(app.srcdir).glob("*.rst")
        if page.stem not in listed and page.stem != "index" and not page.stem.startswith("sg_")
    )
    if missing:
        source[0] += "\n.. toctree::\n   :maxdepth: 1\n\n" + "".join(f"   {p}\n" for p in missing)


_OPTIONAL_DOC = re.compile(r":doc-if-present:`([^`<]+?)\s*<([^`>]+)>`")


def _link_pages_if_present(app, docname, source):
    """``:doc-if-present:`Title <page>``` becomes a link once ``page.rst`` exists.

    Why: the user guide links pages that other people are still writing; until
    a page lands its title is set in italics instead of a broken ``:doc:`` link
    (which fails the -W build).
    """

    def replace(match):
        title, target = match.group(1), match.group(2)
        page = Path(app.srcdir) / f"{target.lstrip('/')}.rst"
        return f":doc:`{title} <{target}>`" if page.is_file() else f"*{title}*"

    source[0] = _OPTIONAL_DOC.sub(replace, source[0])


def _skip_members_of_other_libraries(app, what, name, obj, skip, options):
    """Leave out class members that scikit-learn or scikeras define for us.

    Why: ``set_fit_request`` and friends (metadata routing) and inherited
    methods such as ``ClassifierMixin.score`` sit in our classes' namespaces but
    are documented upstream; their docstrings refer to labels of scikit-learn's
    own documentation, which this build cannot resolve.
    """
    if what != "class" or skip:
        return None
    function = obj.fget if isinstance(obj, property) else getattr(obj, "__func__", obj)
    module = getattr(function, "__module__", None)
    if module is not None and not module.startswith("sklearn_imbal"):
        return True
    return None


def setup(app):
    app.connect("source-read", _document_unlisted_modules)
    app.connect("source-read", _list_unlisted_pages)
    app.connect("source-read", _link_pages_if_present)
    app.connect("autodoc-skip-member", _skip_members_of_other_libraries)
