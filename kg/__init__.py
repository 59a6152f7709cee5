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

__all__ = ["__version__"]
