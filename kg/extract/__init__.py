"""Extraction: English news articles to actors and acts, as spaCy pipeline steps.

``extract_articles`` is the entry point; it yields one
:class:`~kg.model.Extraction` per article, in input order.
"""
from __future__ import annotations

from typing import Iterable, Iterator

from ..model import Article, Extraction
from .nlp import DEFAULT_MODELS, load_nlp, model_id

__all__ = ["DEFAULT_MODELS", "load_nlp", "model_id", "extract_article", "extract_articles"]


def extract_articles(articles: Iterable[Article], *, model: str | None = None,
                     n_process: int = 1, batch_size: int = 8, nlp=None
                     ) -> Iterator[Extraction]:
    """Extract every article, in order; ``n_process`` > 1 parses in parallel."""
    from .pipeline import extract_stream

    nlp = nlp or load_nlp(model)
    yield from extract_stream(nlp, articles, n_process=n_process, batch_size=batch_size)


def extract_article(article: Article, *, model: str | None = None, nlp=None) -> Extraction:
    """Extract one article."""
    return next(extract_articles([article], model=model, nlp=nlp))
