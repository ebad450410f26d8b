"""Documentation written once and injected where it applies.

The model is imbalanced-learn's ``Substitution``; this version substitutes whole
lines, so the rest of a docstring may hold braces (sets, dicts) freely, and it
re-indents each fragment to the line it replaces.
"""

from __future__ import annotations

import re
import textwrap

__all__ = ["entry_from_docstring", "fill_doc"]


def fill_doc(**fragments):
    """Decorator: replace each docstring line ``{name}`` by ``fragments[name]``.

    A fragment is written unindented (a numpydoc parameter: its name line at
    column 0, its description indented by 4) and takes the indentation of the
    line it replaces. A fragment without its line is an error, so a docstring
    and its shared parts cannot drift apart silently.

    Examples
    --------
    >>> @fill_doc(seed="seed : int\\n    The seed.")
    ... def f(seed):
    ...     '''Do it.
    ...
    ...     Parameters
    ...     ----------
    ...     {seed}
    ...     '''
    >>> print(f.__doc__.strip())
    Do it.
    <BLANKLINE>
        Parameters
        ----------
        seed : int
            The seed.
    """

    def decorate(obj):
        doc = obj.__doc__
        if doc is None:  # python -OO strips docstrings
            return obj
        for name, text in fragments.items():
            line = re.compile(rf"^([ \t]*)\{{{name}\}}[ \t]*$", re.MULTILINE)
            if not line.search(doc):
                raise ValueError(
                    f"The docstring of {obj.__qualname__} has no line {{{name}}} to fill."
                )
            fragment = textwrap.dedent(text).strip("\n")
            doc = line.sub(lambda match: textwrap.indent(fragment, match.group(1)), doc)
        obj.__doc__ = doc
        return obj

    return decorate


def entry_from_docstring(text):
    """A parameter entry cut from a docstring, in :func:`fill_doc`'s form.

    scikit-learn and imbalanced-learn keep shared entries as they appear in a
    class docstring: the name line without its indentation, the description
    indented by 8 spaces. This removes the 4 spaces of the class body.
    """
    return textwrap.dedent("    " + text.strip("\n"))
