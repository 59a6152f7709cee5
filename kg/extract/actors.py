"""Finding actors in a parsed document: gazetteer names, named entities, bodies
("China's Foreign Ministry"), persons with their posts, unnamed officials.

``find_actors(doc)`` returns an :class:`ActorIndex`: every actor found, and for
each token the actor it names, so the act step can ask "who is this phrase?".
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..namespaces import slug
from .gazetteer import Gazetteer, KnownPerson, load_gazetteer

__all__ = ["Found", "ActorIndex", "find_actors", "add_referenced", "LOCAL", "COUNTERPART"]

#: Membership placeholder for "his counterpart, X": X belongs to the other side
#: of the story, settled once the sides are known (:mod:`kg.extract.linking`).
COUNTERPART = "?counterpart"

#: Prefix of keys that name an actor only within one article (unnamed officials,
#: bodies of no known state); the pipeline scopes them to the article.
LOCAL = "~"

_MAX_NAME_TOKENS = 8
_PERSON_PRONOUNS = {"he", "she", "him", "his", "her", "hers", "himself", "herself"}
_THING_PRONOUNS = {"it", "its", "itself"}
_GROUP_PRONOUNS = {"they", "their", "them", "theirs", "themselves"}
_FIRST_PERSON = {"we", "our", "us", "ours", "ourselves", "i", "my", "me", "mine"}
_UNNAMED_PERSON = {"official", "spokesman", "spokeswoman", "spokesperson", "diplomat",
                   "source", "officer", "minister", "ambassador", "envoy", "secretary",
                   "adviser", "advisor", "aide", "representative", "commissioner", "chief",
                   "leader", "president", "premier", "chancellor", "king", "emir", "monarch"}
#: Unnamed posts that, of a state, are its head of state or government ("the Nigerian
#: leader"): the person of the text who holds such a post for that state, if one does.
_HEAD_WORDS = {"leader", "president", "premier", "chancellor", "king", "emir", "monarch"}
_HEAD_ROLES = {"president", "prime minister", "premier", "chancellor", "leader",
               "supreme leader", "king", "emir", "sultan", "head of state"}
_UNNAMED_GROUP = {"officials", "diplomats", "sources", "officers", "authorities", "leaders",
                  "ministers", "lawmakers", "negotiators", "experts", "investigators",
                  "inspectors", "monitors", "observers", "mediators", "rapporteurs"}
#: Capitalised words that, before a one-word state name, make a region's name of it.
_REGION_WORDS = {"Latin", "South", "North", "Central", "East", "West", "Southeast",
                 "Northeast", "Southwest", "Northwest"}
_DETERMINERS = {"the", "a", "an", "this", "that", "these", "those"}
_COUNTRY_WORDS = {"country", "nation", "kingdom", "republic"}
_STATE_GROUPS = {"nations", "countries", "states", "bloc", "coalition", "alliance", "allies", "union",
                 "neighbours", "neighbors", "powers", "governments"}
#: Words that count a group of states rather than describe it ("several Arab countries").
_QUANTIFIERS = {"several", "some", "many", "few", "various", "other", "both", "all", "two",
                "three", "four", "five", "six", "seven", "eight", "nine", "ten"}
#: Words for a group of states that mean the same ("Arab nations", "Arab countries").
_GROUP_HEAD = {"nations": "countries", "states": "countries"}
_TITLE_WORDS = {"state", "defense", "defence", "foreign", "affairs", "interior", "justice",
                "treasury", "commerce", "trade", "security", "national"}


@dataclass
class Found:
    """One actor found in a document, with everything learnt about it."""

    key: str
    label: str
    kind: str
    aliases: set[str] = field(default_factory=set)
    member_of: str | None = None
    role: str | None = None
    iso: str | None = None
    wikidata: str | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)  # character offsets
    body_type: str | None = None  # for bodies: foreign-ministry, government...


@dataclass
class ActorIndex:
    """The actors of a document and which tokens name which actor."""

    actors: dict[str, Found] = field(default_factory=dict)
    by_token: dict[int, str] = field(default_factory=dict)  # token index -> actor key
    demonym_of: dict[int, str] = field(default_factory=dict)  # adjective token -> state key
    mentions: list[tuple[int, int, str]] = field(default_factory=list)  # (tok start, tok end, key)

    def state_of(self, key: str | None) -> str | None:
        """The state an actor belongs to, following membership up to 4 steps."""
        seen = 0
        while key and seen < 5:
            if key.startswith("state/"):
                return key
            found = self.actors.get(key)
            key = found.member_of if found else None
            seen += 1
        return None

    def side_of(self, key: str | None) -> str | None:
        """The side an actor is known to act for: its state, else the top body it belongs
        to ("the EU" for its spokesman), else None (a person or group of no known side)."""
        state = self.state_of(key)
        if state:
            return state
        seen = 0
        while key and seen < 5:
            found = self.actors.get(key)
            if found is None:
                return None
            if not found.member_of:
                return key if found.kind != "person" else None
            key = found.member_of
            seen += 1
        return None

    def merge(self, key: str, into: str) -> None:
        """Make actor ``key`` part of actor ``into``: its names, mentions and tokens."""
        found, target = self.actors.pop(key), self.actors[into]
        target.aliases |= found.aliases
        target.spans.extend(found.spans)
        self.by_token.update({i: into for i, k in self.by_token.items() if k == key})
        self.mentions[:] = [(a, b, into if k == key else k) for a, b, k in self.mentions]

    def add(self, doc, start: int, end: int, found: Found, surface: str | None = None) -> str:
        """Record that tokens ``start:end`` name ``found`` (merged by key)."""
        old = self.actors.get(found.key)
        if old is None:
            self.actors[found.key] = old = found
        else:
            old.member_of = old.member_of or found.member_of
            old.role = old.role or found.role
            if len(found.label) > len(old.label) and old.kind == "person":
                old.label = found.label
        span = doc[start:end]
        text = surface if surface is not None else _strip_det(span)
        if text:
            old.aliases.add(text)
            if span[0].lower_ in ("the", "a", "an") and not text.lower().startswith(
                    span[0].lower_ + " "):
                old.aliases.add(span[0].text + " " + text)  # "The Chinese embassy" as written
        old.spans.append((span.start_char, span.end_char))
        for i in range(start, end):
            self.by_token.setdefault(i, found.key)
        self.mentions.append((start, end, found.key))
        return found.key


def _strip_det(span) -> str:
    toks = list(span)
    while toks and toks[0].lower_ in _DETERMINERS:
        toks = toks[1:]
    while toks and toks[-1].tag_ == "POS":
        toks = toks[:-1]
    if not toks:
        return ""
    return span.doc[toks[0].i:toks[-1].i + 1].text


def _gazetteer_matches(doc, gz: Gazetteer, tokens: list):
    """Longest gazetteer names in the text: (start, end, key, how)."""
    out = []
    i, n = 0, len(doc)
    text_of = doc.text
    starts = [t.idx for t in tokens]
    words = [t.text for t in tokens]
    ends = [a + len(w) for a, w in zip(starts, words)]
    while i < n:
        best = None
        if words[i] not in gz.first_words:
            i += 1
            continue
        for j in range(min(n, i + _MAX_NAME_TOKENS), i, -1):
            text = text_of[starts[i]:ends[j - 1]]
            if text in gz.names:
                best = (i, j, gz.names[text], "name")
            elif text in gz.capitals:
                best = (i, j, gz.capitals[text], "capital")
            elif text in gz.demonyms:
                best = (i, j, gz.demonyms[text], "demonym")
            if best:
                break
        if best and i > 0 and words[i - 1] in _REGION_WORDS and best[1] - best[0] == 1:
            best = None  # "Latin America", "the South China Sea": a region, not the state
        if best:
            out.append(best)
            i = best[1]
        else:
            i += 1
    return out


def _generic_body(surface: str, key: str, gz: Gazetteer, matches) -> str | None:
    """The body type of an institution's name that is also a generic phrase
    ("Foreign Office"), when the institution's state is named nowhere else."""
    phrase = surface.lower()
    phrase = phrase[4:] if phrase.startswith("the ") else phrase
    if phrase not in gz.bodies:
        return None
    own = gz.entries[key].state
    if own is None or any(k == own for _, _, k, _ in matches):
        return None
    return gz.bodies[phrase][0]


def _main_state(matches, doc=None) -> str | None:
    """The state a story is about: the first state that is the subject of a
    sentence, else the one it names most (first named wins a tie)."""
    if doc is not None:
        for start, end, key, _ in matches:
            if key.startswith("state/") and any(t.dep_ in ("nsubj", "nsubjpass")
                                                for t in doc[start:end]):
                return key
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    for start, _, key, _ in matches:
        if key.startswith("state/"):
            counts[key] = counts.get(key, 0) + 1
            first.setdefault(key, start)
    return min(counts, key=lambda k: (-counts[k], first[k])) if counts else None


def _state_body(gz: Gazetteer, state: str, btype: str) -> Found:
    """The body of type ``btype`` of ``state`` (e.g. its foreign ministry)."""
    known = gz.body_key(state, btype)
    if known is not None:
        return _entry_found(gz, known)
    kind, template = next(((k, t) for p, (b, k, t) in gz.bodies.items() if b == btype),
                          ("government", ""))
    label = template.format(state=gz.entries[state].label) if template else \
        f"{btype} of {gz.entries[state].label}"
    found = Found(f"gov/{state[6:]}/{btype}", label,
                  kind if kind in ("government", "media", "group") else "government",
                  member_of=state)
    found.body_type = btype
    return found


def _entry_found(gz: Gazetteer, key: str) -> Found:
    e = gz.entries[key]
    return Found(key, e.label, e.kind, member_of=e.member_of if key != e.state else None,
                 iso=e.iso, wikidata=e.wikidata)


def _state_in(tokens, gz_tokens: dict[int, tuple[str, str]]) -> str | None:
    """First state named (by name, capital or demonym) among ``tokens``."""
    for t in tokens:
        if t.i in gz_tokens:
            key, _how = gz_tokens[t.i]
            if key.startswith("state/"):
                return key
    return None


def _body_at(head, gz: Gazetteer):
    """The body type whose phrase ends at ``head`` ("foreign affairs ministry"), if any."""
    doc = head.doc
    left = head.i
    while left > 0 and doc[left - 1].dep_ in ("compound", "amod") and \
            left - 1 < doc[left - 1].head.i <= head.i:
        left -= 1
    for start in range(left, head.i + 1):
        phrase = " ".join(t.lower_ for t in doc[start:head.i + 1])
        if phrase in gz.bodies:
            return gz.bodies[phrase], start, head.i + 1
    # "ministry of foreign affairs", "department of defense"
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for pobj in prep.children:
                if pobj.dep_ == "pobj":
                    end = max(t.i for t in pobj.subtree if t.i <= pobj.i) + 1
                    phrase = " ".join(t.lower_ for t in doc[head.i:end])
                    if phrase in gz.bodies:
                        return gz.bodies[phrase], head.i, end
    return None


def _other_body(head):
    """A ministry or department the body list does not name ("South Korea's
    unification ministry"): a body of its own type, named after its words."""
    if head.lower_ not in ("ministry", "department", "agency", "office", "commission",
                           "council", "directorate", "bureau", "service"):
        return None
    words = [t for t in head.lefts
             if (t.dep_ in ("compound", "amod") and t.pos_ in ("NOUN", "ADJ")
                 and t.text[:1].islower())
             or (t.dep_ == "compound" and t.pos_ == "PROPN" and t.text.istitle()
                 and t.ent_type_ == "")]
    if not words:
        return None
    start = min(t.i for t in words)
    phrase = " ".join(t.lower_ for t in head.doc[start:head.i + 1])
    btype = "-".join(phrase.split())
    template = " ".join(w.capitalize() for w in phrase.split()) + " of {state}"
    return (btype, "government", template), start, head.i + 1


def _np_bounds(head) -> tuple[int, int]:
    """Token bounds of the noun phrase of ``head`` without clauses after it."""
    start = head.i
    for child in reversed(list(head.lefts)):  # the modifiers, not a fronted "In X,"
        if child.dep_ in ("prep", "punct", "advmod", "advcl", "npadvmod", "cc", "mark"):
            break
        start = child.left_edge.i
    end = head.i + 1
    for child in head.rights:
        if child.dep_ in ("prep",) and child.lower_ in ("of", "for", "in", "to") and child.i == end:
            # up to an apposition inside: "officials of crimes against humanity, a charge..."
            appos = next((t for t in child.subtree if t.dep_ == "appos"), None)
            end = child.right_edge.i + 1 if appos is None else appos.left_edge.i
            while end > child.i + 1 and head.doc[end - 1].is_punct:
                end -= 1
        else:
            break
    return start, end


def find_actors(doc, gz: Gazetteer | None = None) -> ActorIndex:
    """Every actor named in ``doc``, and which tokens name it."""
    gz = gz or load_gazetteer()
    index = ActorIndex()
    tokens = list(doc)  # spaCy makes a new Token object on every pass over a Doc
    # a place inside a longer person name is no actor ("Lima" of "Ana Lima")
    in_names = [(e.start, e.end - (e[-1].lower_ in ("'s", "’s")))  # "Sri Lanka's" is no name
                for e in doc.ents if e.label_ == "PERSON" and len(e) > 1]
    matches = [m for m in _gazetteer_matches(doc, gz, tokens)
               if not any(a <= m[0] and m[1] <= b and (b - a) > (m[1] - m[0])
                          for a, b in in_names)]
    # "Somalia's Ministry of Foreign Affairs and International Cooperation" is Somalia's,
    # even where another state's ministry has that name: drop the other state's entry
    owner = {end: key for start, end, key, how in matches if key.startswith("state/")}
    matches = [m for m in matches if not (
        m[2].startswith("inst/") and m[0] >= 1 and tokens[m[0] - 1].tag_ == "POS"
        and owner.get(m[0] - 1) not in (None, gz.state_of(m[2])))]
    gz_tokens: dict[int, tuple[str, str]] = {}
    for start, end, key, how in matches:
        for i in range(start, end):
            gz_tokens[i] = (key, how)

    # 2. gazetteer names (states, institutions), "the Chinese side"
    for start, end, key, how in matches:
        if how == "demonym":
            nxt = doc[end] if end < len(doc) else None
            if nxt is not None and nxt.lower_ == "side":
                s = start - 1 if start > 0 and doc[start - 1].lower_ == "the" else start
                index.add(doc, s, end + 1, _entry_found(gz, key), doc[s:end + 1].text)
            else:
                for i in range(start, end):
                    index.demonym_of[i] = key
            continue
        if key.startswith("inst/"):
            btype = _generic_body(doc[start:end].text, key, gz, matches)
            if btype is not None:  # "the Foreign Office" in a story with no British actor
                state = _main_state(matches, doc)
                if state is not None:
                    body = _state_body(gz, state, btype)
                    index.add(doc, start, end, body)
                    continue
        index.add(doc, start, end, _entry_found(gz, key))
        if how == "capital":
            index.actors[key].aliases.add(doc[start:end].text)

    # 1. bodies: "China's Foreign Ministry", "the foreign ministry in Warsaw"
    body_tokens: set[int] = set()
    pending: list = []  # bodies named without a state, resolved at the end
    for tok in tokens:
        if tok.pos_ not in ("NOUN", "PROPN") or tok.i in body_tokens:
            continue
        if tok.i in gz_tokens and gz_tokens[tok.i][1] == "name":
            continue
        hit = _body_at(tok, gz) or _other_body(tok)
        if not hit:
            if tok.lower_ in _GENERIC_HEADS:
                pending.append((tok, None))
            continue
        (btype, kind, template), bstart, bend = hit
        np_start, np_end = _np_bounds(tok)
        # "Somalia's Ministry of Foreign Affairs": the possessor of the phrase's first word
        np_start = min(np_start, bstart, _np_bounds(doc[bstart])[0])
        np_end = max(np_end, bend)
        named = [*doc[np_start:np_end], *(t for c in tok.children if c.dep_ == "appos"
                                          for t in c.subtree)]
        if any(t.i in gz_tokens and gz_tokens[t.i][0].startswith("inst/") for t in named):
            continue  # "the official news agency APS": the named institution
        state = _state_in(doc[np_start:np_end], gz_tokens) or next(
            (index.demonym_of.get(t.i) or (gz_tokens[t.i][0] if t.i in gz_tokens and
             gz_tokens[t.i][1] == "demonym" else None)
             for t in doc[np_start:np_end] if t.i in gz_tokens or t.i in index.demonym_of), None)
        if state is None:
            pending.append((tok, btype))
            continue
        state_label = gz.entries[state].label
        if kind == "group":
            label = template.format(state=state_label) if template else f"{state_label} {tok.text}"
        else:
            label = template.format(state=state_label) if template else f"{tok.text} of {state_label}"
        known = gz.body_key(state, btype)
        if known is not None:
            surface = _strip_det(doc[np_start:np_end])
            index.add(doc, np_start, np_end, _entry_found(gz, known), surface)
            body_tokens.update(range(np_start, np_end))
            continue
        key = f"{'group' if kind == 'group' else 'gov'}/{state[6:]}/{btype}"
        found = Found(key, label, "group" if kind == "group" else ("media" if kind == "media" else "government"),
                      member_of=state)
        found.body_type = btype
        surface = _strip_det(doc[np_start:np_end])
        index.add(doc, np_start, np_end, found, surface)
        # also the bare body phrase as an alias ("Foreign Affairs Ministry")
        index.actors[key].aliases.add(doc[bstart:bend].text)
        for i in range(np_start, np_end):
            body_tokens.add(i)

    # 2b. political parties: "the Labour Party", "the ruling Law and Justice (PiS) party"
    _parties(doc, index, gz_tokens, tokens)

    # 3. persons (named entities), with posts and membership
    persons = [e for e in doc.ents if e.label_ == "PERSON" or (
        e.label_ in ("ORG", "GPE", "NORP") and e.start > 0 and (
            _titled(doc, e.start, gz) or _post_apposition(e, gz))
        and not any(i in gz_tokens for i in range(e.start, e.end)))]
    persons += _unrecognised_speakers(doc, gz_tokens, tokens)
    persons = [_whole_name(ent) for ent in persons]
    persons += _known_names(doc, gz, persons, gz_tokens, tokens)
    full_names: dict[str, str] = {}
    for ent in persons:
        name = _person_name(ent, gz)
        if name and " " in name:
            parts = name.split()
            for part in {parts[-1], parts[0]}:  # "Austin"; "Wang" of "Wang Wenbin"
                if part not in gz.titles and part.lower() not in gz.honorifics:
                    if full_names.get(part, name) != name:
                        full_names[part] = ""  # two persons share it: ambiguous
                    else:
                        full_names[part] = name
    full_names = {k: v for k, v in full_names.items() if v}
    for ent in persons:
        if ent.start in index.by_token:
            continue
        name = _person_name(ent, gz)
        if not name:
            continue
        if " " not in name and name in full_names:
            name = full_names[name]
        known = gz.person(name, index.actors.keys())  # one actor, any spelling
        if known is not None:
            name = known.name
        key = "person/" + slug(name)
        found = Found(key, name, "person", wikidata=known.wikidata if known else None)
        title_start, role, member = _person_post(ent, gz, gz_tokens, index, known)
        found.role = role
        found.member_of = member
        index.add(doc, ent.start, ent.end, found, _strip_det(ent))
        head = ent.root.head
        if ent.root.dep_ != "appos" and ent.start >= 2 and doc[ent.start - 1].text == ",":
            # "The UN high commissioner for human rights, Jane Roe, said": an apposition
            # the parser took for a second subject
            head = next((h for h in [doc[ent.start - 2], *doc[ent.start - 2].ancestors]
                         if h.i < ent.start and (h.lower_ in gz.titles
                                                 or h.lower_ in _UNNAMED_PERSON)), head)
        if (ent.root.dep_ == "appos" or head.i < ent.start - 1) and head.i < ent.start and (
                head.lower_ in gz.titles or head.lower_ in _UNNAMED_PERSON):
            # "the Israeli ambassador to the UN, Jane Roe": the post names her too
            a, b = _np_bounds(head)[0], ent.start
            while b > a and doc[b - 1].is_punct:
                b -= 1
            if b > a and not any(i in index.by_token and index.by_token[i].startswith("person/")
                                 for i in range(a, b)):
                index.actors[key].aliases.add(_strip_det(doc[a:b]))
        if title_start < ent.start:
            index.actors[key].aliases.add(doc[title_start:ent.end].text)
            for i in range(title_start, ent.start):
                index.by_token.setdefault(i, key)

    # 3b. a known person's last name alone, even where the NER missed it ("Bourita")
    for tok in tokens:
        if tok.pos_ == "PROPN" and tok.i not in index.by_token and tok.text in full_names \
                and not (tok.i + 1 < len(doc) and doc[tok.i + 1].pos_ == "PROPN"):
            key = "person/" + slug(full_names[tok.text])
            if key in index.actors:
                index.add(doc, tok.i, tok.i + 1, index.actors[key], tok.text)

    # 4. other organisations and media outlets named by the NER
    unstated = {tok.i: btype for tok, btype in pending if btype is not None}
    for ent in doc.ents:
        if ent.label_ != "ORG" or any(i in index.by_token for i in range(ent.start, ent.end)):
            continue
        if ent.root.dep_ == "conj" and ent.root.head.i in index.by_token and \
                index.actors[index.by_token[ent.root.head.i]].kind == "government":
            continue  # "Ministry of Foreign Affairs and International Cooperation": one name
        if ent.root.i in unstated:  # "the Foreign Ministry": the one named before, if any
            _unstated_body(doc, ent.root, unstated[ent.root.i], _np_bounds(ent.root)[0],
                           index, body_tokens)
            if ent.root.i in index.by_token:
                continue
        text = _strip_det(ent)
        if not text or len(text) < 2:
            continue
        if len(ent) == 1 and (ent.root.lower_ in gz.bodies or ent.root.lower_ in _TITLE_WORDS
                              or ent.root.lower_ in _UNNAMED_PERSON | _UNNAMED_GROUP):
            continue  # "State" of "Secretary of State": a word of a title, not an organisation
        words = {t.lower_ for t in ent}
        kind = "media" if words & gz.media_words else "organization"
        index.add(doc, ent.start, ent.end, Found("org/" + slug(text), text, kind), text)

    # 5. bodies named without their state: "the ministry", "the Biden administration"
    for tok, btype in pending:
        if tok.i in index.by_token:
            continue
        if btype is None:
            _back_reference(doc, tok, index, body_tokens, gz)
        else:
            np_start, _ = _np_bounds(tok)
            _unstated_body(doc, tok, btype, np_start, index, body_tokens)

    # 6. unnamed officials: "a senior administration official", "U.S. officials"
    for tok in tokens:
        if tok.i in index.by_token or tok.pos_ not in ("NOUN", "PROPN") or tok.ent_type_ == "PERSON":
            continue
        lower = tok.lower_
        if lower not in _UNNAMED_PERSON and lower not in _UNNAMED_GROUP:
            continue
        if any(c.dep_ == "appos" and c.ent_type_ == "PERSON" for c in tok.children):
            continue
        if tok.dep_ == "appos" and index.by_token.get(tok.head.i, "").startswith("person/"):
            continue  # "Maria Silva, the deputy foreign minister": her post, not another person
        if tok.dep_ == "compound":
            continue
        mods = [c for c in tok.lefts if c.dep_ in ("amod", "compound", "poss", "nmod")]
        np_start, np_end = _np_bounds(tok)
        span_toks = doc[np_start:np_end]
        member = None
        for t in span_toks:
            if t.i != tok.i and t.i in index.by_token:
                member = index.by_token[t.i]
                break
        if member is None:
            member = _state_in(span_toks, gz_tokens)
            if member is None:
                for t in span_toks:
                    if t.i in index.demonym_of:
                        member = index.demonym_of[t.i]
        if not mods and member is None:
            earlier = _same_head_before(index, tok)
            if earlier is not None:  # "UN human rights experts" ... "the experts"
                index.add(doc, np_start, np_end, index.actors[earlier], _strip_det(span_toks))
                continue
            if lower not in ("spokesman", "spokeswoman", "spokesperson"):
                continue
            # "a spokesman said": speaks for the body named last
            member = next((k for start, end, k in sorted(index.mentions, reverse=True)
                           if start < tok.i
                           and index.actors[k].kind in ("government", "organization")), None)
            if member is None:
                continue
        surface = _strip_det(span_toks)
        is_group = lower in _UNNAMED_GROUP
        state = index.state_of(member) if member else None
        if lower in _HEAD_WORDS:
            head = _head_of(index, state, tok.i) if state and member == state else None
            if head is not None:  # "Nigerian President Bola Tinubu" ... "the Nigerian leader"
                index.add(doc, np_start, np_end, index.actors[head], surface)
                continue
            if state is None or member != state:
                continue  # "the president of the council", "the bloc's leader": not a state's
        if is_group and state and member == state:
            key = f"group/{state[6:]}/{slug(tok.lemma_)}"
            label = f"{gz.entries[state].label} {tok.text}"
        else:
            key = f"{LOCAL}{'group' if is_group else 'person'}/{slug(surface)}"
            label = surface
        found = Found(key, label, "group" if is_group else "person", member_of=member,
                      role=None if is_group else surface)
        index.add(doc, np_start, np_end, found, surface)

    # 6b. "the country", "the South American nation": the state named last
    for tok in tokens:
        if tok.lemma_.lower() in _COUNTRY_WORDS and tok.pos_ == "NOUN" and tok.tag_ == "NN" \
                and tok.i not in index.by_token and any(
                    c.dep_ == "det" and c.lower_ == "the" for c in tok.children):
            state = next((k for start, end, k in sorted(index.mentions, reverse=True)
                          if start < tok.i and k.startswith("state/")), None)
            if state is not None:
                np_start, _ = _np_bounds(tok)
                index.add(doc, np_start, tok.i + 1, index.actors[state],
                          doc[np_start:tok.i + 1].text)

    # 7. groups of states: "four Arab nations", "the Saudi-led bloc", "Western countries"
    last_group: str | None = None
    for tok in tokens:
        if tok.lower_ not in _STATE_GROUPS or tok.pos_ not in ("NOUN", "PROPN") \
                or tok.dep_ == "compound":
            continue
        if tok.i in index.by_token:
            key = index.by_token[tok.i]
            if index.actors[key].kind == "group" and key.startswith(LOCAL):
                last_group = key
            continue
        np_start, np_end = _np_bounds(tok)
        named = _state_in(doc[tok.i + 1:np_end], gz_tokens)
        if named is not None:  # "the governments of Mali and Burkina Faso": one of them
            index.add(doc, np_start, np_end, index.actors.get(named) or _entry_found(gz, named),
                      _strip_det(doc[np_start:np_end]))
            continue
        mods = [c for c in tok.lefts if c.dep_ in ("amod", "compound", "nummod", "nmod")]
        dets = [c.lower_ for c in tok.lefts if c.dep_ == "det"]
        surface = _strip_det(doc[np_start:tok.i + 1])
        if mods:
            # "four Arab nations" ... "several Arab countries": one group, named by its
            # describing words, not by its count
            words = [c.lower_ for c in mods if c.dep_ != "nummod"
                     and c.lower_ not in _QUANTIFIERS] + [_GROUP_HEAD.get(tok.lower_, tok.lower_)]
            key = f"{LOCAL}group/{slug(' '.join(words))}"
            found = index.actors.get(key) or Found(key, surface, "group")
            index.add(doc, np_start, tok.i + 1, found, surface)
            last_group = key
        elif dets[:1] == ["the"]:
            target = last_group or next(  # "the bloc": the union or alliance named last
                (k for start, end, k in sorted(index.mentions, reverse=True)
                 if start < tok.i and k.startswith("inst/INT/")), None)
            if target is not None:
                index.add(doc, np_start, tok.i + 1, index.actors[target], surface)
    _merge_posts_into_holders(index)
    _add_parents(index, gz)
    return index


def _head_of(index: ActorIndex, state: str, before: int) -> str | None:
    """The person named before token ``before`` who heads ``state`` (its president, prime
    minister, leader...), if exactly one does."""
    heads = {k for start, _, k in index.mentions if start < before and k.startswith("person/")
             and (index.actors[k].role or "").lower() in _HEAD_ROLES
             and index.state_of(k) == state}
    return heads.pop() if len(heads) == 1 else None


def add_referenced(index: ActorIndex, keys, gz: Gazetteer | None = None) -> None:
    """Add the gazetteer entries (and their parents) that acts refer to but the text
    named only by a demonym ("a Belarusian helicopter entered..."): every agent and
    addressee of an act is an actor of the article."""
    gz = gz or load_gazetteer()
    for key in keys:
        if key and key not in index.actors and key in gz.entries:
            index.actors[key] = _entry_found(gz, key)
    _add_parents(index, gz)


def _add_parents(index: ActorIndex, gz: Gazetteer) -> None:
    """The states and bodies that found actors belong to, even where the text names them
    only by a demonym ("the Chinese embassy"): membership needs both ends."""
    todo = list(index.actors.values())
    while todo:
        parent = todo.pop().member_of
        if parent and parent not in index.actors and parent in gz.entries:
            index.actors[parent] = _entry_found(gz, parent)
            todo.append(index.actors[parent])


def _same_head_before(index: ActorIndex, tok) -> str | None:
    """The unnamed group named last before ``tok`` whose name ends in the same noun
    ("the experts" after "United Nations human rights experts"), for "the" + noun."""
    if not any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children):
        return None
    for start, _end, key in sorted(index.mentions, reverse=True):
        found = index.actors.get(key)
        if start < tok.i and found is not None and found.kind == "group" \
                and found.label.lower().split()[-1:] == [tok.lower_]:
            return key
    return None


def _merge_posts_into_holders(index: ActorIndex) -> None:
    """An unnamed person named by a post that a named person of the text holds ("the
    Israeli ambassador to the UN" ... "the Israeli ambassador to the UN, Jane Roe") is
    that person: one actor, not two."""
    holders: dict[str, str] = {}
    for key, found in index.actors.items():
        if key.startswith("person/"):
            if found.role:
                holders.setdefault(_post_words(found.role), key)
            for alias in found.aliases:
                words = _post_words(alias)
                if words and words != _post_words(found.label):
                    holders.setdefault(words, key)
    for key, found in list(index.actors.items()):
        if not key.startswith(LOCAL + "person/"):
            continue
        holder = holders.get(_post_words(found.label))
        if holder is None:
            continue
        index.merge(key, holder)


def _post_words(text: str) -> str:
    """A post's words for comparison: lower case, no article, no punctuation."""
    words = [w.strip(".,'’\"").lower() for w in text.split()]
    return " ".join(w for w in words if w and w not in ("the", "a", "an"))


def _unstated_body(doc, tok, btype, np_start, index: ActorIndex, body_tokens: set[int]) -> None:
    """A body named without its state: "the Biden administration" is a body of its
    own; "the ministry" is the body of that type named last."""
    if any(c.dep_ == "compound" and c.ent_type_ == "PERSON" for c in tok.lefts):
        surface = _strip_det(doc[np_start:tok.i + 1])
        found = Found(f"{LOCAL}gov/{slug(surface)}", surface, "government")
        found.body_type = btype
        index.add(doc, np_start, tok.i + 1, found, surface)
        body_tokens.update(range(np_start, tok.i + 1))
        return
    if np_start != tok.i and _the_of(tok) is None:
        return  # "the ministry", "the Foreign Ministry", not "a ministry" or "its ministry"
    for start, end, key in sorted(index.mentions, reverse=True):
        found = index.actors.get(key)
        if start >= tok.i:
            continue
        if found is not None and (found.body_type == btype or (
                found.kind == "government" and tok.lower_ in _words(found))):
            index.add(doc, np_start, tok.i + 1, found, _strip_det(doc[np_start:tok.i + 1]))
            body_tokens.update(range(np_start, tok.i + 1))
            return


#: Words for an international organisation as such ("the regional body", "the bloc"):
#: the organisation named last, whatever its name.
_ORGANISATION_WORDS = {"bloc", "body", "organisation", "organization", "alliance"}
_GENERIC_HEADS = {"ministry", "department", "office", "embassy", "mission", "agency", "council",
                  "commission", "administration", "government",
                  "statement"} | _ORGANISATION_WORDS


def _the_of(tok):
    """The "the" that opens the phrase of ``tok`` with only modifiers between ("the
    ministry", "the Foreign Ministry", "the regional body"), else None."""
    dets = [c for c in tok.lefts if c.dep_ == "det"]
    if dets and dets[0].lower_ == "the" and all(
            tok.doc[i].dep_ in ("compound", "amod") for i in range(dets[0].i + 1, tok.i)):
        return dets[0]
    return None


def _words(found: Found) -> set[str]:
    return {w.lower() for name in (found.label, *found.aliases) for w in name.split()}


def _post_apposition(ent, gz: Gazetteer) -> bool:
    """Whether a name the parser took for an organisation is a person's, in apposition
    to a post ("Ukraine's ambassador, Oleksii Makeiev, said")."""
    head = ent.root.head
    return ent.root.dep_ == "appos" and 2 <= len(ent) <= 4 \
        and all(t.pos_ == "PROPN" and t.is_title for t in ent) \
        and (head.lower_ in gz.titles or head.lower_ in _UNNAMED_PERSON)


def _back_reference(doc, tok, index: ActorIndex, body_tokens: set[int],
                    gz: Gazetteer) -> None:
    """"the ministry": the body named last whose name has that word; "the regional
    body": the organisation named last; "the Russian ministry", none named: Russia."""
    if tok.lower_ not in _GENERIC_HEADS or tok.lower_ == "statement":
        return
    demonym = next((c for c in tok.children if c.dep_ == "amod" and c.i == tok.i - 1
                    and c.i in index.demonym_of), None)
    if demonym is not None and tok.i >= 2 and doc[tok.i - 2].lower_ == "the":
        # "the Russian ministry": a body of that state not named otherwise speaks for it
        key = index.demonym_of[demonym.i]
        state = index.actors.get(key) or _entry_found(gz, key)
        index.add(doc, tok.i - 2, tok.i + 1, state, doc[tok.i - 2:tok.i + 1].text)
        body_tokens.update((tok.i - 2, tok.i - 1, tok.i))
        return
    det = _the_of(tok)
    if det is None:
        return  # "the ministry", "the regional body"
    for start, end, key in sorted(index.mentions, reverse=True):
        found = index.actors.get(key)
        if start >= tok.i or found is None or found.kind not in ("government", "organization"):
            continue
        if tok.lower_ in _words(found) or (tok.text in _ORGANISATION_WORDS  # lower case:
                                           and found.kind == "organization"):  # not a name
            index.add(doc, det.i, tok.i + 1, found, doc[det.i:tok.i + 1].text)
            body_tokens.update(range(det.i, tok.i + 1))
            return


_SPEECH_LEMMAS = {"say", "add", "tell", "state", "write", "tweet", "post", "note", "announce"}


def _unrecognised_speakers(doc, gz_tokens, tokens) -> list:
    """Names the NER missed that speak: two to four capitalised proper nouns as the
    subject of a verb of saying ("..., said Maja Kocijancic, spokeswoman for...")."""
    out = []
    persons = {i for e in doc.ents if e.label_ == "PERSON" for i in range(e.start, e.end)}
    others = {i for e in doc.ents if e.label_ != "PERSON" for i in range(e.start, e.end)}
    for tok in tokens:
        if tok.dep_ != "nsubj" or tok.pos_ != "PROPN" or tok.head.lemma_.lower() not in _SPEECH_LEMMAS:
            continue
        start = tok.i
        while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].dep_ == "compound":
            start -= 1
        span = doc[start:tok.i + 1]
        if not 2 <= len(span) <= 4 or any(t.i in persons or t.i in gz_tokens for t in span):
            continue
        if not all(t.text[:1].isupper() and t.text[1:].islower() for t in span):
            continue
        # a name the NER took for a place or a body only when a post says it is a person
        post = any(c.dep_ == "appos" and c.lower_ in _UNNAMED_PERSON for c in tok.children)
        if post or not any(t.i in others for t in span):
            out.append(span)
    return out


def _whole_name(ent):
    """A person's name with the surname the recogniser left out ("Jean-Yves Le" +
    "Drian"): the proper noun right after it that its words depend on."""
    doc = ent.doc
    end = ent.end
    while end < len(doc) and doc[end].pos_ == "PROPN" and doc[end].ent_type_ in ("", "PERSON") \
            and any(t.head.i == end for t in doc[ent.start:end]):
        end += 1
    return doc[ent.start:end] if end > ent.end else ent


def _known_names(doc, gz: Gazetteer, persons, gz_tokens, tokens) -> list:
    """Full names of known persons the recogniser missed or took for something else
    ("Morgan Ortagus" read as an organisation)."""
    taken = {i for ent in persons for i in range(ent.start, ent.end)} | set(gz_tokens)
    out, i = [], 0
    while i < len(doc):
        found = None
        if i not in taken and tokens[i].text in gz.person_first_words and tokens[i].is_title:
            for n in (4, 3, 2, 1):
                span = doc[i:i + n]
                if len(span) == n and not any(t.i in taken for t in span) \
                        and span.text in gz.persons and (n > 1 or _alone(doc, i)):
                    found = span  # "Lula", "Jokowi": a known one-word name, alone
                    break
        if found is not None:
            out.append(found)
            i = found.end
        else:
            i += 1
    return out


def _alone(doc, i: int) -> bool:
    """Whether token ``i`` is a proper noun standing alone, not part of a longer name."""
    return doc[i].pos_ == "PROPN" and not (i + 1 < len(doc) and doc[i + 1].pos_ == "PROPN") \
        and not (i > 0 and doc[i - 1].pos_ == "PROPN")


def _parties(doc, index: ActorIndex, gz_tokens, tokens) -> None:
    """Political parties named before the word "party": the proper names (and an
    acronym in brackets) in front of it; "Party" with a capital is part of the name.
    A demonym in the name ("the Chinese Communist Party") gives the party's state."""
    acronyms: dict[str, str] = {}
    for tok in tokens:
        if tok.lower_ != "party" or tok.i in index.by_token:
            continue
        appos = next((c for c in tok.children if c.dep_ == "appos" and c.pos_ == "PROPN"
                      and c.i not in gz_tokens and c.i not in index.by_token), None)
        if appos is not None:  # "the main opposition party, SYRIZA,"
            words = [t for t in appos.subtree if t.pos_ == "PROPN"]
            name = " ".join(t.text for t in words)
            found = Found("org/" + slug(name), name, "organization")
            index.add(doc, words[0].i, words[-1].i + 1, found, name)
            index.add(doc, _np_bounds(tok)[0], tok.i + 1, found, name)
            continue
        i = tok.i - 1
        if i >= 2 and tokens[i].text == ")" and tokens[i - 2].text == "(":  # "(PiS)"
            i -= 3
        while i >= 0 and (tokens[i].pos_ == "PROPN" or tokens[i].lower_ == "and") \
                and i not in index.by_token and tokens[i].tag_ != "POS":
            i -= 1
        span = tokens[i + 1:tok.i]
        while span and (span[0].lower_ == "and" or span[0].text in "()"):
            span = span[1:]
        acronym = next((t.text for n, t in enumerate(span) if 0 < n < len(span) - 1
                        and span[n - 1].text == "(" and span[n + 1].text == ")"), None)
        words = [t for t in span if t.text not in "()" and t.text != acronym]
        if not any(t.pos_ == "PROPN" and t.i not in gz_tokens for t in words):
            continue
        if tok.text == "Party":
            words.append(tok)
        name = " ".join(t.text for t in words)
        state = next((gz_tokens[t.i][0] for t in words if t.i in gz_tokens
                      and gz_tokens[t.i][0].startswith("state/")), None)
        found = Found("org/" + slug(name), name, "organization", member_of=state)
        end = tok.i + 1 if tok.text == "Party" else tok.i
        index.add(doc, span[0].i, end, found, name)
        if acronym:
            index.actors[found.key].aliases.add(acronym)
            acronyms[acronym] = found.key
    for tok in tokens if acronyms else ():  # the acronym alone, later on ("PiS said")
        if tok.text in acronyms and tok.i not in index.by_token:
            index.add(doc, tok.i, tok.i + 1, index.actors[acronyms[tok.text]], tok.text)


def _titled(doc, start: int, gz: Gazetteer) -> bool:
    """Whether a title ends just before ``start`` ("Chancellor Olaf Scholz")."""
    for k in range(1, 4):
        if start - k < 0:
            break
        phrase = " ".join(t.lower_ for t in doc[start - k:start])
        if phrase in gz.titles:
            return True
    return False


def _person_name(ent, gz: Gazetteer) -> str:
    toks = [t for t in ent if t.tag_ != "POS" and t.text not in ("'s", "’s")]
    while toks and (toks[0].lower_.rstrip(".") in {h.rstrip(".") for h in gz.honorifics}
                    or toks[0].lower_ in gz.titles):
        toks = toks[1:]
    if not toks:
        return ""
    doc = toks[0].doc
    name = doc[toks[0].i:toks[-1].i + 1].text  # as written: "Jean-Yves", not "Jean - Yves"
    return " ".join(name.split()).strip(" ,.")


def _person_post(ent, gz: Gazetteer, gz_tokens, index: ActorIndex,
                 known: KnownPerson | None = None):
    """Where the title before a name starts, the post, and who the person belongs to
    (the text first; else, for a ``known`` person, the gazetteer)."""
    doc = ent.doc
    root = ent.root
    title_toks = []
    start = ent.start
    while start > 0 and doc[start - 1].dep_ in ("compound", "amod", "nmod", "punct") \
            and doc[start - 1].head.i in set(range(start - 1, ent.end)) | {root.i} \
            and doc[start - 1].text not in (",", "(", '"', "“"):
        start -= 1
    if start > 0 and doc[start - 1].tag_ == "POS":
        start -= 2 if start > 1 else 1
    title_toks = list(doc[start:ent.start])
    # appositions: "Mularczyk, Poland's deputy foreign minister" / "the secretary, Gen. X"
    title_head = root.head.pos_ == "NOUN" or root.head.lower_ in gz.titles \
        or root.head.lower_ in _UNNAMED_PERSON  # "the press secretary, Gen. X", not "the agency, X"
    for other in [root.head] if root.dep_ == "appos" and title_head else []:
        title_toks += list(doc[other.left_edge.i:other.i + 1])
    for child in root.children:
        if child.dep_ == "appos":
            appos = list(doc[child.left_edge.i:child.right_edge.i + 1])
            if not any(t.ent_type_ == "PERSON" for t in appos):  # not another person's name
                title_toks += appos
        elif child.dep_ == "prep" and child.lower_ in ("of", "from") and child.i >= ent.end:
            title_toks += list(doc[child.i:child.right_edge.i + 1])  # "Jane Roe of Canada"
    text = " ".join(t.lower_ for t in title_toks)
    role = None
    body_type = ""
    title_state = ""
    for phrase in sorted(gz.titles, key=len, reverse=True):
        if f" {phrase} " in f" {text} ":
            role, body_type, title_state = gz.titles[phrase]
            break
    member = None
    for t in title_toks:
        key = index.by_token.get(t.i)
        if key and not key.startswith("person/"):
            member = key
            break
    state = None
    if member is None or member.startswith("state/"):
        state = member or _state_in(title_toks, gz_tokens) or next(
            (index.demonym_of[t.i] for t in title_toks if t.i in index.demonym_of),
            None) or title_state or None
        if state is None and known is not None and known.belongs_to.startswith("state/"):
            state = known.belongs_to
        if state is None and body_type:
            # "In Moscow, Foreign Ministry spokeswoman X said": the one state of the sentence
            named = {gz_tokens[t.i][0] for t in ent.sent if t.i in gz_tokens
                     and gz_tokens[t.i][0].startswith("state/")}
            state = named.pop() if len(named) == 1 else None
        member = state
        if state and body_type:
            body = _state_body(gz, state, body_type)
            member = body.key
            if member not in index.actors:
                index.actors[member] = body
    if member is None and known is not None:
        member = known.belongs_to  # an official of an international organisation
    if member is None and any(t.lower_ in ("counterpart", "counterparts")
                              for t in [*title_toks, *doc[max(0, start - 4):start]]):
        member = COUNTERPART  # "his counterpart, Minister X": the other side
    if role is None and title_toks:
        cand = " ".join(t.text for t in title_toks if t.pos_ in ("NOUN", "PROPN", "ADJ"))
        role = cand or None
    return start, role, member
