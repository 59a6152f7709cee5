"""dkg: diplomatic news to a knowledge graph you can question.

The library API, usable from a notebook; importing ``kg`` does not import spaCy.

>>> import kg
>>> kg.__version__
'0.1.0'
"""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("diplomatic-kg")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.1.0"

__all__ = ["__version__", "query"]


def query(store, name, /, **params):
    """The answer to a named question (or a ``.rq`` file, or SPARQL text) as rows of plain values.

    ``store`` is an open store, a ``pyoxigraph.Store``, or the path (or endpoint
    URL) of a store, which is then opened read-only for the call. ``params``
    are the question's parameters; an actor may be named (``actor="China"``).

    >>> import pyoxigraph
    >>> query(pyoxigraph.Store(), "threats")
    []
    """
    import os

    from .queries import query as _query

    if isinstance(store, (str, os.PathLike)):
        from .store import open_store

        with open_store(store, read_only=True, create=False) as st:
            return _query(st, name, **params)
    return _query(store, name, **params)
