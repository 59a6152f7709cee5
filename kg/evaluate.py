"""Scoring a system's events and actors against gold annotations (the rules of the gold format)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

from .errors import InputError
from .gold import Gold, GoldEvent, read_gold
from .model import ACT_TYPES, Article, Extraction
from .namespaces import act_iri, actor_iri, article_iri

__all__ = [
    "EVENT_COLUMNS", "ACTOR_COLUMNS", "PRF", "Accuracy", "Miss", "FalsePositive", "Flaw",
    "ArticleScore", "CorpusScore", "rows_from_extraction", "rows_for_article", "gold_spans",
    "normalise_name", "score_article", "score_corpus", "read_gold_articles",
    "score_table", "score_details", "score_dict",
]

#: Columns of the named query ``events`` (one row per act and evidence span).
EVENT_COLUMNS = ("event", "article", "type", "by", "byLabel", "via", "viaLabel", "to",
                 "toLabel", "respondsTo", "quote", "date", "start", "end", "evidence")
#: Columns of the named query ``actors`` (one row per alternative label).
ACTOR_COLUMNS = ("actor", "label", "altLabel", "kind", "memberOf", "role", "wikidata")

_SUBTYPES = {"useofforce": "action", "use_of_force": "action", "movement": "action",
             "recovery": "action", "meeting": "action"}
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                         "\u2032": "'", "`": "'", "\u201c": '"', "\u201d": '"',
                         "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u2013": "-",
                         "\u2014": "-", "\u00a0": " "})


# ---------------------------------------------------------------- scores

@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 from counts.

    ``tp_system`` of ``system`` items are right (precision); ``tp_gold`` of
    ``gold`` items are found (recall). The two differ only per act type,
    where a system type may match a gold type through ``also_ok``.
    """

    gold: int = 0
    system: int = 0
    tp_gold: int = 0
    tp_system: int = 0

    @property
    def precision(self) -> float | None:
        """Share of system items that are right; None when there are none."""
        return self.tp_system / self.system if self.system else None

    @property
    def recall(self) -> float | None:
        """Share of gold items found; None when there are none."""
        return self.tp_gold / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        """Harmonic mean of precision and recall.

        0 when either is 0; None when one is undefined and the other is not 0.
        """
        p, r = self.precision, self.recall
        if p == 0 or r == 0:
            return 0.0
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r)

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.gold + other.gold, self.system + other.system,
                   self.tp_gold + other.tp_gold, self.tp_system + other.tp_system)


@dataclass(frozen=True)
class Accuracy:
    """How many of ``total`` judged items are ``correct``."""

    correct: int = 0
    total: int = 0

    @property
    def value(self) -> float | None:
        """The share correct; None when nothing was judged."""
        return self.correct / self.total if self.total else None

    def __add__(self, other: Accuracy) -> Accuracy:
        return Accuracy(self.correct + other.correct, self.total + other.total)


@dataclass(frozen=True)
class Miss:
    """A gold event no system event matched (state level), and what came close."""

    gold_id: str
    type: str
    by: tuple[str, ...]
    to: tuple[str, ...]
    evidence: str
    near: tuple[str, ...] = ()


@dataclass(frozen=True)
class FalsePositive:
    """A system event that matched no gold event (state level), and why not."""

    event: str
    type: str
    by_label: str
    by_gold: tuple[str, ...]
    evidence: str
    near: tuple[str, ...] = ()


@dataclass(frozen=True)
class Flaw:
    """A matched event with something wrong or lenient about it."""

    gold_id: str
    event: str
    what: str  # "by", "type", "to", "responds_to"
    note: str


@dataclass(frozen=True)
class ArticleScore:
    """The scores of one article, and the material to debug them."""

    article: str
    exact: PRF
    state: PRF
    types_exact: Mapping[str, PRF]
    types_state: Mapping[str, PRF]
    to_exact: Accuracy
    to_state: Accuracy
    responds_to: Accuracy
    questions: int
    matches_exact: tuple[tuple[str, str], ...]  # (gold id, system event)
    matches_state: tuple[tuple[str, str], ...]
    optional_matched: tuple[tuple[str, str], ...]
    misses: tuple[Miss, ...]
    false_positives: tuple[FalsePositive, ...]
    flaws: tuple[Flaw, ...]
    warnings: tuple[str, ...] = ()

    @property
    def questions_scored(self) -> None:
        """Questions are not scored from the events and actors tables."""
        return None


@dataclass(frozen=True)
class CorpusScore:
    """Micro-averaged scores over articles, with the articles' own scores."""

    articles: tuple[ArticleScore, ...]
    exact: PRF
    state: PRF
    types_exact: Mapping[str, PRF]
    types_state: Mapping[str, PRF]
    to_exact: Accuracy
    to_state: Accuracy
    responds_to: Accuracy
    questions: int


# ---------------------------------------------------------------- system rows

def rows_from_extraction(ex: Extraction) -> tuple[list[dict], list[dict]]:
    """The rows the named queries ``events`` and ``actors`` would return for an extraction.

    Built straight from the records, with the IRIs the RDF builder gives, so an
    extractor can be scored without a store.
    """
    art_id = ex.article.id
    labels = {a.key: a.label for a in ex.actors}

    def iri(key: str | None) -> str | None:
        return str(actor_iri(key)) if key else None

    events = []
    for act in ex.acts:
        base = {
            "event": str(act_iri(art_id, act.key)), "article": art_id,
            "type": act.type, "by": iri(act.agent), "byLabel": labels.get(act.agent),
            "via": iri(act.via), "viaLabel": labels.get(act.via) if act.via else None,
            "to": iri(act.addressee),
            "toLabel": labels.get(act.addressee) if act.addressee else None,
            "respondsTo": str(act_iri(art_id, act.responds_to)) if act.responds_to else None,
            "quote": act.quote, "date": act.date,
        }
        for span in act.evidence:
            events.append({**base, "start": span.start, "end": span.end, "evidence": span.text})
    actors = []
    for a in ex.actors:
        base = {"actor": iri(a.key), "label": a.label, "kind": a.kind,
                "memberOf": iri(a.member_of), "role": a.role, "wikidata": a.wikidata}
        alts = [x for x in a.aliases if x != a.label] or [None]
        actors.extend({**base, "altLabel": alt} for alt in alts)
    return events, actors


def _text(value) -> str | None:
    """A cell as plain text: IRIs and literals of rdflib or pyoxigraph, or Python values."""
    if value is None:
        return None
    if not isinstance(value, (str, int, float)) and hasattr(value, "value"):
        value = value.value
    value = str(value)
    return value or None


def _int(value) -> int | None:
    text = _text(value)
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def rows_for_article(rows: Iterable[Mapping], article_id: str) -> list[dict]:
    """The rows whose ``article`` cell is this article (its id or its IRI)."""
    wanted = {article_id, str(article_iri(article_id))}
    return [dict(r) for r in rows if _text(r.get("article")) in wanted]


@dataclass
class _SysEvent:
    iri: str
    types: list[str] = field(default_factory=list)
    by: list[str] = field(default_factory=list)
    by_label: str = ""
    to: list[str] = field(default_factory=list)
    responds_to: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def type(self) -> str:
        known = [t for t in self.types if t in ACT_TYPES]
        return known[0] if known else (self.types[0] if self.types else "?")

    @property
    def short(self) -> str:
        return self.iri.rsplit("/act/", 1)[-1]


def _type_word(value) -> str | None:
    text = _text(value)
    if not text:
        return None
    word = re.split(r"[#/:]", text)[-1].strip().lower()
    return _SUBTYPES.get(word, word)


def _add(items: list, value) -> None:
    if value is not None and value not in items:
        items.append(value)


def _system_events(rows: Iterable[Mapping], text: str) -> list[_SysEvent]:
    events: dict[str, _SysEvent] = {}
    for r in rows:
        iri = _text(r.get("event"))
        if not iri:
            continue
        ev = events.setdefault(iri, _SysEvent(iri))
        _add(ev.types, _type_word(r.get("type")))
        _add(ev.by, _text(r.get("by")))
        ev.by_label = ev.by_label or _text(r.get("byLabel")) or ""
        _add(ev.to, _text(r.get("to")))
        _add(ev.responds_to, _text(r.get("respondsTo")))
        start, end = _int(r.get("start")), _int(r.get("end"))
        if start is None or end is None:  # no offsets: find the evidence text
            anchor = _text(r.get("evidence")) or ""
            found = _find(text, anchor)[0] if anchor else []
            if found:
                start, end = found[0]
        if start is not None and end is not None and end > start:
            _add(ev.spans, (start, end))
    for ev in events.values():
        ev.spans.sort()
        if not ev.by_label and ev.by:  # no label: the actor's key
            ev.by_label = ev.by[0].rsplit("/actor/", 1)[-1]
    return sorted(events.values(), key=lambda e: (e.spans[0] if e.spans else (1 << 62, 0), e.iri))


# ---------------------------------------------------------------- actors

def normalise_name(name: str) -> str:
    """A name compared case- and punctuation-insensitively.

    >>> normalise_name("the U.S. side") == normalise_name("The US side")
    True
    """
    name = unicodedata.normalize("NFKC", name).translate(_QUOTES).casefold()
    name = "".join(" " if unicodedata.category(ch).startswith(("P", "S")) and ch not in ".'"
                   else ch for ch in name)
    name = name.replace(".", "").replace("'", "")
    return " ".join(name.split())


def _gold_names(gold: Gold) -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for a in gold.actors:
        for n in (a.name, *a.aliases):
            key = normalise_name(n)
            if key and a.id not in names.setdefault(key, []):
                names[key].append(a.id)
    return names


def _row_labels(event_rows: Iterable[Mapping]) -> dict[str, str]:
    """Actor IRI -> its label as the event rows give it (``byLabel``, ``viaLabel``, ``toLabel``)."""
    labels: dict[str, str] = {}
    for r in event_rows:
        for col in ("by", "via", "to"):
            iri, label = _text(r.get(col)), _text(r.get(col + "Label"))
            if iri and label:
                labels.setdefault(iri, label)
    return labels


def _actor_map(actor_rows: Iterable[Mapping], row_labels: Mapping[str, str], gold: Gold
               ) -> dict[str, tuple[str, ...]]:
    """System actor IRI -> the gold actor ids it is (its label first, else its altLabels)."""
    labels: dict[str, str] = {}
    alts: dict[str, list[str]] = {}
    for r in actor_rows:
        iri = _text(r.get("actor"))
        if not iri:
            continue
        label = _text(r.get("label"))
        if label and iri not in labels:
            labels[iri] = label
        _add(alts.setdefault(iri, []), _text(r.get("altLabel")))
    for iri, label in row_labels.items():  # actors missing from the actors table
        labels.setdefault(iri, label)
    names = _gold_names(gold)
    mapping: dict[str, tuple[str, ...]] = {}
    for iri in set(labels) | set(alts):
        first = names.get(normalise_name(labels.get(iri, "")), [])
        if first:
            mapping[iri] = tuple(first)
            continue
        found: list[str] = []
        for alt in alts.get(iri, []):
            for gid in names.get(normalise_name(alt), []):
                _add(found, gid)
        mapping[iri] = tuple(found)
    return mapping


def _tops(gold: Gold) -> dict[str, str]:
    """Each gold actor -> the end of its ``member_of`` chain (the state or body it belongs to)."""
    parents = {a.id: a.member_of for a in gold.actors}
    tops = {}
    for actor_id in parents:
        top, seen = actor_id, {actor_id}
        while parents.get(top) in parents and parents[top] not in seen:
            top = parents[top]
            seen.add(top)
        tops[actor_id] = top
    return tops


_cached_tops = lru_cache(maxsize=64)(_tops)


def _top(gold: Gold, actor_id: str) -> str:
    try:
        tops = _cached_tops(gold)
    except TypeError:  # a gold record holding a list is not hashable
        tops = _tops(gold)
    return tops.get(actor_id, actor_id)


# ---------------------------------------------------------------- gold spans

def _normalised(text: str) -> tuple[str, list[int]]:
    """``text`` with quotes, dashes and whitespace runs made plain, and each char's origin."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text.translate(_QUOTES)):
        if ch.isspace():
            if out and out[-1] == " ":
                continue
            ch = " "
        out.append(ch)
        where.append(i)
    return "".join(out), where


def _find(text: str, needle: str) -> tuple[list[tuple[int, int]], bool]:
    """Every occurrence of ``needle`` in ``text``; the flag says a normalised search found it."""
    needle = needle.strip()
    if not needle:
        return [], False
    spans = [(m.start(), m.start() + len(needle))
             for m in re.finditer(re.escape(needle), text)]
    if spans:
        return spans, False
    norm, where = _normalised(text)
    small = _normalised(needle)[0]
    spans = [(where[m.start()], where[m.start() + len(small) - 1] + 1)
             for m in re.finditer(re.escape(small), norm)]
    return spans, True


def gold_spans(gold: Gold, text: str) -> tuple[dict[str, list[tuple[int, int]]], list[str]]:
    """Where each gold event's evidence lies in the text, and what was not found verbatim.

    Every occurrence of ``evidence`` and of each ``other_evidence`` counts.
    """
    spans: dict[str, list[tuple[int, int]]] = {}
    warnings: list[str] = []
    for e in gold.events:
        found: list[tuple[int, int]] = []
        for s in (e.evidence, *e.other_evidence):
            hits, fuzzy = _find(text, s)
            if not hits:
                warnings.append(f"{gold.article} {e.id}: evidence not found in the text: "
                                f"{_clip(s)!r}")
            elif fuzzy:
                warnings.append(f"{gold.article} {e.id}: evidence found only after normalising "
                                f"quotes and whitespace: {_clip(s)!r}")
            for h in hits:
                _add(found, h)
        spans[e.id] = sorted(found)
    return spans, warnings


def _overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    best = 0
    for s1, e1 in a:
        for s2, e2 in b:
            best = max(best, min(e1, e2) - max(s1, s2))
    return best


def _clip(text: str, width: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "\u2026"


# ---------------------------------------------------------------- matching

def _type_ok(g: GoldEvent, sys_type: str) -> bool:
    return sys_type == g.type or sys_type in g.also_ok


def _by_ok(gold: Gold, g: GoldEvent, sys_ids: Iterable[str], level: str) -> bool:
    sys_ids = set(sys_ids)
    if level == "exact":
        return bool(sys_ids & set(g.by))
    return bool({_top(gold, s) for s in sys_ids} & {_top(gold, b) for b in g.by})


def _assign(golds: list[str], stages: list[dict[str, list[str]]], taken: set[str]
            ) -> dict[str, str]:
    """A maximum one-to-one matching gold -> system, built over successively wider options.

    Each stage extends the matching of the one before by augmenting paths, so
    pairs that agree closely are made first; each gold event tries its best
    options first.
    """
    owner: dict[str, str] = {}  # system -> gold

    def augment(g: str, options: dict[str, list[str]], seen: set[str]) -> bool:
        for s in options.get(g, ()):
            if s in taken or s in seen:
                continue
            seen.add(s)
            if s not in owner or augment(owner[s], options, seen):
                owner[s] = g
                return True
        return False

    for options in stages:
        matched = set(owner.values())
        for g in golds:
            if g not in matched:
                augment(g, options, set())
    return {g: s for s, g in owner.items()}


def _match(gold: Gold, events: list[_SysEvent], spans: dict, amap: dict, level: str
           ) -> tuple[dict[str, str], dict[str, str]]:
    """Gold id -> system IRI, for counted and for optional gold events.

    Pairs whose by-actor and type agree exactly are preferred, then larger overlaps.
    """
    order = {e.iri: i for i, e in enumerate(events)}
    close: dict[str, list[str]] = {}
    every: dict[str, list[str]] = {}
    for g in gold.events:
        scored = []
        for e in events:
            size = _overlap(e.spans, spans.get(g.id, []))
            ids = [gid for iri in e.by for gid in amap.get(iri, ())]
            if size > 0 and _type_ok(g, e.type) and _by_ok(gold, g, ids, level):
                exact = e.type == g.type and _by_ok(gold, g, ids, "exact")
                scored.append((not exact, -size, order[e.iri], e.iri))
        scored.sort()
        every[g.id] = [iri for *_, iri in scored]
        close[g.id] = [iri for first, *_, iri in scored if not first]
    stages = [close, every]
    counted = _assign([g.id for g in gold.events if not g.optional], stages, set())
    optional = _assign([g.id for g in gold.events if g.optional], stages, set(counted.values()))
    return counted, optional


def _prf_by_type(gold: Gold, events: list[_SysEvent], counted: dict[str, str],
                 optional: dict[str, str]) -> dict[str, PRF]:
    found = set(counted.values())
    neutral = set(optional.values())
    table: dict[str, PRF] = {}
    for g in gold.events:
        if not g.optional:
            table[g.type] = table.get(g.type, PRF()) + PRF(gold=1, tp_gold=int(g.id in counted))
    for e in events:
        if e.iri not in neutral:
            table[e.type] = table.get(e.type, PRF()) + PRF(system=1, tp_system=int(e.iri in found))
    return dict(sorted(table.items()))


def _names(gold: Gold, ids: Iterable[str]) -> str:
    return "/".join(ids) or "-"


def _describe(gold: Gold, g: GoldEvent, e: _SysEvent, amap: dict, taken: str | None) -> str:
    """Why a system event that overlaps a gold event does not match it (``taken``: what
    holds the pair's other side already)."""
    ids = [gid for iri in e.by for gid in amap.get(iri, ())]
    why = []
    if not _type_ok(g, e.type):
        why.append(f"type {e.type}, gold {'/'.join((g.type, *g.also_ok))}")
    if not ids:
        why.append(f"by {e.by_label or '?'!r} is not a gold actor")
    elif not _by_ok(gold, g, ids, "state"):
        why.append(f"by {e.by_label!r} ({_names(gold, ids)}), gold {_names(gold, g.by)}")
    if taken:
        why.append(taken)
    return "; ".join(why) or "matches"


def score_article(event_rows: Iterable[Mapping], actor_rows: Iterable[Mapping], gold: Gold,
                  text: str) -> ArticleScore:
    """How well one article's system events and actors agree with its gold annotation.

    ``event_rows`` and ``actor_rows`` are the rows of the named queries
    ``events`` and ``actors`` for this article (see :func:`rows_from_extraction`);
    ``text`` is the article text the offsets point into.

    Matching follows the gold format. A system actor is the gold actor whose
    name or alias equals its label (case and punctuation aside), else one of
    its alternative labels. A system event (one ``event`` IRI, however many
    evidence rows) matches a gold event when one of its spans overlaps the
    gold ``evidence`` or an ``other_evidence``, its type is ``type`` or in
    ``also_ok``, and its by-actor agrees:

    - exact level: it is (one of) the gold ``by``;
    - state level: it and the gold ``by`` end their gold ``member_of``
      chains at the same actor. This contains the format's own wording (an
      actor on the gold actor's chain) and also accepts a member of the
      gold actor (gold: the state; system: its foreign ministry) and a
      fellow member (gold: the ministry; system: its spokesman's body),
      since "state level" asks which state acted; which body or person
      within it is exactly what the exact level judges.

    Each gold event is matched at most once and each system event at most
    once: a maximum matching that prefers pairs agreeing exactly, then
    larger overlaps, made first for counted gold events, then for optional
    ones (a match on an optional event is neither a hit nor a false
    positive). Addressee and response accuracy are judged on the counted
    state-level matches; a response is right when the system's
    ``respondsTo`` event is itself matched to (one of) the gold
    ``responds_to`` events.
    """
    event_rows = list(event_rows)
    events = _system_events(event_rows, text)
    amap = _actor_map(actor_rows, _row_labels(event_rows), gold)
    spans, warnings = gold_spans(gold, text)
    by_iri = {e.iri: e for e in events}
    by_id = {g.id: g for g in gold.events}
    order = {g.id: i for i, g in enumerate(gold.events)}

    ex_counted, ex_optional = _match(gold, events, spans, amap, "exact")
    st_counted, st_optional = _match(gold, events, spans, amap, "state")
    n_gold = sum(not g.optional for g in gold.events)

    def prf(counted: dict, optional: dict) -> PRF:
        return PRF(n_gold, len(events) - len(optional), len(counted), len(counted))

    def gids(iris: Iterable[str]) -> set[str]:
        return {gid for iri in iris for gid in amap.get(iri, ())}

    st_all = {**st_counted, **st_optional}
    sys_to_gold = {s: g for g, s in st_all.items()}
    to_exact = to_state = responds = Accuracy()
    flaws: list[Flaw] = []
    for g_id, s_iri in sorted(st_counted.items(), key=lambda m: order[m[0]]):
        g, e = by_id[g_id], by_iri[s_iri]
        if ex_counted.get(g_id) != s_iri:
            sys_ids = gids(e.by)
            if not (sys_ids & set(g.by)):
                flaws.append(Flaw(g_id, e.short, "by",
                                  f"by {e.by_label!r} ({_names(gold, sys_ids)}), gold "
                                  f"{_names(gold, g.by)}: state level only"))
        if e.type != g.type:
            flaws.append(Flaw(g_id, e.short, "type", f"type {e.type} accepted through also_ok "
                                                      f"(gold {g.type})"))
        if g.to:
            sys_to = gids(e.to)
            ok_exact = bool(sys_to & set(g.to))
            ok_state = bool({_top(gold, a) for a in sys_to} & {_top(gold, a) for a in g.to})
            to_exact += Accuracy(int(ok_exact), 1)
            to_state += Accuracy(int(ok_state), 1)
            if not ok_exact:
                shown = (_names(gold, sys_to) if sys_to
                         else "not a gold actor" if e.to else "none")
                flaws.append(Flaw(g_id, e.short, "to", f"to {shown}, gold {_names(gold, g.to)}"
                                  + (" (same state)" if ok_state else "")))
        if g.responds_to:
            answers = [sys_to_gold.get(r) for r in e.responds_to]
            ok = any(a in g.responds_to for a in answers)
            responds += Accuracy(int(ok), 1)
            if not ok:
                shown = ", ".join(f"{r.rsplit('/act/', 1)[-1]} (= {a or 'unmatched'})"
                                  for r, a in zip(e.responds_to, answers)) or "none"
                flaws.append(Flaw(g_id, e.short, "responds_to",
                                  f"responds to {shown}, gold {_names(gold, g.responds_to)}"))

    def taken_by(e: _SysEvent) -> str | None:
        return f"already matched to {sys_to_gold[e.iri]}" if e.iri in sys_to_gold else None

    def holder(g: GoldEvent) -> str | None:
        if g.id not in st_all:
            return None
        return f"a duplicate: {g.id} is matched to {st_all[g.id].rsplit('/act/', 1)[-1]}"

    misses = []
    for g in gold.events:
        if g.optional or g.id in st_counted:
            continue
        near = tuple(
            f"{e.short}: {_describe(gold, g, e, amap, taken_by(e))}"
            for e in events if _overlap(e.spans, spans.get(g.id, [])) > 0)
        if not spans.get(g.id):
            near = ("evidence not found in the text",) + near
        misses.append(Miss(g.id, "/".join((g.type, *g.also_ok)), g.by, g.to,
                           _clip(g.evidence), near))
    fps = []
    for e in events:
        if e.iri in sys_to_gold:
            continue
        near = tuple(f"{g.id}: {_describe(gold, g, e, amap, holder(g))}" for g in gold.events
                     if _overlap(e.spans, spans.get(g.id, [])) > 0)
        evidence = " | ".join(_clip(text[s:t], 100) for s, t in e.spans) or "(no evidence span)"
        fps.append(FalsePositive(e.short, e.type, e.by_label or "?",
                                 tuple(sorted(gids(e.by))), evidence, near))

    return ArticleScore(
        article=gold.article, exact=prf(ex_counted, ex_optional),
        state=prf(st_counted, st_optional),
        types_exact=_prf_by_type(gold, events, ex_counted, ex_optional),
        types_state=_prf_by_type(gold, events, st_counted, st_optional),
        to_exact=to_exact, to_state=to_state, responds_to=responds,
        questions=len(gold.questions),
        matches_exact=tuple(sorted(ex_counted.items())),
        matches_state=tuple(sorted(st_counted.items())),
        optional_matched=tuple(sorted(st_optional.items())),
        misses=tuple(misses), false_positives=tuple(fps), flaws=tuple(flaws),
        warnings=tuple(warnings))


def _sum_types(tables: Iterable[Mapping[str, PRF]]) -> dict[str, PRF]:
    total: dict[str, PRF] = {}
    for table in tables:
        for t, prf in table.items():
            total[t] = total.get(t, PRF()) + prf
    return dict(sorted(total.items()))


def score_corpus(scores: Sequence[ArticleScore]) -> CorpusScore:
    """The micro-averaged scores of several articles (counts summed, then divided)."""
    scores = tuple(scores)

    def total(attr: str, zero):
        value = zero
        for s in scores:
            value = value + getattr(s, attr)
        return value

    return CorpusScore(
        articles=scores, exact=total("exact", PRF()), state=total("state", PRF()),
        types_exact=_sum_types(s.types_exact for s in scores),
        types_state=_sum_types(s.types_state for s in scores),
        to_exact=total("to_exact", Accuracy()), to_state=total("to_state", Accuracy()),
        responds_to=total("responds_to", Accuracy()),
        questions=sum(s.questions for s in scores))


# ---------------------------------------------------------------- gold files

def read_gold_articles(paths: Iterable[str | Path]) -> Iterator[tuple[Gold, Article] | InputError]:
    """Each gold file (``<id>.yaml``, or every one in a directory) with the article beside it.

    Yields ``(gold, article)`` or an InputError naming the file at fault.
    """
    from .read import read_text_file

    for p in paths:
        path = Path(p)
        if path.is_dir():
            files = sorted(f for f in path.rglob("*") if f.suffix in (".yaml", ".yml"))
            if not files:
                yield InputError(f"{path}: no gold files (.yaml) in this directory")
        elif path.is_file():
            files = [path]
        else:
            yield InputError(f"{path}: no such file or directory")
            continue
        for f in files:
            try:
                gold = read_gold(f)
            except InputError as exc:
                yield exc
                continue
            except KeyError as exc:
                yield InputError(f"{f}: malformed gold file (an entry lacks the key {exc})")
                continue
            except (TypeError, ValueError, AttributeError) as exc:
                yield InputError(f"{f}: malformed gold file ({type(exc).__name__}: {exc})")
                continue
            txt = f.with_suffix(".txt")
            if not txt.is_file():
                yield InputError(f"{f}: no article text beside it ({txt.name})")
                continue
            try:
                article = read_text_file(txt)
            except InputError as exc:
                yield exc
                continue
            yield gold, article


# ---------------------------------------------------------------- reports

def _f(value: float | None) -> str:
    return "   -" if value is None else f"{value:4.2f}"


def score_table(corpus: CorpusScore) -> str:
    """The scores as a plain-text table: one line per article, the total, then per act type."""
    width = max([len(s.article) for s in corpus.articles] + [len("TOTAL (micro)"), 7])
    head = (f"{'article':<{width}}  gold  sys  hit |  P-st R-st F-st |  P-ex R-ex F-ex "
            f"| to-ex to-st resp")
    lines = [head, "-" * len(head)]

    def line(name: str, s) -> str:
        return (f"{name:<{width}}  {s.state.gold:4d} {s.state.system:4d} "
                f"{s.state.tp_gold:4d} | {_f(s.state.precision)} {_f(s.state.recall)} "
                f"{_f(s.state.f1)} | {_f(s.exact.precision)} {_f(s.exact.recall)} "
                f"{_f(s.exact.f1)} |  {_f(s.to_exact.value)}  {_f(s.to_state.value)} "
                f"{_f(s.responds_to.value)}")

    lines += [line(s.article, s) for s in corpus.articles]
    lines += ["-" * len(head), line("TOTAL (micro)", corpus), ""]
    lines.append(f"{'type (state level)':<{width}}  gold  sys  hit right |  P    R    F1")
    for t, prf in corpus.types_state.items():
        lines.append(f"{t:<{width}}  {prf.gold:4d} {prf.system:4d} {prf.tp_gold:4d} "
                     f"{prf.tp_system:5d} | {_f(prf.precision)} {_f(prf.recall)} {_f(prf.f1)}")
    lines.append("(hit: gold events of the type found; right: system events of the type "
                 "that match, possibly a gold event of another type through also_ok)")
    lines += ["", f"to: addressee right on matched events with a gold addressee "
                  f"({corpus.to_exact.correct}/{corpus.to_exact.total} exact, "
                  f"{corpus.to_state.correct}/{corpus.to_state.total} state); "
                  f"resp: respondsTo right ({corpus.responds_to.correct}/"
                  f"{corpus.responds_to.total})",
              f"questions: {corpus.questions} in gold, not scored (they need the graph, "
              f"not only the events and actors tables)"]
    return "\n".join(lines)


def score_details(score: ArticleScore) -> str:
    """Misses, false positives, flaws of matched events and warnings of one article, as text."""
    lines = [f"== {score.article}"]
    if not score.misses and not score.false_positives:
        lines.append("  all gold events found, no false positives")
    for w in score.warnings:
        lines.append(f"  warning: {w}")
    for m in score.misses:
        lines.append(f"  MISS {m.gold_id} {m.type} by {'/'.join(m.by) or '-'}"
                     f" to {'/'.join(m.to) or '-'}: {m.evidence!r}")
        lines += [f"       near {n}" for n in m.near]
    for fp in score.false_positives:
        mapped = f" ({'/'.join(fp.by_gold)})" if fp.by_gold else " (not a gold actor)"
        lines.append(f"  FP   {fp.event} {fp.type} by {fp.by_label!r}{mapped}: {fp.evidence!r}")
        lines += [f"       near {n}" for n in fp.near]
    for fl in score.flaws:
        lines.append(f"  FLAW {fl.gold_id} <- {fl.event}: {fl.note}")
    for g_id, s in score.optional_matched:
        lines.append(f"  OPT  {g_id} <- {s.rsplit('/act/', 1)[-1]}: optional gold event found "
                     f"(not counted)")
    return "\n".join(lines)


def _prf_dict(prf: PRF) -> dict:
    return {**asdict(prf), "precision": prf.precision, "recall": prf.recall, "f1": prf.f1}


def _acc_dict(acc: Accuracy) -> dict:
    return {**asdict(acc), "accuracy": acc.value}


def _score_fields(s) -> dict:
    return {
        "exact": _prf_dict(s.exact), "state": _prf_dict(s.state),
        "types_exact": {t: _prf_dict(p) for t, p in s.types_exact.items()},
        "types_state": {t: _prf_dict(p) for t, p in s.types_state.items()},
        "to_exact": _acc_dict(s.to_exact), "to_state": _acc_dict(s.to_state),
        "responds_to": _acc_dict(s.responds_to),
        "questions": {"count": s.questions, "answered": None, "scored": False},
    }


def score_dict(corpus: CorpusScore) -> dict:
    """Everything about a corpus score as JSON-ready data."""
    articles = []
    for s in corpus.articles:
        articles.append({
            "article": s.article, **_score_fields(s),
            "matches_exact": [list(m) for m in s.matches_exact],
            "matches_state": [list(m) for m in s.matches_state],
            "optional_matched": [list(m) for m in s.optional_matched],
            "misses": [asdict(m) for m in s.misses],
            "false_positives": [asdict(f) for f in s.false_positives],
            "flaws": [asdict(f) for f in s.flaws],
            "warnings": list(s.warnings),
        })
    return {"total": _score_fields(corpus), "articles": articles,
            "matching": {"state_level": "the system by-actor and the gold by-actor end their "
                                        "member_of chains (in gold) at the same actor"}}
