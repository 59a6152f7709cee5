"""From parsed documents to extraction records (the hand-over to the RDF builder)."""
from __future__ import annotations

import bisect
from collections import deque
from typing import Iterable, Iterator

from ..model import Act, Actor, Article, Extraction, Span
from ..namespaces import slug
from .actors import LOCAL
from .boilerplate import blank_ranges, skipped_ranges
from .components import RESULT_KEY
from .dates import resolve_date
from .nlp import model_id

__all__ = ["extract_stream", "records_from_result"]


def _scope(key: str | None, article_id: str) -> str | None:
    """Article-scoped key for actors known only within one article."""
    if key is None or not key.startswith(LOCAL):
        return key
    return f"local/{slug(article_id)}/{key[len(LOCAL):]}"


def _is_name(alias: str) -> bool:
    """Whether a surface form can stand as a name ("Foreign Ministry", not "the ministry")."""
    words = alias.split()
    return any(w[:1].isupper() for w in words[1:] if w[:1].isalpha()) or (
        bool(words) and words[0][:1].isupper() and words[0].lower() not in ("the", "a", "an"))


def records_from_result(result: dict, article: Article, model: str) -> Extraction:
    """Turn the plain data left by the ``dkg_extract`` step into records."""
    text = article.text
    sents = result["sentences"]
    starts = [s[0] for s in sents]

    def sentence_of(start: int) -> str:
        i = max(0, bisect.bisect_right(starts, start) - 1)
        a, b = sents[i] if sents else (0, len(text))
        return text[a:b].strip()

    def span(a: int, b: int) -> Span:
        while b > a and text[b - 1].isspace():  # a sentence's trailing line breaks
            b -= 1
        while a < b and text[a].isspace():
            a += 1
        return Span(a, b, text[a:b], sentence_of(a))

    acts = []
    used: set[str] = set()
    for d in result["acts"]:
        spans = tuple(sorted({sp for a, b in d["spans"] if a < b
                              for sp in [span(a, b)] if sp.start < sp.end}))
        if not spans:
            continue
        date = resolve_date(d["date_text"], article.published) if d.get("date_text") else None
        act = Act(
            key=d["key"], type=d["type"], agent=_scope(d["agent"], article.id), evidence=spans,
            via=_scope(d.get("via"), article.id), addressee=_scope(d.get("addressee"), article.id),
            topic=d.get("topic"), content=d.get("content"),
            participants=tuple(_scope(p, article.id) for p in d.get("participants") or ()),
            responds_to=d.get("responds_to_key"), quote=d.get("quote"), date=date,
            date_text=d.get("date_text"), subtype=d.get("subtype"))
        acts.append(act)
        used.update(k for k in (act.agent, act.via, act.addressee, *act.participants) if k)

    found = {d["key"]: d for d in result["actors"]}
    actors = []
    for key, d in sorted(found.items()):
        mentions = tuple(sorted({sp for a, b in d["spans"] if a < b
                                 for sp in [span(a, b)] if sp.start < sp.end}))
        scoped = _scope(key, article.id)
        if not mentions and scoped not in used:
            continue
        actors.append((key, d, mentions))
    keep = {k for k, _, _ in actors}
    # bring in the bodies and states that members belong to
    changed = True
    while changed:
        changed = False
        for key, d, _ in list(actors):
            parent = d.get("member_of")
            if parent and parent not in keep and parent in found:
                actors.append((parent, found[parent], ()))
                keep.add(parent)
                changed = True
    records = tuple(
        Actor(key=_scope(key, article.id), label=d["label"], kind=d["kind"],
              aliases=tuple(sorted(a for a in d["aliases"] if a != d["label"] and (
                  _is_name(a) or key.startswith(LOCAL)))),
              member_of=_scope(d.get("member_of"), article.id) if d.get("member_of") in keep
              else None,
              role=d.get("role"), iso=d.get("iso"), wikidata=d.get("wikidata"),
              mentions=mentions)
        for key, d, mentions in sorted(actors, key=lambda x: x[0]))
    return Extraction(article, records, tuple(acts), model)


def extract_stream(nlp, articles: Iterable[Article], *, n_process: int = 1,
                   batch_size: int = 8) -> Iterator[Extraction]:
    """Extraction records for each article, in input order.

    The parser is given texts, not (text, article) pairs: with pairs, spaCy makes
    and serialises every document in this process for its workers. The articles
    wait here and meet their documents again, which come back in input order.
    """
    model = model_id(nlp)
    waiting: deque[Article] = deque()

    def texts() -> Iterator[str]:
        for article in articles:
            waiting.append(article)
            yield blank_ranges(article.text, skipped_ranges(article.text, article.title))

    for doc in nlp.pipe(texts(), n_process=n_process, batch_size=batch_size):
        yield records_from_result(doc.user_data[RESULT_KEY], waiting.popleft(), model)
