"""From parsed documents to extractions (provisional: actors from NER only)."""
from __future__ import annotations

from typing import Iterable, Iterator

from ..model import Actor, Article, Extraction, Span
from ..namespaces import slug
from .nlp import model_id

__all__ = ["extract_stream"]

_KIND = {"GPE": "state", "NORP": "state", "ORG": "organization", "PERSON": "person"}


def extract_doc(doc, article: Article, model: str) -> Extraction:
    actors: dict[str, Actor] = {}
    for ent in doc.ents:
        if ent.label_ not in _KIND:
            continue
        key = f"{_KIND[ent.label_]}/{slug(ent.text)}"
        span = Span(ent.start_char, ent.end_char, ent.text, ent.sent.text)
        old = actors.get(key)
        mentions = (old.mentions if old else ()) + (span,)
        actors[key] = Actor(key, ent.text, _KIND[ent.label_], mentions=mentions)
    return Extraction(article, tuple(actors.values()), (), model)


def extract_stream(nlp, articles: Iterable[Article], *, n_process: int = 1,
                   batch_size: int = 8) -> Iterator[Extraction]:
    model = model_id(nlp)
    pairs = ((a.text, a) for a in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, n_process=n_process,
                                 batch_size=batch_size):
        yield extract_doc(doc, article, model)
