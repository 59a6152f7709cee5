"""The act lexicon (``data/acts.tsv``): which words trigger which act type."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from .tables import read_table, split_values

__all__ = ["Trigger", "load_lexicon", "match_trigger", "kinds_named", "names_act", "names_kind",
           "noun_type"]


@dataclass(frozen=True)
class Trigger:
    """One lexicon row: a word that, under a condition, signals an act."""

    lemma: str
    pos: str
    type: str
    subtype: str
    needs: str
    negated: str


@lru_cache(maxsize=1)
def load_lexicon() -> dict[tuple[str, str], tuple[Trigger, ...]]:
    """(lemma, pos) -> triggers, those with a condition first."""
    table: dict[tuple[str, str], list[Trigger]] = {}
    for row in read_table("acts.tsv"):
        t = Trigger(row["lemma"].lower(), row["pos"].upper(), row["type"], row.get("subtype", ""),
                    row.get("needs", ""), row.get("negated", ""))
        table.setdefault((t.lemma, t.pos), []).append(t)
    return {k: tuple(sorted(v, key=lambda t: t.needs == "")) for k, v in table.items()}


@lru_cache(maxsize=1)
def _blame_words() -> frozenset[str]:
    return frozenset(r["word"].lower() for r in read_table("accusatory.tsv"))


def _pos_class(tok) -> str:
    if tok.pos_ in ("VERB", "AUX"):
        return "VERB"
    if tok.pos_ in ("NOUN", "PROPN"):
        return "NOUN"
    return tok.pos_


def _needs_hold(tok, needs: str) -> bool:
    if not needs:
        return True
    if needs.startswith("!"):
        return not _needs_hold(tok, needs[1:])
    kind, _, values = needs.partition("=")
    wanted = {v for v in values.split("|") if v}
    if kind == "prt":
        return any(c.dep_ == "prt" and c.lower_ in wanted for c in tok.children)
    if kind == "prep":
        return any(c.dep_ in ("prep", "dative") and c.lower_ in wanted for c in tok.children) \
            or any(g.dep_ == "mark" and g.lower_ in wanted for c in tok.children
                   if c.dep_ in ("advcl", "ccomp", "xcomp") for g in c.children)  # "for X to..."
    if kind == "pobj":  # pobj=in:ambassador|envoy ("called in the ambassador")
        prep, _, words = values.partition(":")
        wanted = set(words.split("|"))
        as_prep = any(c.dep_ in ("prep", "prt") and c.lower_ == prep and any(
            g.dep_ == "pobj" and g.lemma_.lower() in wanted for g in c.children)
            for c in tok.children)  # "called in the ambassador" parsed as a preposition
        as_particle = any(c.dep_ == "prt" and c.lower_ == prep for c in tok.children) and any(
            c.dep_ in ("dobj", "obj") and c.lemma_.lower() in wanted for c in tok.children)
        return as_prep or as_particle
    if kind == "obj" and not wanted:
        return any(c.dep_ in ("dobj", "obj") for c in tok.children)
    if kind == "ing":  # "denied orchestrating the crossings"
        return any(c.dep_ in ("xcomp", "dobj", "pcomp", "ccomp") and c.tag_ == "VBG"
                   for c in tok.children)
    if kind == "oprd":
        return any(c.dep_ == "oprd" for c in tok.children)
    if kind == "obj":
        objs = [c for c in tok.children if c.dep_ in ("dobj", "obj", "nsubjpass")]
        if tok.dep_ in ("acl", "relcl") or any(c.dep_ == "auxpass" for c in tok.children):
            objs.append(tok.head)
        for o in objs:
            words = {w for t in o.subtree for w in (t.lemma_.lower(), t.lower_)}
            if words & wanted:
                return True
        return False
    if kind == "blame":
        words = _blame_words()
        return any(t.lemma_.lower() in words or t.lower_ in words for t in tok.subtree)
    if kind == "objblame":  # "called the comments unacceptable", "described it as illegal"
        words = _blame_words()
        return any(t.lemma_.lower() in words or t.lower_ in words
                   for c in tok.children if c.dep_ in ("dobj", "obj", "oprd", "prep", "ccomp")
                   and (c.dep_ != "prep" or c.lower_ == "as") for t in c.subtree)
    if kind == "head":
        return tok.head.i != tok.i and tok.head.lemma_.lower() in wanted
    if kind == "sub":
        return any(t.lemma_.lower() in wanted or t.lower_ in wanted for t in tok.subtree)
    if kind == "ccomp":
        return any(c.dep_ == "ccomp" for c in tok.children)
    if kind == "xcomp":
        return any(c.dep_ == "xcomp" and (not wanted or c.lemma_.lower() in wanted)
                   for c in tok.children)
    if kind == "neg":
        return any(c.dep_ == "neg" for c in tok.children)
    return False


def _stems(word: str) -> Iterator[str]:
    """A verb's stems by the regular endings, for a verb the parser lemmatised wrongly
    ("hopes" parsed as "hop" -> "hope")."""
    if word.endswith("ed") or (word.endswith("s") and not word.endswith("ss")):
        yield word[:-1]  # "hopes", "hoped" -> "hope"
    if word.endswith("ing"):
        yield word[:-3] + "e"  # "hoping" -> "hope"


def match_trigger(tok) -> Trigger | None:
    """The lexicon entry ``tok`` triggers, if its condition holds."""
    lexicon = load_lexicon()
    pos = _pos_class(tok)
    entries = lexicon.get((tok.lemma_.lower(), pos))
    if entries is None and tok.pos_ in ("VERB", "AUX"):  # only when the lemma is unknown
        entries = next((lexicon[(stem, pos)] for stem in _stems(tok.lower_)
                        if (stem, pos) in lexicon), None)
    if not entries:
        return None
    for t in entries:
        if _needs_hold(tok, t.needs):
            return None if t.type == "-" else t  # "-": the word is no act in this use
    return None


def noun_type(lemma: str) -> str | None:
    """The act type a noun names on its own ("protest" -> protest), if any."""
    entries = load_lexicon().get((lemma.lower(), "NOUN"), ())
    plain = [t for t in entries if not t.needs]
    return plain[0].type if plain else None


@lru_cache(maxsize=1)
def _derivations() -> frozenset[tuple[str, str]]:
    return frozenset((r["noun"].lower(), r["verb"].lower()) for r in read_table("derivations.tsv"))


@lru_cache(maxsize=1)
def _named_kinds() -> dict[str, frozenset[str]]:
    return {r["noun"].lower(): frozenset(split_values(r["types"]))
            for r in read_table("named_kinds.tsv")}


def kinds_named(noun: str) -> frozenset[str]:
    """The act types a noun names by kind ("the decision" -> refusals and measures,
    "his comments" -> statements), as listed in ``data/named_kinds.tsv``."""
    return _named_kinds().get(noun, frozenset())


def names_kind(noun: str, act_type: str) -> bool:
    """Whether a noun names an act of ``act_type`` by its kind (see kinds_named)."""
    return act_type in kinds_named(noun)


def names_act(noun: str, lemma: str) -> bool:
    """Whether a noun names the act of a trigger lemma ("expulsion" -> "expel", "refusal"
    -> "refuse", "ban" -> "ban"): the same word, one listed in ``data/derivations.tsv``,
    or two words sharing their first five letters."""
    if noun == lemma or (noun, lemma) in _derivations():
        return True
    return len(noun) >= 5 and len(lemma) >= 5 and noun[:5] == lemma[:5]
