"""Gold annotations (the YAML format of the evaluation) read into plain records."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .model import Act, Actor, Article, Extraction, Span

__all__ = ["GoldActor", "GoldEvent", "GoldQuestion", "Gold", "read_gold", "gold_extraction"]


@dataclass(frozen=True)
class GoldActor:
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    member_of: str | None
    role: str | None


@dataclass(frozen=True)
class GoldEvent:
    id: str
    type: str
    also_ok: tuple[str, ...]
    by: tuple[str, ...]
    via: str | None
    to: tuple[str, ...]
    about: str | None
    responds_to: tuple[str, ...]
    quote: str | None
    date: str | None
    evidence: str
    other_evidence: tuple[str, ...]
    optional: bool


@dataclass(frozen=True)
class GoldQuestion:
    id: str
    q: str
    answer: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Gold:
    article: str
    published: str | None
    actors: tuple[GoldActor, ...]
    events: tuple[GoldEvent, ...]
    questions: tuple[GoldQuestion, ...]

    def actor(self, actor_id: str) -> GoldActor:
        """The gold actor with this local id."""
        return next(a for a in self.actors if a.id == actor_id)


def _ids(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(str(v) for v in value if v is not None)
    return (str(value),)


def read_gold(path: str | Path) -> Gold:
    """Read one gold YAML file."""
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError(f"{path}{where}: broken YAML: {exc.problem or exc.context}") from exc
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read gold file: {str(exc).splitlines()[0]}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid UTF-8 at byte offset {exc.start}") from None
    if not isinstance(data, dict) or "article" not in data:
        raise InputError(f"{path}: not a gold file (no 'article' key)")
    actors = tuple(
        GoldActor(str(a["id"]), str(a.get("name") or a["id"]), str(a.get("kind") or "other"),
                  tuple(str(x) for x in (a.get("aliases") or ())),
                  a.get("member_of"), a.get("role"))
        for a in data.get("actors") or ())
    events = tuple(
        GoldEvent(str(e["id"]), str(e["type"]), tuple(e.get("also_ok") or ()), _ids(e.get("by")),
                  e.get("via"), _ids(e.get("to")), e.get("about"), _ids(e.get("responds_to")),
                  e.get("quote"), str(e["date"]) if e.get("date") else None,
                  str(e.get("evidence") or ""),
                  tuple(str(x) for x in (e.get("other_evidence") or ())),
                  bool(e.get("optional")))
        for e in data.get("events") or ())
    questions = tuple(
        GoldQuestion(str(q.get("id") or f"q{n}"), str(q.get("q", "")),
                     tuple(tuple(str(c) for c in (row if isinstance(row, list) else [row]))
                           for row in (q.get("answer") or ())))
        for n, q in enumerate(data.get("questions") or (), 1) if isinstance(q, dict))
    published = data.get("published")
    return Gold(str(data["article"]), str(published) if published else None,
                actors, events, questions)


def _span(text: str, needle: str) -> Span | None:
    start = text.find(needle)
    if start < 0 or not needle:
        return None
    return Span(start, start + len(needle), needle, needle)


def gold_extraction(gold: Gold, article: Article) -> Extraction:
    """The gold annotation as an extraction (for tests and reference graphs).

    Actor keys are ``gold/<article>/<id>``; events whose evidence is not found
    in the text are left out.
    """
    def key(actor_id: str) -> str:
        return f"gold/{gold.article}/{actor_id}"

    actors = tuple(
        Actor(key(a.id), a.name, a.kind, a.aliases,
              key(a.member_of) if a.member_of else None, a.role)
        for a in gold.actors)
    acts = []
    for e in gold.events:
        spans = [s for s in (_span(article.text, t) for t in (e.evidence, *e.other_evidence)) if s]
        if not spans or not e.by:
            continue
        acts.append(Act(e.id, e.type, key(e.by[0]), tuple(spans),
                        via=key(e.via) if e.via else None,
                        addressee=key(e.to[0]) if e.to else None,
                        content=e.about, responds_to=e.responds_to[0] if e.responds_to else None,
                        quote=e.quote, date=e.date))
    return Extraction(article, actors, tuple(acts), model="gold")
