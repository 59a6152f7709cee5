"""dkg's spaCy pipeline steps, registered in one place (provisional: none yet)."""
from __future__ import annotations

__all__ = ["add_to"]


def add_to(nlp):
    """Add dkg's steps to a loaded English pipeline; returns ``nlp``."""
    return nlp
