"""The records passed between stages: an article, its actors and its acts.

Plain frozen dataclasses; this module imports nothing of the project.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

__all__ = ["ACT_TYPES", "ACTOR_KINDS", "Article", "Span", "Actor", "Act", "Extraction"]

#: The eleven act types, by their notation word (see ``ontology/dkg.ttl``).
ACT_TYPES = (
    "request", "decline", "accept", "statement", "claim", "protest",
    "accusation", "threat", "denial", "commitment", "action",
)

#: The kinds of actor, as the gold format names them.
ACTOR_KINDS = ("state", "government", "organization", "person", "media", "group", "other")


@dataclass(frozen=True)
class Article:
    """One news article as read: its text exactly as in the file, and metadata."""

    id: str
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date, the anchor for relative dates
    language: str = "en"

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the text (UTF-8), the article's content hash."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, order=True)
class Span:
    """A stretch of an article's text: character offsets into ``Article.text``."""

    start: int
    end: int
    text: str = field(compare=False)
    sentence: str = field(default="", compare=False)


@dataclass(frozen=True)
class Actor:
    """A real-world actor named in an article.

    ``key`` is stable across articles (e.g. ``state/CHN``, ``person/jane-doe``),
    so the same entity named in two articles is one node.
    """

    key: str
    label: str
    kind: str
    aliases: tuple[str, ...] = ()
    member_of: str | None = None  # key of the body or state it belongs to
    role: str | None = None  # post held, e.g. "press secretary"
    iso: str | None = None  # ISO 3166-1 alpha-3, for states
    wikidata: str | None = None  # Wikidata id, e.g. "Q148"
    mentions: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Act:
    """One act (statement, request, decline, action...) with its evidence.

    ``agent``, ``via``, ``addressee`` and ``participants`` are actor keys;
    ``responds_to`` is the key of another act of the same article.
    """

    key: str
    type: str  # one of ACT_TYPES
    agent: str
    evidence: tuple[Span, ...]
    via: str | None = None
    addressee: str | None = None
    topic: str | None = None  # what it is about, e.g. "the balloon"
    content: str | None = None  # what is asked, refused, claimed...
    participants: tuple[str, ...] = ()  # actors named in the content
    responds_to: str | None = None
    quote: str | None = None
    date: str | None = None  # ISO date when the text fixes the day
    date_text: str | None = None  # the date phrase as written
    place: str | None = None
    subtype: str | None = None  # for actions: use_of_force, movement, recovery, meeting


@dataclass(frozen=True)
class Extraction:
    """Everything read from one article: the input of the RDF builder."""

    article: Article
    actors: tuple[Actor, ...]
    acts: tuple[Act, ...]
    model: str = ""  # e.g. "en_core_web_sm 3.8.0"
