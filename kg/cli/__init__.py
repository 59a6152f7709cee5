"""The ``dkg`` command: a thin click layer over the library API.

Each command lives in its own module of this package and is registered below.
"""
from __future__ import annotations

from .base import cli, main

# Registered commands (each module adds itself to ``cli``).
from . import eval as eval_cmd  # noqa: F401
from . import validate  # noqa: F401
from . import build, export  # noqa: F401
from . import network  # noqa: F401
from . import serve  # noqa: F401
from . import demo  # noqa: F401
from . import query  # noqa: F401

__all__ = ["cli", "main"]
