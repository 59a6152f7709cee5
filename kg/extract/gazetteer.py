"""The gazetteer: states, institutions, known persons, body types and titles, from the
data files."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from .tables import read_table, split_values

__all__ = ["Entry", "Gazetteer", "KnownPerson", "load_gazetteer"]


@dataclass(frozen=True)
class Entry:
    """A named actor the gazetteer knows: a state or an institution."""

    key: str
    label: str
    kind: str
    state: str | None = None  # key of the state it belongs to
    member_of: str | None = None  # key of the body it belongs to
    iso: str | None = None
    wikidata: str | None = None


@dataclass(frozen=True)
class KnownPerson:
    """A person the gazetteer knows: the name news gives them and whom they belong to."""

    name: str
    belongs_to: str  # a state key ("state/USA") or an institution key ("inst/INT/un")
    wikidata: str | None = None


@dataclass
class Gazetteer:
    """Lookup tables built once from the data files."""

    entries: dict[str, Entry] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # surface form -> key
    capitals: dict[str, str] = field(default_factory=dict)  # capital -> state key
    demonyms: dict[str, str] = field(default_factory=dict)  # adjective/noun -> state key
    bodies: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # phrase -> (type, kind, template)
    titles: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # phrase -> (role, body type, state key)
    state_bodies: dict[tuple[str, str], str] = field(default_factory=dict)  # (state, type) -> inst key
    first_words: frozenset[str] = frozenset()  # first tokens of every name, for fast matching
    honorifics: frozenset[str] = frozenset()
    media_words: frozenset[str] = frozenset()
    persons: dict[str, KnownPerson] = field(default_factory=dict)  # full name -> person
    surnames: dict[str, tuple[KnownPerson, ...]] = field(default_factory=dict)
    person_first_words: frozenset[str] = frozenset()  # first words of their full names

    def person(self, name: str, context: frozenset[str] | set[str] = frozenset()
               ) -> KnownPerson | None:
        """The known person a name stands for: a full name or spelling, or a surname
        ("Mr Guterres") of one known person, or of the one of several whose state or
        organisation is among the ``context`` keys (the actors the text names)."""
        if name in self.persons:
            return self.persons[name]
        if " " in name:
            return None
        found = self.surnames.get(name, ())
        if len(found) == 1:
            return found[0]
        named = [p for p in found if p.belongs_to in context]
        return named[0] if len(named) == 1 else None

    def body_key(self, state: str, body_type: str) -> str | None:
        """The institution that is ``state``'s body of that type, if the gazetteer has it
        (the United States' defence ministry is the Department of Defense)."""
        return self.state_bodies.get((state, body_type))

    def state_of(self, key: str | None) -> str | None:
        """The state key an entry belongs to (itself for a state)."""
        if key is None:
            return None
        if key.startswith("state/"):
            return key
        entry = self.entries.get(key)
        return entry.state if entry else None


def _variants(name: str) -> set[str]:
    out = {name}
    if name.lower().startswith("the "):
        out.add(name[4:])
    return {v for v in out if v}


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer of ``kg/extract/data`` (read once per process)."""
    gz = Gazetteer()
    for row in read_table("states.tsv"):
        iso = row["iso3"]
        key = f"state/{iso}"
        gz.entries[key] = Entry(key, row["name"], "state", key, None, iso,
                                row.get("wikidata") or None)
        for name in (row["name"], *split_values(row.get("official", "")),
                     *split_values(row.get("aliases", ""))):
            for v in _variants(name):
                gz.names.setdefault(v, key)
        for cap in split_values(row.get("capitals", "")):
            gz.capitals.setdefault(cap, key)
        for dem in split_values(row.get("demonyms", "")):
            gz.demonyms.setdefault(dem, key)
    for row in read_table("institutions.tsv"):
        key = "inst/" + row["key"]
        state = f"state/{row['state']}" if row.get("state") else None
        member = ("inst/" + row["member_of"]) if row.get("member_of") else state
        gz.entries[key] = Entry(key, row["name"], row.get("kind") or "organization", state,
                                member, None, row.get("wikidata") or None)
        for name in (row["name"], *split_values(row.get("aliases", ""))):
            for v in _variants(name):
                gz.names.setdefault(v, key)
    for row in read_table("bodies.tsv"):
        for phrase in split_values(row["phrases"]):
            gz.bodies.setdefault(phrase.lower(), (row["type"], row.get("kind") or "government",
                                                  row.get("name_template") or ""))
    for key, e in gz.entries.items():
        if not key.startswith("inst/") or not e.state:
            continue
        for name, target in gz.names.items():
            if target == key and name.lower() in gz.bodies:
                gz.state_bodies.setdefault((e.state, gz.bodies[name.lower()][0]), key)
    firsts = set()
    for name in (*gz.names, *gz.capitals, *gz.demonyms):
        word = name.split()[0]
        firsts.add(word)
        for sep in ("'", "’", "-", "."):
            firsts.add(word.split(sep)[0])
    gz.first_words = frozenset(w for w in firsts if w)
    honor = set()
    for row in read_table("titles.tsv"):
        for phrase in split_values(row["phrase"]):
            if row.get("honorific", "").lower() in ("yes", "y", "true", "1"):
                honor.add(phrase.lower())
            else:
                state = f"state/{row['state']}" if row.get("state") else ""
                gz.titles.setdefault(phrase.lower(), (row.get("role") or phrase,
                                                      row.get("body") or "", state))
    gz.honorifics = frozenset(honor)
    _load_persons(gz)
    gz.media_words = frozenset(w.lower() for row in read_table("media_words.tsv")
                               for w in split_values(row["word"]))
    return gz


def _load_persons(gz: Gazetteer) -> None:
    """Known persons of ``persons.tsv``, by every spelling of their full name and by
    their surname (which several may share)."""
    for row in read_table("persons.tsv"):
        code = row["belongs_to"]
        belongs = f"inst/{code}" if code.startswith("INT/") else f"state/{code}"
        if belongs not in gz.entries:
            continue  # a state or organisation the gazetteer does not have
        person = KnownPerson(row["name"], belongs, row.get("wikidata") or None)
        for name in (row["name"], *split_values(row.get("aliases", ""))):
            gz.persons.setdefault(name, person)
            surname = name.split()[-1]
            if len(name.split()) > 1 and person not in gz.surnames.get(surname, ()):
                gz.surnames[surname] = (*gz.surnames.get(surname, ()), person)
    gz.person_first_words = frozenset(name.split()[0] for name in gz.persons)
