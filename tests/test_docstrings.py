"""Each public class and function documents exactly the parameters of its signature.

The parameter lists are read from the numpydoc ``Parameters`` section, in order;
``a, b : type`` entries name several parameters. Shared entries are injected by
:func:`sklearn_imbal.utils._docstring.fill_doc`; this checks the result, so a
parameter added, renamed or removed without its documentation fails here.
"""

import importlib
import inspect
import re

import pytest

from sklearn_imbal.utils._docstring import fill_doc

PUBLIC_MODULES = [
    "sklearn_imbal",
    "sklearn_imbal.datasets",
    "sklearn_imbal.ensemble",
    "sklearn_imbal.keras",
    "sklearn_imbal.losses",
    "sklearn_imbal.metrics",
    "sklearn_imbal.parallel",
    "sklearn_imbal.pipeline",
    "sklearn_imbal.report",
    "sklearn_imbal.sampling",
    "sklearn_imbal.search",
    "sklearn_imbal.threshold",
    "sklearn_imbal.utils",
    "sklearn_imbal.utils.validation",
]


def _public_objects():
    seen = {}
    for name in PUBLIC_MODULES:
        module = importlib.import_module(name)
        for attribute in module.__all__:
            obj = getattr(module, attribute)
            if inspect.isclass(obj) and (
                issubclass(obj, BaseException)  # exceptions and warnings take a message
                or not _defines_init(obj)  # e.g. a Keras layer with Layer's arguments
            ):
                continue
            if inspect.isclass(obj) or inspect.isfunction(obj):
                seen.setdefault(f"{obj.__module__}.{obj.__qualname__}", obj)
    return sorted(seen.items())


def _defines_init(cls):
    """Whether the class's ``__init__`` is one of this package's."""
    return cls.__init__.__module__.startswith("sklearn_imbal")


def _documented_parameters(doc):
    section = re.search(
        r"^Parameters\n-+\n(.*?)(?=^\S[^\n]*\n-{3,}\n|\Z)", inspect.cleandoc(doc),
        re.MULTILINE | re.DOTALL,
    )
    if section is None:
        return []
    names = []
    for line in section.group(1).replace("\\\n", "").splitlines():
        if line and not line[0].isspace():
            names += [name.strip() for name in line.split(" : ")[0].split(",")]
    return names


def _signature_parameters(obj):
    function = obj.__init__ if inspect.isclass(obj) else obj
    prefix = {inspect.Parameter.VAR_POSITIONAL: "*", inspect.Parameter.VAR_KEYWORD: "**"}
    return [
        prefix.get(p.kind, "") + p.name
        for p in inspect.signature(function).parameters.values()
        if p.name not in ("self", "cls") and not p.name.startswith("_")  # private
    ]


PUBLIC = _public_objects()


def test_the_public_api_is_found():
    names = {name.rsplit(".", 1)[-1] for name, _ in PUBLIC}
    assert {"KerasTextClassifier", "KerasVectorClassifier", "make_text_search",
            "TextRandomOverSampler", "HoldoutThresholdClassifier"} <= names


@pytest.mark.parametrize("name, obj", PUBLIC, ids=[name for name, _ in PUBLIC])
def test_documented_parameters_match_the_signature(name, obj):
    documented = _documented_parameters(obj.__doc__ or "")
    assert documented == _signature_parameters(obj), name


def test_fill_doc_indents_each_fragment_and_refuses_a_missing_line():
    @fill_doc(a="a : int\n    The a.")
    class Filled:
        """Title.

        Parameters
        ----------
        {a}
        b : {"x", "y"}
            Braces elsewhere are left alone.
        """

        def __init__(self, a, b):
            pass

    assert _documented_parameters(Filled.__doc__) == ["a", "b"]
    assert "\n        a : int\n            The a.\n" in Filled.__doc__

    with pytest.raises(ValueError, match=r"Missing has no line \{a\}"):
        @fill_doc(a="a : int")
        class Missing:
            """No placeholder."""
