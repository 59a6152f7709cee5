"""Finding acts in a parsed document: triggers from the lexicon, applied over the
dependency parse, with their agent, addressee, content, quote and date phrase.

``find_acts(doc, actors, quotes)`` returns :class:`Found` acts in text
order; linking them to each other is the job of :mod:`kg.extract.linking`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import bisect
from functools import lru_cache

from .actors import ActorIndex
from .lexicon import Trigger, load_lexicon, match_trigger
from .tables import read_table, split_values

__all__ = ["FoundAct", "find_acts"]

_SPEECH = "speech"
_LIGHT_VERBS = {"share", "express", "voice", "lodge", "issue", "make", "launch", "file",
                "deliver", "submit", "convey", "send", "extend", "repeat", "reiterate", "renew",
                "register", "raise", "float", "announce", "post", "publish", "present", "pay"}
_CONTENT_OF = {"request", "decline", "accept", "threat", "commitment", "denial"}
_ADDRESSEE_PREPS = {"to", "with", "against", "on", "upon", "toward", "towards"}
_FIRST_PERSON = {"we", "our", "us", "ours", "i", "my", "me", "mine"}
_PERSON_PRON = {"he", "she", "him", "his", "her"}
_THING_PRON = {"it", "its"}
_GROUP_PRON = {"they", "their", "them"}


@dataclass
class FoundAct:
    """An act found in one sentence, before linking."""

    key: str
    type: str
    agent: str
    trigger: int  # token index
    spans: list[tuple[int, int]]
    subtype: str | None = None
    addressee: str | None = None
    via: str | None = None
    content: str | None = None
    topic: str | None = None
    participants: list[str] = field(default_factory=list)
    quote: str | None = None
    date_text: str | None = None
    object_of: int | None = None  # trigger index of the act whose object this is
    back_reference: bool = False  # "our request", "the request": names an earlier act
    cue_response: bool = False  # "in response", "over", "responded to"
    speaker: str | None = None
    responds_to_key: str | None = None  # set by linking
    object_lemma: str | None = None  # lemma of the direct object ("balloon")
    thing: str | None = None  # what is asked for ("inquiry" in "called for an inquiry")
    punitive: bool = False  # a measure against another side (expel, sanction, recall...)
    quoted: bool = False  # its trigger is inside a quotation
    conj_of: int | None = None  # trigger of the act this one is coordinated with
    lemma: str | None = None  # the trigger's lemma ("invitation")
    names: tuple[str, ...] = ()  # nouns it reacts to ("the expulsions", "over the release")
    after: tuple[int, int] | None = None  # tokens of its "after X did Y" clause
    quote_only: bool = False  # a quoted sentence with no trigger of its own
    paragraph: int = 0  # character offset where its paragraph starts


class _Context:
    """What the act step needs to know about a document."""

    def __init__(self, doc, actors: ActorIndex, quotes):
        self.doc = doc
        self.text = doc.text  # Doc.text joins every token on each call
        self.actors = actors
        self.quotes = quotes
        inside = bytearray(len(self.text) + 1)  # character -> inside a quotation
        for a, b in quotes:
            inside[a:b] = b"\x01" * (b - a)
        self.tokens = list(doc)  # spaCy makes a new Token object on every pass over a Doc
        self.in_quote = [bool(inside[t.idx]) for t in self.tokens]
        self._inside = inside
        self.mentions = sorted(actors.mentions)
        self.mention_starts = [m[0] for m in self.mentions]
        self.sents = list(doc.sents)
        self.sent_of = [0] * len(doc)  # token -> index into self.sents
        for n, sent in enumerate(self.sents):
            for i in range(sent.start, sent.end):
                self.sent_of[i] = n
        self.sent_ents: dict[int, list] = {}  # sentence index -> its entities
        for ent in doc.ents:
            self.sent_ents.setdefault(self.sent_of[ent.start], []).append(ent)
        self.speakers: dict[int, str] = {}  # sentence start -> speaker of its quote
        self.recent_speakers: list[tuple[int, str]] = []  # (token, speaker) in text order
        self.theme = _theme(self.tokens, actors)

    def words(self, sent) -> list:
        """The tokens of a sentence (made once, not on every pass)."""
        return self.tokens[sent.start:sent.end]

    def in_quote_char(self, i: int) -> bool:
        """Whether character ``i`` of the text is inside a quotation."""
        return bool(self._inside[i])

    def sent(self, tok):
        """The sentence of a token (``Token.sent`` recomputes it on every call)."""
        return self.sents[self.sent_of[tok.i]]


def _theme(tokens, actors: ActorIndex) -> str | None:
    """The thing most talked about (the most frequent non-actor noun subject)."""
    counts: dict[str, int] = {}
    for t in tokens:
        if t.pos_ == "NOUN" and t.i not in actors.by_token and t.dep_ in (
                "nsubj", "nsubjpass", "dobj", "pobj"):
            counts[t.lemma_.lower()] = counts.get(t.lemma_.lower(), 0) + 1
    if not counts:
        return None
    best = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    return best[0] if best[1] >= 3 else None


# ---------------------------------------------------------------- actors of tokens

def _last_mention(ctx: _Context, before: int, want, outside_quotes: bool = False) -> str | None:
    """The most recent actor mention before token ``before`` that ``want`` accepts."""
    for n in range(bisect.bisect_left(ctx.mention_starts, before) - 1, -1, -1):
        start, end, key = ctx.mentions[n]
        if outside_quotes and ctx.in_quote[start]:
            continue
        found = ctx.actors.actors.get(key)
        if found and want(found):
            return key
    return None


def _speech_subject(tok) -> object | None:
    """The subject of the verb of saying that governs ``tok``'s clause, if any."""
    head = tok.head
    hops = 0
    while head is not None and hops < 4:
        if head.dep_ in ("ccomp",) or (head.head.i != head.i and head.head.lemma_.lower() in (
                "say", "tell", "state", "add", "announce", "claim", "insist", "note")):
            gov = head.head if head.dep_ != "ROOT" else head
            if match_trigger(gov) is not None:
                for verb in (gov, gov.head) if gov.dep_ == "conj" else (gov,):
                    for c in verb.children:  # "expelled X ... and said it would"
                        if c.dep_ in ("nsubj", "nsubjpass"):
                            return c
        if head.head.i == head.i:
            break
        head = head.head
        hops += 1
    return None


def actor_at(tok, ctx: _Context, depth: int = 0) -> str | None:
    """The actor a token (or the phrase it heads) names, resolving pronouns."""
    if tok is None or depth > 4:
        return None
    actors = ctx.actors
    low = tok.lower_
    if tok.pos_ == "PRON" or low in _FIRST_PERSON | _PERSON_PRON | _THING_PRON | _GROUP_PRON:
        return _pronoun(tok, ctx)
    for child in tok.children:  # "the press secretary, Gen. X": the person
        if child.dep_ == "appos" and child.i in actors.by_token and \
                actors.by_token[child.i].startswith("person/"):
            return actors.by_token[child.i]
    if tok.i in actors.by_token:
        return actors.by_token[tok.i]
    if tok.lower_ == "government" and any(c.dep_ in ("det", "poss") and c.lower_ in (
            "the", "his", "her", "its", "our") for c in tok.children):
        voice = _requester(tok, ctx)  # "Sabry said the government had concerns": his
        if voice is not None and voice != tok.i and actors.state_of(voice):
            return actors.state_of(voice)
    if tok.lemma_.lower() in _VEHICLES and (tok.dep_ in ("nsubj", "nsubjpass") or (
            tok.dep_ == "pobj" and tok.head.dep_ == "agent")):  # the craft that acted
        for c in tok.children:
            if c.dep_ in ("compound", "nmod") and c.i in actors.by_token:
                return actors.by_token[c.i]
        for c in tok.children:
            if c.dep_ in ("amod", "compound") and c.i in actors.demonym_of:
                return actors.demonym_of[c.i]  # "a Belarusian military helicopter"
    for c in tok.children:  # "soldiers led by General X": X
        if c.dep_ == "acl" and c.lemma_.lower() in ("lead", "command", "head"):
            for a in c.children:
                if a.dep_ == "agent":
                    key = next((actor_at(p, ctx, depth + 1) for p in a.children
                                if p.dep_ == "pobj"), None)
                    if key:
                        return key
    if tok.tag_ == "NNS" and tok.lemma_.lower() in _JOINT_NOUNS:
        joint = _joint(tok, ctx)
        if joint:
            return joint
    for child in tok.children:
        if child.dep_ in ("compound", "poss", "nmod", "amod") and child.i in actors.by_token:
            if child.dep_ == "poss" and tok.pos_ == "NOUN" and tok.lemma_.lower() not in (
                    "statement", "spokesman", "spokeswoman", "spokesperson", "side",
                    "government", "leadership", "office", "ministry"):
                continue
            return actors.by_token[child.i]
    for child in tok.children:
        if child.dep_ == "poss" and tok.lemma_.lower() in ("statement", "spokesman", "spokeswoman",
                                                          "spokesperson", "announcement", "note"):
            return actor_at(child, ctx, depth + 1)
    if tok.lemma_.lower() in _messages() and not any(c.dep_ == "poss" for c in tok.children):
        demonym = next((c for c in tok.children if c.dep_ == "amod"
                        and c.i in actors.demonym_of), None)
        if demonym is not None:  # "the Greek note said"
            return actors.demonym_of[demonym.i]
        for c in tok.children:  # "a statement by Lamamra"
            if c.dep_ == "prep" and c.lower_ == "by":
                key = next((actor_at(p, ctx, depth + 1) for p in c.children
                            if p.dep_ == "pobj"), None)
                if key:
                    return key
        if tok.dep_ in ("dobj", "obj") and tok.head.pos_ in ("VERB", "AUX"):
            return agent_of(tok.head, ctx, depth + 1)  # "posted an announcement"
        for prev in reversed(ctx.doc[max(0, tok.i - 400):tok.i]):  # "the ministry's statement"
            if prev.lemma_ == tok.lemma_:
                poss = next((c for c in prev.children if c.dep_ == "poss"), None)
                key = actor_at(poss, ctx, depth + 1) if poss is not None else None
                if key:
                    return key
        if tok.lemma_.lower() in _press_genres():  # "the commentary said": the outlet
            outlet = _last_mention(ctx, tok.i, lambda f: f.kind == "media", True)
            if outlet:
                return outlet
        recent = [k for start, k in ctx.recent_speakers if start <= tok.i]
        if recent:
            return recent[-1]
        return _last_mention(ctx, tok.i, lambda f: f.kind in ("government", "state",
                                                              "organization"), True)
    return None


@lru_cache(maxsize=1)
def _act_nouns() -> frozenset[str]:
    return frozenset(r["word"].lower() for r in read_table("act_nouns.tsv"))


@lru_cache(maxsize=1)
def _documents() -> frozenset[str]:
    """Words for a document that speaks for its author ("the report said")."""
    return frozenset(r["word"].lower() for r in read_table("messages.tsv")
                     if r["document"] == "yes")


@lru_cache(maxsize=1)
def _press_genres() -> frozenset[str]:
    """Words for a piece of the press that speaks for the outlet ("the commentary")."""
    return frozenset(r["word"].lower() for r in read_table("messages.tsv")
                     if r["media"] == "yes")


@lru_cache(maxsize=1)
def _messages() -> frozenset[str]:
    """Words for a message that stands for its author ("the statement said")."""
    return frozenset(r["word"].lower() for r in read_table("messages.tsv")
                     if r["message"] == "yes")


def _pronoun(tok, ctx: _Context) -> str | None:
    low = tok.lower_
    if low in _FIRST_PERSON:
        return ctx.speakers.get(ctx.sent(tok).start) if ctx.in_quote[tok.i] else None
    subj = _speech_subject(tok) if tok.dep_ in ("nsubj", "nsubjpass", "poss") else None
    if subj is not None and subj.i != tok.i:
        key = actor_at(subj, ctx, 1) if subj.pos_ != "PRON" else _pronoun(subj, ctx)
        if key:
            kind = ctx.actors.actors[key].kind
            if (low in _PERSON_PRON) == (kind == "person"):
                return key
    if low in _PERSON_PRON:
        # the last speaker, unless a person has since been the subject of a sentence
        speakers = [(start, k) for start, k in ctx.recent_speakers
                    if tok.i - 120 < start < tok.i and ctx.actors.actors[k].kind == "person"]
        subject = next(((start, k) for start, end, k in reversed(ctx.mentions)
                        if start < tok.i and not ctx.in_quote[start]
                        and ctx.actors.actors[k].kind == "person"
                        and ctx.doc[start:end].root.dep_ in ("nsubj", "nsubjpass")), None)
        if speakers and (subject is None or subject[0] < speakers[-1][0]):
            return speakers[-1][1]
        if subject is not None:
            return subject[1]
        return _last_mention(ctx, tok.i, lambda f: f.kind == "person", outside_quotes=True)
    if low in ("it", "they") and tok.dep_ == "nsubj" and tok.head.dep_ == "relcl" \
            and tok.head.head.dep_ in ("dobj", "obj", "pobj", "conj"):
        # "Britain sanctioned three companies it accused of...": the sanctioning side
        verb = next((a for a in tok.head.head.ancestors if a.pos_ in ("VERB", "AUX")), None)
        subj = _subject(verb) if verb is not None else None
        if subj is not None and subj.pos_ != "PRON":
            key = actor_at(subj, ctx, 1)
            if key:
                return key
    if low in _THING_PRON:
        # "it" names things far more often than actors; as the subject of a
        # verb of saying it is the body named last
        if tok.dep_ == "nsubj" and match_trigger(tok.head) is not None and \
                match_trigger(tok.head).type == _SPEECH:
            recent = [k for start, k in ctx.recent_speakers if tok.i - 150 < start < tok.i
                      and ctx.actors.actors[k].kind in ("government", "organization", "state")]
            if recent:
                return recent[-1]
            return _last_mention(ctx, tok.i, lambda f: f.kind in ("government", "organization",
                                                                  "state"), True)
        if tok.dep_ in ("nsubj", "poss") and not ctx.in_quote[tok.i]:
            return _previous_subject(tok, ctx)  # "Lithuania summoned the envoy. It demanded..."
        return None
    if low in _GROUP_PRON:
        if tok.dep_ == "nsubj" and not ctx.in_quote[tok.i]:
            joint = _joint(tok, ctx)
            if joint:
                return joint
        return _last_mention(ctx, tok.i, lambda f: f.kind in ("group", "state", "government"))
    return None


#: Plural nouns that name the sides of a joint act ("the two leaders", "both ministers").
_JOINT_NOUNS = {"leader", "minister", "president", "premier", "side", "country", "government",
                "nation", "counterpart", "chancellor"}


def _joint(tok, ctx: _Context) -> str | None:
    """The actors a joint subject names ("the two leaders", "the three ministers",
    "They" after "X met Y"): one of them, the first actor of the sentence before that
    names two or more of that kind (any one of joint actors is the act's agent)."""
    if tok.pos_ == "NOUN" and not any(c.dep_ in ("det", "nummod", "predet") and c.lower_ in (
            "the", "both", "two", "three", "four", "all") for c in tok.children):
        return None
    if tok.pos_ == "NOUN" and any(c.dep_ in ("poss", "compound", "amod") for c in tok.children):
        return None  # "its ministers", "European leaders": not the ones just named
    sent = ctx.sent(tok)
    if sent.start == 0:
        return None
    before = ctx.sent(ctx.doc[sent.start - 1])
    subj = _subject(before.root)
    if subj is not None and subj.i < tok.i and ((subj.tag_ == "NNS" and subj.lemma_.lower()
                                                 in _JOINT_NOUNS) or subj.lower_ == "they"):
        # "The two leaders agreed... They also called...", "The ministers of A and B
        # said... The three ministers called..."
        return ctx.actors.by_token.get(subj.i) or _joint(subj, ctx)
    persons = tok.lemma_.lower() not in ("side", "country", "government", "nation")
    # the leaders or ministers of two named states, else the states themselves
    for kinds in (("person",), ("state", "government")) if persons else (("state", "government"),):
        named = []
        for start, end, key in sorted(ctx.mentions):
            if before.start <= start < before.end and key not in named \
                    and ctx.actors.actors[key].kind in kinds:
                named.append(key)
        if len(named) >= 2:
            return named[0]
    return None


def _previous_subject(tok, ctx: _Context) -> str | None:
    """The body a sentence-opening "it" or "its" continues: the actor subject of the
    sentence before, when that is a state, government or organisation."""
    sent = ctx.sent(tok)
    opening = next((t for t in sent if not t.is_punct and not t.is_space), None)
    if opening is None or opening.i != tok.i or sent.start == 0 \
            or (tok.dep_ == "poss" and tok.head.dep_ != "nsubj"):
        return None
    before = ctx.sent(ctx.doc[sent.start - 1])
    subj = _subject(before.root)
    key = actor_at(subj, ctx, 1) if subj is not None and subj.pos_ != "PRON" else None
    if key and ctx.actors.actors[key].kind in ("government", "organization", "state"):
        return key
    return None


def _subject(tok):
    """The subject of a verb: a noun subject before a clausal one ("Calling the remarks
    unacceptable, Hungary summoned..." is Hungary's act)."""
    found = None
    for c in tok.children:
        if c.dep_ == "nsubj":
            return c
        if c.dep_ in ("csubj", "expl") and found is None:
            found = c
    return found


#: Craft that act for the state or service that sends them ("a Chinese coast guard ship
#: rammed...", "a Belarusian military helicopter entered...").
_VEHICLES = {"helicopter", "aircraft", "plane", "jet", "drone", "ship", "vessel", "warship",
             "boat", "submarine", "frigate", "destroyer", "cutter", "fighter", "bomber"}
#: Verbs whose object does what their complement says ("prompting China to impose a ban").
_CAUSING_VERBS = {"prompt", "force", "lead", "cause", "push", "compel", "drive", "spur",
                  "provoke", "pressure", "persuade", "convince"}
#: Verbs whose object is a reaction that comes "from" its agent ("drew criticism from").
_DRAWING_VERBS = {"draw", "attract", "receive", "face", "spark", "provoke", "prompt", "trigger",
                  "meet", "elicit"}


def agent_of(tok, ctx: _Context, depth: int = 0) -> str | None:
    """Who performs the act ``tok`` triggers."""
    if depth > 5:
        return None
    if tok.pos_ in ("NOUN", "PROPN"):
        for c in tok.children:
            if c.dep_ == "poss":
                key = actor_at(c, ctx)
                if key:
                    return key
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in ("by", "from", "of", "between"):
                for p in c.children:
                    if p.dep_ == "pobj":
                        key = actor_at(p, ctx)
                        if key:
                            return key
            if c.dep_ == "acl":  # "demands submitted by four nations"
                for p in c.children:
                    if p.dep_ == "agent":
                        for q in p.children:
                            key = actor_at(q, ctx)
                            if key:
                                return key
        if tok.dep_ in ("dobj", "obj") and tok.head.lemma_.lower() in _DRAWING_VERBS:
            for c in tok.head.children:  # "the refusal drew criticism from lawmakers"
                if c.dep_ == "prep" and c.lower_ == "from":
                    key = next((actor_at(p, ctx) for p in c.children if p.dep_ == "pobj"), None)
                    if key:
                        return key
        for c in tok.lefts:
            if c.i in ctx.actors.demonym_of:
                return ctx.actors.demonym_of[c.i]
            if c.i in ctx.actors.by_token and c.dep_ in ("compound", "amod", "nmod"):
                return ctx.actors.by_token[c.i]
        if tok.dep_ in ("dobj", "conj") and tok.head.lemma_.lower() in _LIGHT_VERBS | {"be", "have"}:
            return agent_of(tok.head, ctx, depth + 1)
        if tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.pos_ == "NOUN" \
                and tok.head.head.i not in ctx.actors.by_token:
            return agent_of(tok.head.head, ctx, depth + 1)  # "a list of demands sent by X"
        if tok.dep_ == "conj":
            return agent_of(tok.head, ctx, depth + 1)
        if tok.dep_ == "pobj" and tok.head.lower_ in ("in", "during") \
                and tok.lemma_.lower() in ("call", "talk", "conversation", "visit") \
                and tok.head.head.pos_ == "VERB":
            return agent_of(tok.head.head, ctx, depth + 1)  # "raised it in a call with X"
        return None
    passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in tok.children)
    if passive:
        for c in tok.children:
            if c.dep_ == "agent":
                for p in c.children:
                    key = actor_at(p, ctx)
                    if key:
                        return key
        return None
    subj = _subject(tok)
    if subj is None and tok.lower_ == "asked" and (
            tok.is_sent_start or (tok.tag_ == "VBN" and tok.dep_ in ("acl", "advcl"))):
        return None  # "Asked whether Manila would...", "X, asked about the case, said"
    if subj is None and tok.dep_ == "acomp":
        subj = _subject(tok.head)  # "Kenya is committed to...", "Japan is determined to"
    if subj is None and tok.tag_ == "VBN" and not any(c.dep_ == "aux" for c in tok.children):
        return None  # "when asked about...": a passive with no agent named
    if subj is None and tok.dep_ == "ROOT" and match_trigger(tok) is not None \
            and match_trigger(tok).type == _SPEECH:
        return _stray_speaker(tok, ctx)
    if subj is not None:
        key = actor_at(subj, ctx)
        if key is not None and key.startswith("person/") and match_trigger(tok) is not None \
                and match_trigger(tok).type == _SPEECH:
            # "... extradite Jane Roe, the Foreign Ministry said": the parser took the
            # reported clause's last name as the subject and the body as its apposition
            body = next((actor_at(c, ctx) for c in subj.children if c.dep_ == "appos"
                         and c.i in ctx.actors.by_token
                         and ctx.actors.by_token[c.i].startswith(("gov/", "inst/", "state/"))
                         and not any(d.dep_ == "det" and d.lower_ in ("a", "an")
                                     for d in c.children)), None)
            if body is not None:
                return body
        if key is None and subj.lemma_.lower() in _documents():
            key = agent_of(subj, ctx, depth + 1)  # "the report, published by X, said"
        if key is None:
            for c in subj.children:
                if c.dep_ == "conj":
                    key = actor_at(c, ctx)
                    if key:
                        break
        return key
    if tok.dep_ == "pcomp" and tok.head.pos_ == "ADP" and tok.head.head.i != tok.head.i:
        return agent_of(tok.head.head, ctx, depth + 1)  # "retaliated by accusing"
    if tok.dep_ == "advcl" and tok.tag_ == "VBG" and tok.i - tok.head.i > 8:
        near = _nearest_subject_verb(tok, ctx)  # "..., accusing it of": the clause just before
        if near is not None:
            return near
    if tok.dep_ == "conj" and tok.head.dep_ == "ccomp" and tok.head.i != tok.i:
        # "told reporters that X was unacceptable and urged Y": the parser hangs the
        # second verb on the clause; its subject is the speaker's
        return agent_of(tok.head, ctx, depth + 1) or agent_of(tok.head.head, ctx, depth + 1)
    if tok.dep_ == "xcomp" and tok.head.lemma_.lower() in _CAUSING_VERBS:
        obj = next((c for c in tok.head.children if c.dep_ in ("dobj", "obj")), None)
        key = actor_at(obj, ctx) if obj is not None else None
        if key:
            return key  # "prompting China to impose a ban": China imposes it
    if tok.dep_ in ("xcomp", "advcl", "conj", "acl", "pcomp", "acomp") and tok.head.i != tok.i:
        if tok.dep_ == "acl" and tok.head.pos_ in ("NOUN", "PROPN") and \
                match_trigger(tok.head) is not None:
            return agent_of(tok.head, ctx, depth + 1)  # "a call from the EU urging..."
        if tok.dep_ == "acl" and tok.head.pos_ in ("NOUN", "PROPN"):
            key = actor_at(tok.head, ctx)
            if key or tok.head.head.i == tok.head.i:
                return key
            return agent_of(tok.head.head, ctx, depth + 1)  # "posted an announcement refusing"
        return agent_of(tok.head, ctx, depth + 1)
    if tok.dep_ == "relcl":
        return actor_at(tok.head, ctx)
    return None


def _stray_speaker(tok, ctx: _Context) -> str | None:
    """The speaker of a verb of saying the parser left without a subject: the
    nearest person before it named as a subject or in apposition ("In a statement
    carried by the agency, Kim Yo Jong, the leader's sister, said...")."""
    sent = ctx.sent(tok)
    for start, end, key in reversed(ctx.mentions):
        if start >= tok.i or start < sent.start:
            continue
        root = ctx.doc[start:end].root
        if ctx.actors.actors[key].kind == "person" and root.dep_ in ("appos", "nsubj", "dep",
                                                                     "npadvmod"):
            return key
    return None


def _nearest_subject_verb(tok, ctx: _Context) -> str | None:
    """The actor subject of the nearest verb before ``tok`` in its sentence."""
    sent = ctx.sent(tok)
    for i in range(tok.i - 1, sent.start - 1, -1):
        verb = ctx.doc[i]
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        subj = _subject(verb)
        if subj is not None and subj.lower_ not in _THING_PRON:
            key = actor_at(subj, ctx)
            if key is None:
                key = next((actor_at(c, ctx) for c in subj.children if c.dep_ == "conj"), None)
            if key:
                return key
    return None


def addressee_of(tok, ctx: _Context) -> str | None:
    """To whom or against whom the act ``tok`` triggers is directed."""
    for c in tok.children:
        if c.dep_ in ("dobj", "dative", "iobj", "obj") and tok.pos_ != "NOUN":
            key = actor_at(c, ctx)
            if key:
                return key
            for g in c.children:
                if g.dep_ in ("poss",) or (g.dep_ == "prep" and g.lower_ in (
                        "by", "with", "to", "against")):  # "cut ties with X"
                    for h in ([g] if g.dep_ == "poss" else g.children):
                        key = actor_at(h, ctx)
                        if key:
                            return key
    for c in tok.children:
        if c.dep_ in ("prep", "dative") and c.lower_ in _ADDRESSEE_PREPS | {"over", "at"}:
            for p in c.children:
                if p.dep_ == "pobj":
                    key = actor_at(p, ctx)
                    if key:
                        return key
                    for g in p.subtree:
                        if g.dep_ == "pobj" and g.head.lower_ == "by":
                            key = actor_at(g, ctx)
                            if key:
                                return key
    return None


# ---------------------------------------------------------------- modality

def _negated(tok) -> bool:
    if any(c.dep_ == "neg" or c.lower_ in ("never", "not", "n't") for c in tok.children):
        return True
    if tok.pos_ == "NOUN" and any(c.dep_ == "det" and c.lower_ == "no" for c in tok.children):
        return True
    head = tok.head
    if tok.dep_ == "xcomp" and any(c.dep_ == "neg" for c in head.children):
        return True
    return False


@lru_cache(maxsize=1)
def _modality() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for row in read_table("modality.tsv"):
        table.setdefault(row["how"], set()).add(row["word"].lower())
    return {k: frozenset(v) for k, v in table.items()}


@lru_cache(maxsize=1)
def _punitive() -> frozenset[tuple[str, str]]:
    return frozenset((r["word"].lower(), r["pos"].upper()) for r in read_table("punitive.tsv"))


_FUTURE = {"will", "would", "shall", "'ll", "wo"}
_DEONTIC = {"must", "should"}


def _future(tok) -> bool:
    return any(c.dep_ == "aux" and c.lower_ in _FUTURE for c in tok.children)


def _punitive_act(tok) -> bool:
    """Whether ``tok`` names a measure against someone (its verb or its object)."""
    table = _punitive()
    if tok.lemma_.lower() in _retaliation()[1]:
        return False  # "would coordinate its response": plans a measure, takes none
    if _relieves(tok):
        return False  # "lift its ban": the end of a measure
    if (tok.lemma_.lower(), "VERB") in table:
        return True
    return any(c.dep_ in ("dobj", "obj") and (c.lemma_.lower(), "NOUN") in table
               for c in tok.children)


@lru_cache(maxsize=1)
def _relief() -> frozenset[str]:
    return frozenset(r["word"].lower() for r in read_table("relief.tsv"))


def _relieves(tok) -> bool:
    """Whether ``tok`` lifts a measure ("suspend its levy", "ease sanctions")."""
    table = _punitive()
    return tok.lemma_.lower() in _relief() and any(
        c.dep_ in ("dobj", "obj", "nsubjpass") and ((c.lemma_.lower(), "NOUN") in table
                                                   or c.lemma_.lower() in _MEASURE_WORDS)
        for c in tok.children)


#: Nouns for a measure in force besides those of punitive.tsv ("its levy", "the duties").
_MEASURE_WORDS = {"levy", "duty", "restriction", "quota", "curb", "measure", "requirement"}


@lru_cache(maxsize=1)
def _accusatory() -> frozenset[str]:
    return frozenset(r["word"].lower() for r in read_table("accusatory.tsv"))


def _span_tokens(act: "FoundAct", ctx: _Context):
    """The tokens of an act's evidence spans, span by span."""
    for a, b in act.spans:
        span = ctx.doc.char_span(a, b, alignment_mode="expand")
        if span is not None:
            yield from span


def _blames(act: "FoundAct", ctx: _Context) -> bool:
    """Whether a statement's words blame someone ("a serious violation")."""
    words = _accusatory()
    return any(t.lemma_.lower() in words or t.lower_ in words
               for t in _span_tokens(act, ctx) if not _negated(t))


#: Nouns for what the other side said, which a blaming word rebuts ("the charge is absurd").
_CLAIM_NOUNS = {"accusation", "allegation", "claim", "charge", "report", "suggestion",
                "assertion", "account", "version"}


def _rebuts(act: "FoundAct", ctx: _Context) -> bool:
    """Whether a statement's blaming words are said of the other side's claim ("said
    the accusation was absurd"): a denial, not an accusation."""
    words = _accusatory()
    return any(t.lemma_.lower() in _CLAIM_NOUNS and t.dep_ in ("nsubj", "nsubjpass")
               and any(c.dep_ in ("acomp", "attr") and (c.lemma_.lower() in words
                                                         or c.lower_ in words)
                       for c in t.head.children)
               for t in _span_tokens(act, ctx))


@lru_cache(maxsize=1)
def _retaliation() -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """Warning words (with the verbs they must depend on) and the neutral verbs."""
    warning, neutral = {}, set()
    for row in read_table("retaliation.tsv"):
        if row["kind"] == "neutral":
            neutral.add(row["word"].lower())
        else:
            warning[row["word"].lower()] = frozenset(split_values(row.get("heads", "")))
    return warning, frozenset(neutral)


def _warns(act: "FoundAct", ctx: _Context) -> bool:
    """Whether a statement or pledge warns of what will befall the other side
    ("will receive an adequate answer", "promised retaliation")."""
    warning, neutral = _retaliation()
    for t in _span_tokens(act, ctx):
        heads = warning.get(t.lemma_.lower())
        if heads is None or t.head.lemma_.lower() in neutral:
            continue
        verb = t
        while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
            verb = verb.head
        if heads and verb.lemma_.lower() not in heads:
            continue
        if _negated(verb) and t.lower_ != "unanswered":
            continue
        if act.type == "commitment" or _future(verb):
            return True
    return False


def _doubted(tok) -> bool:
    """Whether the act of ``tok`` is hoped for, planned, doubted or conditional."""
    mod = _modality()
    if any(c.dep_ == "aux" and c.lower_ in mod.get("aux", ()) for c in tok.children) and not (
            _negated(tok) and any(c.dep_ == "aux" and c.lower_ in ("can", "could", "ca")
                                  for c in tok.children)):
        return True  # "may refuse" is not asserted; "cannot accept" is a refusal
    node = tok
    for _ in range(6):
        if any(c.dep_ == "mark" and c.lower_ in mod.get("mark", ()) for c in node.children):
            return True
        head = node.head
        if head.i == node.i:
            break
        if node.dep_ in ("xcomp", "ccomp", "acomp", "acl") \
                and head.lemma_.lower() in mod.get("governor", ()):
            return True  # "plans to visit", "had no plans to close its embassy"
        if node.dep_ in ("ccomp", "advcl") and any(c.dep_ == "acomp" and c.lemma_.lower() in
                                                   mod.get("governor", ()) for c in head.children):
            return True  # "it is unlikely that...", "not possible for X to accept"
        if node.dep_ not in ("xcomp", "ccomp", "conj", "acomp", "advcl", "dobj"):
            break
        node = head
    doc = tok.doc
    j = tok.i
    while j + 1 < len(doc) and not doc[j + 1].is_sent_start:
        j += 1
    while j > tok.i and (doc[j].is_space or doc[j].text in ('"', "”", "’", "'")):
        j -= 1
    return doc[j].text == "?"  # a question asks, it asserts nothing


def _governing_trigger(tok):
    """The trigger whose content ``tok`` is (``refused to accept`` -> refuse)."""
    if tok.dep_ == "conj" and tok.head.i != tok.i:
        return _governing_trigger(tok.head)  # "an invitation to visit Morocco and meet..."
    if tok.dep_ in ("xcomp", "ccomp", "dobj", "pobj", "acl") and tok.head.i != tok.i:
        trig = match_trigger(tok.head)
        if trig is not None and trig.type in _CONTENT_OF:
            return tok.head
        if tok.dep_ == "pobj" and tok.head.head.i != tok.head.i:
            trig = match_trigger(tok.head.head)
            if trig is not None and trig.type in _CONTENT_OF:
                return tok.head.head
    return None


# ---------------------------------------------------------------- spans and details

def _clause_span(tok, sent) -> tuple[int, int]:
    left = min(t.idx for t in tok.subtree)
    right = max(t.idx + len(t) for t in tok.subtree)
    left = max(left, sent.start_char)
    right = min(right, sent.end_char)
    return left, right


def _content(tok, trig: Trigger | None) -> str | None:
    doc = tok.doc
    pick = None
    for c in tok.children:
        if c.dep_ in ("ccomp", "xcomp"):
            pick = c
            break
    if pick is None:
        for c in tok.children:
            if c.dep_ in ("dobj", "obj", "attr"):
                pick = c
                break
    if pick is None:
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in ("for", "to", "of", "over", "on", "about"):
                pick = c
                break
    if pick is None:
        return None
    left = min(t.i for t in pick.subtree)
    right = max(t.i for t in pick.subtree) + 1
    text = doc[left:right].text.strip(" ,.“”\"")
    return text[:300] or None


def _date_phrase(tok, ctx: _Context) -> str | None:
    """The date phrase attached to ``tok``'s own clause (not a nested one)."""
    for ent in ctx.sent_ents.get(ctx.sent_of[tok.i], ()):
        if ent.label_ not in ("DATE", "TIME"):
            continue
        node = ent.root
        for _ in range(8):
            if node.i == tok.i:
                return ent.text
            if node.head.i == node.i or (node.pos_ in ("VERB", "AUX") and node.i != ent.root.i):
                break
            node = node.head
    return None


def _early_date(tok, ctx: _Context) -> str | None:
    """"said on Tuesday it would...": a date the parser hung on what is said but
    that stands before its subject belongs to the saying."""
    for comp in tok.children:
        if comp.dep_ != "ccomp":
            continue
        subj = _subject(comp)
        for ent in ctx.sent_ents.get(ctx.sent_of[tok.i], ()):
            if ent.label_ == "DATE" and tok.i < ent.start and subj is not None \
                    and ent.end <= subj.i:
                return ent.text
    return None


def _quote_in(span: tuple[int, int], ctx: _Context) -> str | None:
    text = ctx.text
    parts = [text[max(a, span[0]):min(b, span[1])] for a, b in ctx.quotes
             if a < span[1] and b > span[0]]
    parts = [p.strip(" ,") for p in parts if len(p.strip()) > 2]
    return " … ".join(parts) if parts else None


def _participants(tok, ctx: _Context) -> list[str]:
    keys = []
    for t in tok.subtree:
        key = ctx.actors.by_token.get(t.i)
        if key and key.startswith("person/") and key not in keys:
            keys.append(key)
    return keys


def _topic(tok, ctx: _Context) -> str | None:
    """What a statement or claim is about: the subject of what is said."""
    for c in tok.children:
        if c.dep_ == "ccomp":
            subj = _subject(c) or next((g for g in c.children if g.dep_ == "nsubjpass"), None)
            if subj is None:
                continue
            if subj.i in ctx.actors.by_token:
                return None
            if subj.pos_ == "PRON":
                return f"the {ctx.theme}" if ctx.theme else None
            if subj.pos_ == "NOUN":
                return f"the {subj.lemma_.lower()}"
    return None


# ---------------------------------------------------------------- quotes

def _attributed_later(ctx: _Context, n: int, said_by) -> str | None:
    """The speaker named after a quotation that runs on from sentence ``n`` into the
    next sentences of its paragraph ('"These deaths are no accident. They are a
    policy," the envoy said.')."""
    sent = ctx.sents[n]
    quote = next(((a, b) for a, b in ctx.quotes if a < sent.end_char and b > sent.start_char), None)
    if quote is None or quote[1] <= sent.end_char - 2:
        return None  # the quotation ends in this sentence
    for later in ctx.sents[n + 1:n + 4]:
        if "\n" in ctx.text[sent.end_char:later.start_char]:
            return None
        speaker = said_by(later)
        if speaker is not None:
            return speaker
        if not any(ctx.in_quote[t.i] for t in later):
            return None
    return None


def _attribute_quotes(ctx: _Context) -> None:
    """Find the speaker of every sentence that lies mostly inside quotation marks."""
    last_speaker = None
    last_para_end = -1

    def said_by(sent) -> str | None:
        for t in ctx.words(sent):
            if ctx.in_quote[t.i]:
                continue
            trig = match_trigger(t)
            if trig is not None and trig.type == _SPEECH:
                found = agent_of(t, ctx)
                if found:
                    return found
        return None

    for n, sent in enumerate(ctx.sents):
        inside = sum(1 for t in ctx.words(sent) if ctx.in_quote[t.i] and not t.is_punct)
        words = sum(1 for t in ctx.words(sent) if not t.is_punct)
        speaker = said_by(sent)
        if speaker is None and words and inside / words > 0.5:
            speaker = _attributed_later(ctx, n, said_by)  # '"A. B," she said.'
            para_start = ctx.text.rfind("\n", 0, sent.start_char)
            if speaker is None and (para_start <= last_para_end or last_speaker):
                speaker = last_speaker
        if speaker:
            ctx.speakers[sent.start] = speaker
            ctx.recent_speakers.append((sent.end, speaker))
            last_speaker = speaker
            last_para_end = sent.end_char
        elif words and inside / words <= 0.5:
            last_speaker = None if "\n\n" in ctx.text[last_para_end:sent.start_char] \
                else last_speaker


# ---------------------------------------------------------------- main

def find_acts(doc, actors: ActorIndex, quotes) -> list[FoundAct]:
    """Every asserted act in ``doc``, in text order (negated and doubted acts dropped)."""
    ctx = _Context(doc, actors, quotes)
    _attribute_quotes(ctx)
    acts: list[FoundAct] = []
    by_trigger: dict[int, FoundAct] = {}
    for sent in ctx.sents:
        if not sent.text.strip():
            continue
        sent_acts = []
        speech_verbs = []
        for tok in ctx.words(sent):
            trig = match_trigger(tok)
            if trig is None:
                act = _constructional(tok, ctx, sent)
                if act is not None:
                    sent_acts.append(act)
                    by_trigger[tok.i] = act
                continue
            if trig.type == _SPEECH:
                speech_verbs.append((tok, trig))
                continue
            act = _make_act(tok, trig, ctx, sent)
            if act is not None:
                sent_acts.append(act)
                by_trigger[tok.i] = act
        speech_tokens = {tok.i for tok, _ in speech_verbs}
        for tok, trig in speech_verbs:
            if any(a.i in speech_tokens for a in tok.ancestors):
                continue  # "responded ..., telling X that": one statement
            for act in _speech_act(tok, trig, ctx, sent, by_trigger, speech_tokens):
                sent_acts.append(act)
        for act in list(sent_acts):
            if act.type in ("decline", "accept") and act.object_of is None:
                req = _refused_request(act, ctx, sent, by_trigger)
                if req is not None:
                    sent_acts.append(req)
                    by_trigger[req.trigger] = req
        for act in list(sent_acts):
            if act.type in ("claim", "statement", "denial"):
                sent_acts.extend(_split_conjoined(act, ctx, sent))
        wrongs = _reported_wrongs(sent_acts, ctx)
        if wrongs:  # the accusation is what the report says, not a statement besides it
            accusers = {a.agent for a in wrongs}
            sent_acts = [a for a in sent_acts if not (a.type == "statement"
                                                      and a.agent in accusers)] + wrongs
        # a quoted sentence with no act of its own is a statement by its speaker
        quoted = [t for t in ctx.words(sent) if ctx.in_quote[t.i] and not t.is_punct]
        words = [t for t in ctx.words(sent) if not t.is_punct]
        speaker = ctx.speakers.get(sent.start)
        pledge = _pledge(sent)
        continued = _continued_quote_act(sent, speaker, acts, ctx)
        if continued is not None and not sent_acts and not pledge:
            q_spans = [(max(a, sent.start_char), min(b, sent.end_char)) for a, b in ctx.quotes
                       if a < sent.end_char and b > sent.start_char]
            continued.spans.extend(q_spans[:1])
            continue
        if speaker and words and len(quoted) / len(words) > 0.5 and not any(
                a.trigger >= sent.start and a.trigger < sent.end and a.type != "statement"
                for a in sent_acts) and not any(a.type == "statement" for a in sent_acts):
            q_spans = [(max(a, sent.start_char), min(b, sent.end_char)) for a, b in ctx.quotes
                       if a < sent.end_char and b > sent.start_char]
            if q_spans:
                span = (q_spans[0][0], q_spans[-1][1])
                para = _paragraph_start(ctx.text, sent.start_char)
                last = acts[-1] if acts else None
                if last is not None and last.quote_only and last.agent == speaker \
                        and last.paragraph == para and not pledge:
                    last.spans.append(span)  # the same speaker's quotation goes on
                    continue
                if last is not None and last.type == "statement" and last.agent == speaker \
                        and not pledge and _bare_quote_paragraph(ctx, para) and \
                        _paragraph_start(ctx.text, max(s for s, _ in last.spans)) == \
                        _previous_paragraph(ctx.text, para):
                    # a paragraph that is only a quotation, after the speaker's statement:
                    # the statement goes on (no attribution, so no new act)
                    last.spans.append(span)
                    continue
                kind = "request" if _imperative(sent) else (  # "Change the law"
                    "commitment" if pledge else "statement")  # "We will keep insisting"
                sent_acts.append(FoundAct("", kind, speaker, sent.root.i, [span],
                                          quote=_quote_in(span, ctx), speaker=speaker,
                                          quote_only=True, paragraph=para))
        for act in sent_acts:
            if act.type in ("statement", "commitment") and _warns(act, ctx):
                act.type = "threat"  # "will not go unanswered", "promised retaliation"
            elif act.type == "statement" and _blames(act, ctx):
                act.type = "denial" if _rebuts(act, ctx) else "accusation"
                # "said the invitation was deceitful": the invitation is what it answers
                act.names += tuple(t.lemma_.lower() for t in ctx.doc[act.trigger].subtree
                                   if t.dep_ in ("nsubj", "nsubjpass") and t.pos_ == "NOUN"
                                   and t.i not in ctx.actors.by_token
                                   and t.head.dep_ == "ccomp")
        if not any(a.type == "accusation" for a in sent_acts):
            for act in list(sent_acts):
                if act.type in ("request", "action") and _blames(act, ctx):
                    # "declared the envoy persona non grata for meddling": a blame too
                    blame = FoundAct("", "accusation", act.agent, act.trigger, list(act.spans),
                                     addressee=act.addressee, quote=act.quote,
                                     speaker=act.speaker, date_text=act.date_text)
                    sent_acts.append(blame)
                    break
        sent_acts.sort(key=lambda a: a.trigger)
        acts.extend(sent_acts)
    for n, act in enumerate(acts, 1):
        act.key = f"a{n}"
    return acts


def _refused_request(act: FoundAct, ctx: _Context, sent, by_trigger) -> FoundAct | None:
    """What a refusal refuses, when it is a thing someone asked for ("defied a call
    from the EU", "rebuffed the latest push by Poland's government")."""
    tok = ctx.doc[act.trigger]
    trig = match_trigger(tok)
    if trig is not None and trig.needs == "neg":
        return None  # "will not return the vessels": what is withheld, not what was asked
    objs = [c for c in tok.children if c.dep_ in ("dobj", "obj")]
    for obj in objs:
        if obj.i in by_trigger or obj.i in ctx.actors.by_token or obj.pos_ not in ("NOUN", "PROPN"):
            continue
        if any(c.dep_ == "poss" and c.lower_ in _FIRST_PERSON for c in obj.children):
            continue  # "will never abandon our post": no one asked for it
        if obj.lemma_.lower() in _GIVEN_NOT_ASKED:
            continue  # "accepted an apology from X": X offered it, asked for nothing
        agent = agent_of(obj, ctx)
        if agent is None or ctx.actors.state_of(agent) == ctx.actors.state_of(act.agent):
            continue
        span = (min(t.idx for t in obj.subtree), max(t.idx + len(t) for t in obj.subtree))
        req = FoundAct("", "request", agent, obj.i, [span], addressee=act.agent)
        req.content = ctx.doc[obj.left_edge.i:obj.right_edge.i + 1].text[:300]
        req.object_of = tok.i
        req.participants = _participants(obj, ctx)
        return req
    return None


#: What one side gives another unasked: accepting it answers no request.
_GIVEN_NOT_ASKED = {"apology", "apologies", "regret", "condolence", "condolences",
                    "congratulation", "congratulations", "thanks", "credentials", "gift"}

#: Verbs whose bare imperative asks nothing of the other side ("Imagine...", "Note that").
_NOT_ASKING = {"imagine", "remember", "note", "see", "say", "look", "let", "consider", "think"}


def _imperative(sent) -> bool:
    """Whether a quoted sentence is a command or plea ("Then change the law", "Give us
    one chance"): its main verb is a bare verb with no subject."""
    heads = [sent.root, *(c for c in sent.root.children if c.dep_ == "ccomp")]
    return any(_bare_command(h) for h in heads) and \
        not sent.text.rstrip().rstrip('"”’\'').endswith("?")


def _bare_command(verb) -> bool:
    """Whether a verb is an imperative: a bare verb with no subject or auxiliary."""
    return verb.tag_ == "VB" and verb.pos_ == "VERB" and verb.lemma_.lower() not in _NOT_ASKING \
        and not any(c.dep_ in ("nsubj", "nsubjpass", "aux", "expl") for c in verb.children)


def _paragraph_start(text: str, pos: int) -> int:
    """Where the paragraph holding character ``pos`` starts."""
    return text.rfind("\n", 0, pos) + 1


def _previous_paragraph(text: str, para: int) -> int:
    """Where the paragraph before the one starting at ``para`` starts (blank lines skipped)."""
    end = len(text[:para].rstrip())
    return _paragraph_start(text, end) if end > 0 else -1


def _bare_quote_paragraph(ctx: _Context, para: int) -> bool:
    """Whether the paragraph starting at ``para`` is one quotation and nothing else (no
    attribution of its own)."""
    end = ctx.text.find("\n", para)
    end = len(ctx.text) if end < 0 else end
    body = ctx.text[para:end].strip()
    if not body:
        return False
    inside = sum(1 for i in range(para, end) if ctx.in_quote_char(i) and not ctx.text[i].isspace())
    outside = [ch for i, ch in enumerate(ctx.text[para:end], para)
               if not ctx.in_quote_char(i) and ch.isalnum()]
    return inside > 0 and not outside


def _continued_quote_act(sent, speaker, acts: list[FoundAct], ctx: _Context):
    """The act of the speaker's quotation that this sentence continues, if any."""
    if not speaker:
        return None
    quote = next(((a, b) for a, b in ctx.quotes if a < sent.start_char + 2 < b), None)
    if quote is None or quote[0] >= sent.start_char:
        return None
    for act in reversed(acts):
        if act.agent == speaker and any(quote[0] <= s < quote[1] or s <= quote[0] < e
                                        for s, e in act.spans):
            return act
    return None


def _voice_of_governor(tok, ctx: _Context) -> str | None:
    """Whose a noun act with no author of its own is: the author of the request or
    statement it is part of ("demanded India treat allegations that..." -> the
    demander's); none under a refusal or denial, where it is the other side's."""
    node = tok
    for _ in range(4):
        if node.head.i == node.i:
            return None
        node = node.head
        trig = match_trigger(node)
        if trig is None or node.pos_ == "NOUN":
            continue
        if trig.type in ("request", _SPEECH, "claim", "statement"):
            return agent_of(node, ctx)
        return None
    return None


def _thing(tok) -> str | None:
    """The lemma of what a request asks for: "called for an inquiry", "demanded
    reparations", "his push for an inquiry" -> "inquiry"."""
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ == "for":
            for p in c.children:
                if p.dep_ == "pobj" and p.pos_ == "NOUN":
                    return p.lemma_.lower()
    if tok.pos_ != "NOUN":
        for c in tok.children:
            if c.dep_ in ("dobj", "obj") and c.pos_ == "NOUN":
                return c.lemma_.lower()
    return None


def _after_act_noun(tok) -> bool:
    """Whether a participle or infinitive follows straight on a noun phrase headed by a
    request noun ("a call from the European Union (EU) urging ...", "advice to call
    off the meeting")."""
    prev = min(tok.i, min((c.i for c in tok.children if c.dep_ == "aux"), default=tok.i)) - 1
    while prev >= 0 and tok.doc[prev].is_punct and tok.doc[prev].text in ',)"”’\'':
        prev -= 1
    if prev < 0:
        return False
    for node in [tok.doc[prev], *tok.doc[prev].ancestors]:
        if node.i >= tok.i or node.i in {a.i for a in tok.ancestors}:
            break
        if node.pos_ == "NOUN" and any(t.type == "request" for t in load_lexicon().get(
                (node.lemma_.lower(), "NOUN"), ())):
            return True
    return False


def _names_act(noun) -> bool:
    """Whether a noun names a request or a message, whatever its complements ("a call
    from the EU", "a statement")."""
    return any(t.type in ("request", "statement") for t in
               load_lexicon().get((noun.lemma_.lower(), "NOUN"), ())) or \
        noun.lemma_.lower() in _messages()


#: Words that tell an act is told or done again ("once again urged", "repeated its call").
_AGAIN = {"again", "anew"}
_REPEAT_VERBS = {"repeat", "reiterate", "renew", "restate"}


def _background(tok) -> bool:
    """Whether an act is told only to date the story's background: a "since" clause
    naming a year ("since Russia launched its invasion in February 2022")."""
    if tok.dep_ != "advcl" or not any(c.dep_ == "mark" and c.lower_ == "since"
                                      for c in tok.children):
        return False
    return any(t.like_num and len(t.text) == 4 and t.text.isdigit() for t in tok.subtree)


#: Papers that carry an act ("a note requesting the release"): the act is what they say.
_CARRIERS = {"note", "letter", "demarche", "démarche"}


def _make_act(tok, trig: Trigger, ctx: _Context, sent) -> FoundAct | None:
    """The act a lexicon trigger asserts, with its participants, or None when it is
    negated, doubted, planned, or only the content of another act."""
    act_type = trig.type
    if _negated(tok):
        if trig.negated != "decline":
            return None
        act_type = "decline"  # "will not accept"
    if _doubted(tok) or _background(tok):
        return None
    if tok.pos_ != "NOUN" and any(c.dep_ == "aux" and c.lower_ in _DEONTIC for c in tok.children):
        return _constructional(tok, ctx, sent)  # "Spain must withdraw", said by Portugal
    if act_type == "commitment" and any(c.dep_ == "xcomp" and _punitive_act(c)
                                        for c in tok.children):
        act_type = "threat"  # "vowed to retaliate"
    if act_type == "action" and trig.subtype == "meeting" and not any(
            (c.dep_ in ("dobj", "obj") and c.i in ctx.actors.by_token) or
            (c.dep_ == "prep" and c.lower_ == "with") for c in tok.children) and \
            tok.lemma_.lower() == "welcome":
        act_type = "statement"  # "welcomed the decision": approval, not a meeting
    if act_type == "protest" and tok.pos_ == "VERB" and _future(tok):
        return None  # "Brussels will regret this": a warning to it, not its protest
    if act_type == "action" and _future(tok) and not _negated(tok):
        if _relieves(tok):
            act_type = "commitment"  # "would suspend its levy": a promised concession
        elif not _punitive_act(tok):
            return None  # a plan, not yet an act
        else:
            act_type = "threat"
    if tok.pos_ == "NOUN" and tok.dep_ == "conj" and match_trigger(tok.head) is not None:
        return None  # "dissatisfaction and protest": one act
    if tok.pos_ != "NOUN" and tok.dep_ == "acl" and tok.head.pos_ == "NOUN" and \
            (match_trigger(tok.head) is not None or _names_act(tok.head)) and \
            tok.head.lemma_.lower() not in _CARRIERS:
        return None  # "a call from the EU urging...": says what the call is
    if tok.pos_ == "VERB" and tok.dep_ in ("acl", "relcl") and tok.head.pos_ in ("NOUN", "PROPN") \
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children) \
            and tok.head.lemma_.lower() not in _CARRIERS:
        return None  # "the first country to recognise it", "a bid to expel": not done
    if act_type == "protest" and any(
            c.dep_ in ("dobj", "obj") and c.lemma_.lower() in _CARRIERS and any(
                g.dep_ == "acl" and match_trigger(g) is not None for g in c.children)
            for c in tok.children):
        return None  # "handed him a note declaring X persona non grata": the note's act
    if (tok.tag_ == "VBG" or any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)) \
            and tok.dep_ in ("advcl", "xcomp", "acl") and _after_act_noun(tok):
        return None  # the same, where the parser hung "urging" on the main verb
    governing = _governing_trigger(tok)
    if governing is not None and tok.pos_ != "NOUN":
        return None  # "refused to accept": the content of the refusal, not an act
    agent = agent_of(tok, ctx)
    # "once again urges", "repeated its call": the act told before, asked anew
    back_ref = any(c.dep_ == "advmod" and c.lower_ in _AGAIN for c in tok.children) or (
        tok.pos_ == "NOUN" and tok.dep_ in ("dobj", "obj")
        and tok.head.lemma_.lower() in _REPEAT_VERBS)
    if tok.pos_ == "NOUN" and not back_ref:
        dets = {c.lower_ for c in tok.children if c.dep_ in ("det", "poss")}
        has_content = any(c.dep_ in ("prep", "acl", "relcl", "xcomp") for c in tok.children)
        back_ref = bool(dets & ({"the", "this", "that", "our", "its", "their", "his", "her"})) \
            and not has_content
        if agent is None and dets & _FIRST_PERSON and ctx.in_quote[tok.i]:
            agent = ctx.speakers.get(ctx.sent(tok).start)
        if agent is None and not dets & {"the", "this", "that", "these", "those"} and any(
                c.dep_ in ("acl", "ccomp") and any(m.lower_ == "that" for m in c.children)
                for c in tok.children):
            agent = _voice_of_governor(tok, ctx)  # "allegations that...", inside a demand
    elif agent is None and any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children) \
            and _future(tok):
        # "other personnel would be denied visas, the mission said": the reporter's threat
        agent = _requester(tok, ctx)
        if act_type in ("action", "decline"):
            act_type = "threat"
    elif agent is None and any(c.dep_ == "auxpass" for c in tok.children) \
            and tok.dep_ == "ccomp" and match_trigger(tok.head) is not None \
            and match_trigger(tok.head).type == _SPEECH:
        # "she said a note had been handed to the embassy": the reporter's side did it
        agent = agent_of(tok.head, ctx)
    if agent is None:
        return None
    speaker = ctx.speakers.get(sent.start)
    if speaker and ctx.in_quote[tok.i] and agent.startswith("state/") and \
            ctx.actors.state_of(speaker) == agent:
        agent = speaker  # "the Chinese side will...", said by the ministry: the ministry
    span = _clause_span(tok, sent) if tok.pos_ != "NOUN" else (
        min(t.idx for t in tok.subtree), max(t.idx + len(t) for t in tok.subtree))
    act = FoundAct("", act_type, agent, tok.i, [span], subtype=trig.subtype or None,
                   lemma=tok.lemma_.lower())
    act.addressee = addressee_of(tok, ctx)
    if act.addressee == agent:
        act.addressee = None
    act.content = _content(tok, trig)
    act.participants = _participants(tok, ctx)
    act.quote = _quote_in(span, ctx)
    act.date_text = _date_phrase(tok, ctx)
    if act.date_text is None and tok.pos_ == "NOUN" and tok.dep_ in ("dobj", "obj") \
            and tok.head.lemma_.lower() in _LIGHT_VERBS:
        act.date_text = _date_phrase(tok.head, ctx)  # "lodged a protest on Tuesday"
    act.back_reference = back_ref
    act.quoted = ctx.in_quote[tok.i]
    act.object_lemma = next((c.lemma_.lower() for c in tok.children if c.dep_ in ("dobj", "obj")),
                            None)
    act.punitive = act_type == "action" and trig.subtype != "use_of_force" and (
        trig.subtype == "expulsion" or _punitive_act(tok))
    if act_type == "request":
        act.thing = _thing(tok)
    act.speaker = ctx.speakers.get(sent.start)
    if governing is not None:
        act.object_of = governing.i
    if tok.dep_ == "conj" and match_trigger(tok.head) is not None:
        act.conj_of = tok.head.i
    act.names = _reacted_to(tok)
    act.after = _after_clause(tok)
    act.cue_response = any(t.lower_ in ("response", "responded", "retaliated", "over")
                           for t in tok.subtree) or any(
        t.lower_ in ("response", "retaliation") for t in ctx.words(sent))
    if act_type in ("claim", "statement", "denial", "accusation"):
        act.topic = _topic(tok, ctx)
    return act


#: Prepositions whose object is what an act reacts to ("protested over the release").
_REACTION_PREPS = {"over", "against", "about", "at"}
#: Conjunctions of a clause telling what an act came after ("after Estonia expelled").
_AFTER_MARKS = {"after", "following", "once"}


def _after_clause(tok) -> tuple[int, int] | None:
    """The token range of the clause an act's verb says it came after ("After DFAT
    expressed regret, the embassy retaliated by accusing..."), looking up from the
    trigger through at most two heads."""
    node = tok
    for _ in range(3):
        for c in node.children:
            if c.dep_ == "advcl" and not c.left_edge.i <= tok.i <= c.right_edge.i and any(
                    m.dep_ == "mark" and m.lower_ in _AFTER_MARKS for m in c.children):
                return c.left_edge.i, c.right_edge.i + 1
        if node.head.i == node.i or node.dep_ in ("ccomp", "ROOT"):
            break
        node = node.head
    return None
#: Nouns after which "to" names what is answered ("in response to the ban").
_ANSWER_NOUNS = {"response", "reaction", "retaliation", "reply", "answer"}


def _reacted_to(tok) -> tuple[str, ...]:
    """Lemmas of the nouns an act names as what it reacts to: its object ("condemned
    the expulsions") and the object of "over", "against", "in response to"."""
    out = []
    near = {tok.i, *(c.i for c in tok.children)}  # "protested over", "lodged a protest over"
    for t in tok.subtree:
        if t.pos_ != "NOUN" or t.i == tok.i:
            continue
        head = t.head
        if (t.dep_ in ("dobj", "obj") and head.i == tok.i) or (t.dep_ == "pobj" and (
                (head.lower_ in _REACTION_PREPS and head.head.i in near)
                or (head.lower_ == "to" and head.head.lemma_.lower() in _ANSWER_NOUNS))):
            out.append(t.lemma_.lower())
    return tuple(out)


def _reported_wrongs(sent_acts: list["FoundAct"], ctx: _Context) -> list["FoundAct"]:
    """A speaker telling that the other side did something hostile ("Hanoi said the boat
    had been rammed by a Chinese ship") accuses it: an accusation by the speaker, beside
    the act told."""
    out = []
    state = ctx.actors.state_of
    for act in sent_acts:
        if act.type != "action" or act.speaker is None or act.speaker == act.agent \
                or not ((act.punitive and act.object_lemma) or act.subtype == "use_of_force"):
            continue  # a hostile act done to someone ("rammed the boat", "expelled two")
        side, accused = state(act.speaker), state(act.agent)
        if side is None or accused is None or side == accused:
            continue
        tok = ctx.doc[act.trigger]
        if not ctx.in_quote[tok.i] and not any(
                (match_trigger(a) is not None and match_trigger(a).type == _SPEECH)
                for a in tok.ancestors):
            continue  # told by the story, not by the speaker
        if any(a.type == "accusation" and a.agent == act.speaker for a in sent_acts):
            continue
        out.append(FoundAct("", "accusation", act.speaker, act.trigger, list(act.spans),
                            addressee=act.agent, speaker=act.speaker, quote=act.quote,
                            date_text=act.date_text))
    return out


def _pledge(sent) -> bool:
    """Whether a sentence is its speaker's pledge: "we" or "I" and "will" or "shall",
    not negated ("We will keep insisting", "We shall defend every inch")."""
    root = sent.root
    return any(c.dep_ == "nsubj" and c.lower_ in ("we", "i") for c in root.children) \
        and any(c.dep_ == "aux" and c.lower_ in ("will", "shall", "'ll", "’ll")
                for c in root.children) \
        and not any(t.dep_ == "neg" or t.lower_ in ("not", "never", "n't") for t in sent)


def _requester(tok, ctx: _Context):
    """Who voices the clause of ``tok``: the quote's speaker or the reporting subject."""
    if ctx.in_quote[tok.i]:
        return ctx.speakers.get(ctx.sent(tok).start)
    node = tok
    for _ in range(4):
        if node.dep_ == "ccomp" and node.head.i != node.i:
            trig = match_trigger(node.head)
            if trig is not None and trig.type in (_SPEECH, "claim"):
                return agent_of(node.head, ctx)
        if node.head.i == node.i:
            break
        node = node.head
    return None


#: Verbs whose subject undergoes a measure rather than takes it ("Seoul would face
#: consequences", "it will pay a price"): no threat by that subject.
_UNDERGO_VERBS = {"face", "suffer", "incur", "receive", "bear", "pay", "risk"}


def _constructional(tok, ctx: _Context, sent) -> FoundAct | None:
    """Acts signalled by construction, not by a trigger word: "X must do Y" said by
    another side is a request to X; "X will impose tariffs" is a threat by X."""
    if tok.pos_ not in ("VERB", "AUX") or _negated(tok):
        return None
    aux = {c.lower_ for c in tok.children if c.dep_ == "aux"}
    subj = _subject(tok)
    if subj is None:
        return None
    if aux & _DEONTIC:
        target = actor_at(subj, ctx)
        voice = _requester(tok, ctx)
        if target and voice and ctx.actors.state_of(target) != ctx.actors.state_of(voice):
            span = _clause_span(tok, sent)
            act = FoundAct("", "request", voice, tok.i, [span], addressee=target)
            act.content = ctx.doc[tok.left_edge.i:tok.right_edge.i + 1].text[:300]
            act.quote = _quote_in(span, ctx)
            act.speaker = voice
            return act
        return None
    if aux & _FUTURE and _punitive_act(tok) and not _doubted(tok) \
            and tok.lemma_.lower() not in _UNDERGO_VERBS:
        agent = agent_of(tok, ctx)
        if agent is None:
            return None
        span = _clause_span(tok, sent)
        act = FoundAct("", "threat", agent, tok.i, [span])
        act.addressee = addressee_of(tok, ctx)
        act.content = _content(tok, None)
        act.quote = _quote_in(span, ctx)
        act.date_text = _date_phrase(tok, ctx)
        act.speaker = ctx.speakers.get(sent.start)
        return act
    return None


def _speech_act(tok, trig: Trigger, ctx: _Context, sent, by_trigger,
                speech_tokens) -> list[FoundAct]:
    """A verb of saying: a statement, unless what is said is itself an act."""
    if _negated(tok) or _doubted(tok) or ctx.in_quote[tok.i]:
        return []
    if tok.dep_ in ("xcomp", "ccomp") and match_trigger(tok.head) is not None \
            and match_trigger(tok.head).type == "request":
        return []  # "asked Norway to explain the meeting": what is asked, not said
    if any(c.lower_ == "what" and c.dep_ in ("dobj", "obj", "nsubj") for c in tok.children):
        return []  # "if it continued what it called reckless provocations": a word quoted
    agent = agent_of(tok, ctx)
    if agent is None:
        return []
    said = [t for t in tok.subtree if t.i != tok.i]
    inner = [by_trigger[t.i] for t in said if t.i in by_trigger]
    quoted_words = sum(1 for t in ctx.words(sent) if ctx.in_quote[t.i] and not t.is_punct)
    words = sum(1 for t in ctx.words(sent) if not t.is_punct)
    if words and quoted_words / words > 0.5:
        return []  # the quoted sentences carry the statement
    if inner:
        for act in inner:
            if act.speaker is None:
                act.speaker = agent
        heads = [c for c in tok.children if c.dep_ in ("ccomp", "dobj", "obj")]
        heads += [g for h in heads for g in h.children if g.dep_ == "conj"]
        reported = [by_trigger[h.i] for h in heads if h.i in by_trigger] or inner
        side = ctx.actors.side_of
        plain = [c for c in tok.children if c.dep_ == "ccomp" and not any(
            t.i in by_trigger for t in _own_clause(c))]
        if plain:
            reported = []  # "told reporters that X was unacceptable and urged Y": X is said
        if reported and all(a.agent == agent or (side(a.agent) and side(a.agent) == side(agent))
               or a.type in ("decline", "request") for a in reported):
            return []  # its own side's act, or a refusal or request it reports
        # "the White House said Colombia had agreed": the report is a statement too
    if any(c.dep_ in ("dobj", "obj") and c.lemma_.lower() in _act_nouns() and any(
            d.dep_ == "det" and d.lower_ in ("the", "this", "that") for d in c.children)
           for c in tok.children):
        return []  # "announced the sudden move": the move, told already
    nested = [t for t in said if t.i in speech_tokens]
    if not any(c.dep_ in ("ccomp", "dobj", "obj", "xcomp", "parataxis") for t in [tok, *nested]
               for c in t.children) and _quote_in(_clause_span(tok, sent), ctx) is None:
        return []  # "writing on social media": saying nothing in particular
    span = _clause_span(tok, sent)
    kind = "action" if _punitive_act(tok) else "statement"  # "announced sanctions"
    if any(c.dep_ == "ccomp" and ctx.in_quote[c.i] and _bare_command(c) for c in tok.children):
        kind = "request"  # '"Give us one chance," said the mayor'
    act = FoundAct("", kind, agent, tok.i, [span])
    act.addressee = next((a for a in (addressee_of(t, ctx) for t in nested) if a), None)
    if act.addressee is None and tok.lemma_.lower() not in ("respond", "reply"):
        act.addressee = addressee_of(tok, ctx)
    if act.addressee == agent:
        act.addressee = None
    act.content = _content(tok, trig) or next((c for c in (_content(t, trig) for t in nested) if c),
                                              None)
    act.quote = _quote_in(span, ctx)
    act.date_text = _date_phrase(tok, ctx) or next(
        (d for d in (_date_phrase(t, ctx) for t in nested) if d), None) or _early_date(tok, ctx)
    act.topic = _topic(tok, ctx) or next((t for t in (_topic(n, ctx) for n in nested) if t), None)
    act.participants = _participants(tok, ctx)
    act.cue_response = tok.lemma_.lower() in ("respond", "reply") or any(
        t.lower_ in ("responded", "response") for t in ctx.words(sent))
    if tok.dep_ == "conj" and match_trigger(tok.head) is not None:
        act.conj_of = tok.head.i
    return [act]


def _own_clause(head) -> list:
    """The tokens of a clause without the clauses coordinated with it."""
    skip = {t.i for c in head.children if c.dep_ == "conj" for t in c.subtree}
    return [t for t in head.subtree if t.i not in skip]


def _split_conjoined(act: FoundAct, ctx: _Context, sent) -> list[FoundAct]:
    """"claimed that A and that B", "said A but that B": a second act for B, each with
    its own span (a statement's "said A and that B" is one statement)."""
    tok = ctx.doc[act.trigger]
    out = []
    for comp in tok.children:
        if comp.dep_ != "ccomp":
            continue
        for conj in comp.children:
            if conj.dep_ == "conj" and any(c.dep_ == "mark" for c in conj.children) and (
                    act.type == "claim" or any(c.dep_ == "cc" and c.lower_ == "but"
                                               for c in comp.children)):
                left = max(conj.left_edge.idx, sent.start_char)
                right = min(conj.right_edge.idx + len(conj.right_edge), sent.end_char)
                a0, b0 = act.spans[0]
                if a0 < left < b0:
                    act.spans[0] = (a0, max(a0 + 1, left - 1))
                subj = _subject(conj) or next((g for g in conj.children
                                               if g.dep_ == "nsubjpass"), None)
                topic = act.topic
                if subj is not None and subj.pos_ == "NOUN" and subj.i not in ctx.actors.by_token:
                    topic = f"the {subj.lemma_.lower()}"  # "that its appearance was..."
                twin = FoundAct("", act.type, act.agent, conj.i, [(left, right)],
                                addressee=act.addressee, speaker=act.speaker,
                                topic=topic, date_text=act.date_text)
                twin.quote = _quote_in((left, right), ctx)
                out.append(twin)
    return out
