"""Linking acts within an article: a response to what it answers, and later
mentions of one act ("the PRC has declined our request") merged into it."""
from __future__ import annotations

from .actors import COUNTERPART, LOCAL, ActorIndex
from .acts import FoundAct
from .dates import resolve_date
from .lexicon import kinds_named, names_act, names_kind, noun_type

__all__ = ["link_acts"]

#: What each kind of response most plausibly answers, in order of preference.
_ANSWERS = {
    "decline": ("request",),
    "accept": ("request",),
    "denial": ("accusation", "claim", "statement"),
    "protest": ("action", "statement", "claim", "accusation"),
    "accusation": ("action", "statement", "claim", "decline"),
    "threat": ("decline", "action", "threat", "accusation"),
    "action": ("decline", "request", "protest", "accusation", "action", "threat", "statement"),
    "statement": ("accusation", "protest", "threat", "claim"),
    "claim": ("accusation", "protest", "threat", "claim"),
    "request": ("action", "decline"),
}
_ALWAYS_RESPONDS = {"decline", "accept", "denial"}
#: Reactions that answer the other side's first act of a kind they answer, aimed at
#: their side (the story's news), rather than the nearest one: a refusal refuses the
#: demand the story is about, a protest protests its measure. Denials and acceptances
#: answer the nearest claim or offer instead ("denied the charge" just made).
_ANSWER_THE_LEAD = {"decline", "protest", "accusation", "threat"}


def _same_side(actors: ActorIndex, a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return False
    sa, sb = actors.state_of(a) or a, actors.state_of(b) or b
    return sa == sb


def _same_act(act: FoundAct, kept: list[FoundAct], acts: list[FoundAct],
              merged_into: dict[str, FoundAct], actors: ActorIndex) -> FoundAct | None:
    """The earlier act that ``act`` mentions again, if any (event coreference)."""
    def last(test):
        return next((k for k in reversed(kept) if test(k)), None)

    same_side = lambda k: _same_side(actors, k.agent, act.agent)  # noqa: E731
    if act.conj_of is not None:  # "imposed a ban and revoked the visas": one act
        found = last(lambda k: k.trigger == act.conj_of and k.agent == act.agent
                     and (k.type == act.type or act.type == "statement"))
        if found:
            return found
    if act.type == "request" and act.lemma:  # "a Moroccan invitation" named twice
        found = last(lambda k: k.type == "request" and same_side(k)
                     and (k.lemma == act.lemma or (k.thing and k.thing == act.thing))
                     and (k.addressee is None or act.addressee is None
                          or _same_side(actors, k.addressee, act.addressee)))
        if found:
            return found
    objects = [o for o in acts if o.object_of == act.trigger and o.type == "request"]
    if act.type == "decline" and not act.quoted and not any(
            not o.back_reference and o.key not in merged_into for o in objects):
        found = last(lambda k: k.type == "decline" and same_side(k))  # refused again
        if found:
            return found
    if act.type in ("decline", "accept") and any(o.back_reference for o in objects[:1]):
        found = last(lambda k: k.type == act.type and same_side(k))  # "declined our request"
        if found:
            return found
    if act.back_reference and act.type in ("request", "decline", "accept", "threat"):
        found = last(lambda k: k.type == act.type and same_side(k))
        if found:
            return found
    if act.type == "protest" and not act.quoted:  # "a formal protest" ... "handed a protest note"
        found = last(lambda k: k.type == "protest" and same_side(k) and not k.quoted
                     and (k.addressee is None or act.addressee is None
                          or _same_side(actors, k.addressee, act.addressee)))
        if found:
            return found
    if act.type == "action" and act.subtype == "expulsion":  # "expelled" ... "declared persona
        return last(lambda k: k.type == "action" and k.subtype == "expulsion"  # non grata"
                    and same_side(k) and (act.date_text in (None, k.date_text) or (
                        k.date_text is None and _names_a_day(act.date_text)))
                    and (k.addressee is None or act.addressee is None
                         or _same_side(actors, k.addressee, act.addressee)))
    if act.type == "action" and act.subtype and act.object_lemma:  # shot down / destroyed it
        return last(lambda k: k.type == "action" and k.subtype == act.subtype
                    and k.object_lemma == act.object_lemma and same_side(k))
    return None


def link_acts(acts: list[FoundAct], actors: ActorIndex) -> list[FoundAct]:
    """Acts with back-references merged and responses linked (``responds_to`` keys)."""
    merged_into: dict[str, FoundAct] = {}
    kept: list[FoundAct] = []
    for act in acts:
        target = _same_act(act, kept, acts, merged_into, actors)
        if target is not None:
            target.spans.extend(s for s in act.spans if s not in target.spans)
            target.names += tuple(n for n in act.names if n not in target.names)
            merged_into[act.key] = target
            continue
        kept.append(act)

    kept = [a for a in kept if not _commentary(a, actors)]
    counterpart = _counterparts(actors)
    responds: dict[str, str] = {}
    position = {a.key: n for n, a in enumerate(kept)}
    for act in kept:  # first the acts a reaction names ("called the expulsions hostile")
        named = _named_act(act, kept, position, actors, responds)
        if named is not None:
            responds[act.key] = named.key
            if act.addressee is None:
                act.addressee = _side(actors, named.agent)
    for act in kept:
        if act.key in responds:
            continue
        # a request named as the object of a decline/accept
        objects = [o for o in acts if o.object_of == act.trigger and o.type == "request"]
        if act.type in ("decline", "accept") and objects:
            req = merged_into.get(objects[0].key, objects[0])
            if req.addressee is None and req.agent != act.agent:
                req.addressee = act.agent
            if act.addressee is None:
                act.addressee = req.agent
            responds[act.key] = req.key
            continue
        named = _named_object(act, kept, position, actors)
        if named is not None:  # "rejected the protest", "denied the allegations"
            responds[act.key] = named.key
            if act.addressee is None:
                act.addressee = _side(actors, named.agent)
            continue
        if act.type not in _REACTIVE and not act.cue_response and not act.punitive:
            continue
        if actors.side_of(act.agent) is None:
            continue  # whose side it is we do not know, so not whom it answers
        cand = None
        if act.type in _ANSWER_THE_LEAD:
            cand = _lead(act, kept, actors, counterpart, responds, _ANSWERS[act.type])
        if cand is None:
            cand = _answered(act, kept, position, actors, counterpart)
        if cand is not None and responds.get(cand.key) == act.key:
            cand = None  # never answer what answers you
        if cand is not None:
            responds[act.key] = cand.key
            if act.addressee is None:
                act.addressee = _side(actors, cand.agent)
    kept = _merge_repeated_answers(kept, responds, actors)
    _link_to_focus(kept, responds, actors)
    _link_to_lead(kept, responds, actors, counterpart)
    _counter_claims(kept, responds, actors)
    _settle_counterparts(kept, actors, counterpart)
    for act in kept:
        act.responds_to_key = responds.get(act.key)
        if act.addressee is not None and act.addressee == act.speaker:
            act.addressee = None  # "X said his government was disappointed": not aimed at X
        if act.via is None and act.speaker and act.speaker != act.agent and \
                _same_side(actors, act.speaker, act.agent):
            act.via = act.speaker  # "Pakistan remains willing, the Foreign Office said"
        if act.addressee is None and act.type in _DIRECTED and act.subtype != "recovery":
            act.addressee = counterpart(act.agent)
    return kept


#: Acts that by their nature answer something (linked even without a cue word).
_REACTIVE = {"decline", "accept", "denial", "protest", "accusation", "threat"}
#: Acts that have an addressee even when the sentence names none (the other side).
_DIRECTED = {"request", "decline", "accept", "protest", "accusation", "threat", "action",
             "commitment"}


def _named_act(act: FoundAct, kept: list[FoundAct], position: dict[str, int],
               actors: ActorIndex, responds: dict[str, str]) -> FoundAct | None:
    """The other side's act a reaction says it came after ("after DFAT protested, the
    embassy accused..."), else the one it names by its noun ("called the expulsions
    hostile", "regretted the decision"): the first such act told before it, else the
    first told after."""
    if act.type in ("decline", "accept", "denial"):
        return None  # those name what they answer as their object (see _named_object)
    if act.after is not None and (act.type in _REACTIVE or act.punitive):
        # "after DFAT protested, it accused...", "expelled X two days after Y expelled Z"
        told = next((e for e in kept if act.after[0] <= e.trigger < act.after[1]
                     and not _same_side(actors, e.agent, act.agent)
                     and (act.type in _REACTIVE or e.type == "action")), None)
        if told is not None:
            return told
    if not act.names:
        return None
    here = position[act.key]
    pool = [e for e in kept if e is not act and e.lemma and responds.get(e.key) != act.key
            and any(names_act(n, e.lemma) or names_kind(n, e.type) for n in act.names)
            and not _same_side(actors, e.agent, act.agent)
            and actors.side_of(e.agent) is not None]
    before = [e for e in pool if position[e.key] < here]
    return (before or pool or [None])[0]


def _named_object(act: FoundAct, kept: list[FoundAct], position: dict[str, int],
                  actors: ActorIndex) -> FoundAct | None:
    """The other side's act a refusal or denial names as its object ("rejected the
    protest" -> the protest), the nearest one before it."""
    if act.type not in ("decline", "denial", "accept") or not act.object_lemma:
        return None
    # "rejected the protest"; "rejected the note": the protest it carried
    wanted = ({noun_type(act.object_lemma)} | kinds_named(act.object_lemma)) - {None, "request"}
    if not wanted:
        return None
    here = position[act.key]
    pool = [e for e in kept if e.type in wanted and position[e.key] < here
            and not _same_side(actors, e.agent, act.agent)]
    return pool[-1] if pool else None


def _answered(act: FoundAct, kept: list[FoundAct], position: dict[str, int],
              actors: ActorIndex, counterpart) -> FoundAct | None:
    """The act of another side that ``act`` most plausibly answers: the nearest one
    of the kinds it answers, earlier in the text first, else later (news often
    tells the answer before what it answers)."""
    here = position[act.key]
    others = [e for e in kept if e is not act and not _same_side(actors, e.agent, act.agent)
              and not _reports(e, act)]
    if act.addressee is not None:
        aimed = [e for e in others if _same_side(actors, e.agent, act.addressee)]
        # a protest or accusation aimed at a side answers that side, not a third one
        others = aimed if act.type in ("accusation", "protest", "threat") else (aimed or others)
    for wanted in (*_ANSWERS.get(act.type, ()), None):
        pool = [e for e in others if wanted is None or e.type == wanted]
        if act.type in ("decline", "accept"):
            pool = [e for e in pool if e.addressee is None
                    or _same_side(actors, e.addressee, act.agent)] or pool
        before = [e for e in pool if position[e.key] < here]
        if before:
            return before[-1]
        after = [e for e in pool if position[e.key] > here]
        if act.punitive and act.type not in _ALWAYS_RESPONDS:
            # a measure told first is what the other side's later protests answer
            after = [e for e in after
                     if not _same_side(actors, _aimed_at(e, counterpart), act.agent)]
        if after and wanted is not None and (act.type in _ALWAYS_RESPONDS or act.punitive):
            return after[0]
    if act.type in _REACTIVE:
        # the lead tells the answer, the background later what it answers: the first
        # act of the other side aimed at this one ("called on the Saudi government to")
        return next((e for e in others if position[e.key] > here and e.addressee
                     and _same_side(actors, e.addressee, act.agent)), None)
    return None


#: Acts that, when a side is answering another, answer that side's focal act.
_FOLLOWS_FOCUS = {"claim", "accusation", "protest", "threat", "commitment", "request",
                  "denial"}


def _link_to_focus(kept: list[FoundAct], responds: dict[str, str], actors: ActorIndex) -> None:
    """Once a side is seen answering an act of another side (a refusal of its
    request, a denial of its accusation), its later reactions in the article
    answer that same act unless the text links them elsewhere."""
    by_key = {a.key: a for a in kept}
    focus: dict[str, dict[str, int]] = {}  # answering side -> answered act -> times
    for responder, answered in responds.items():
        side = actors.state_of(by_key[responder].agent) or by_key[responder].agent
        counts = focus.setdefault(side, {})
        counts[answered] = counts.get(answered, 0) + 1
    order = {a.key: n for n, a in enumerate(kept)}
    for act in kept:
        if act.key in responds or act.type not in _FOLLOWS_FOCUS:
            continue
        side = actors.state_of(act.agent) or act.agent
        counts = focus.get(side)
        if not counts:
            continue
        target = sorted(counts, key=lambda k: (-counts[k], order[k]))[0]
        if _aimed_elsewhere(act, by_key[target], actors):
            continue
        # a protest or threat may come in the text before what it answers, when that is
        # aimed at its side; a request or a pledge is not an answer to a later act
        aimed = act.type in _REACTIVE and by_key[target].addressee is not None and \
            _same_side(actors, by_key[target].addressee, act.agent)
        if (order[target] < order[act.key] or aimed) and responds.get(target) != act.key \
                and not _same_side(actors, by_key[target].agent, act.agent):
            responds[act.key] = target


def _merge_repeated_answers(kept: list[FoundAct], responds: dict[str, str],
                            actors: ActorIndex) -> list[FoundAct]:
    """One side refusing (or accepting) the same request twice in a story is one act
    told twice ("refused a Moroccan invitation" ... "he will not accept" it)."""
    first: dict[tuple, FoundAct] = {}
    out = []
    gone: dict[str, str] = {}
    for act in kept:
        target = responds.get(act.key)
        if act.type in ("decline", "accept") and target:
            key = (act.type, actors.state_of(act.agent) or act.agent, target)
            if key in first and act.quoted and _voice(act) != _voice(first[key]) \
                    and _voiced(first[key], actors):
                out.append(act)  # another voice of the side, in its own words: its own act
                continue
            if key in first:
                first[key].spans.extend(s for s in act.spans if s not in first[key].spans)
                responds.pop(act.key)
                gone[act.key] = first[key].key
                continue
            first[key] = act
        out.append(act)
    for key, target in list(responds.items()):
        responds[key] = gone.get(target, target)
    return out


def _settle_counterparts(kept: list[FoundAct], actors: ActorIndex, counterpart) -> None:
    """"A and his counterpart, B": B belongs to the side of the story that is not A's."""
    for found in actors.actors.values():
        if found.member_of != COUNTERPART:
            continue
        found.member_of = None
        for act in kept:
            if found.key not in act.participants:
                continue
            peer = next((p for p in act.participants if p != found.key), None)
            if peer is not None and actors.state_of(peer):
                found.member_of = counterpart(peer)
            else:
                # "X's request for a call between its minister and his counterpart":
                # the counterpart is of the side asked, the side that answers
                other = act.addressee if act.type == "request" else (
                    act.agent if act.type in ("decline", "accept") else None)
                found.member_of = actors.state_of(other) if other else None
            if found.member_of:
                break


def _counter_claims(kept: list[FoundAct], responds: dict[str, str], actors: ActorIndex) -> None:
    """A statement that answers another side's account of the same topic is a
    counter-claim ("the balloon was used for surveillance" against "a civilian
    airship")."""
    for act in kept:
        if act.type != "statement" or not act.topic or not act.cue_response:
            continue
        if any(o.type in ("claim", "denial") and o.topic == act.topic
               and not _same_side(actors, o.agent, act.agent) for o in kept):
            act.type = "claim"


def _counterparts(actors: ActorIndex):
    """A function giving, for an actor, the most-named top-level actor of another side."""
    counts: dict[str, int] = {}
    for start, end, key in actors.mentions:
        top = actors.side_of(key)
        if top:
            counts[top] = counts.get(top, 0) + 1
    ranked = sorted(counts, key=lambda k: (not k.startswith("state/"), -counts[k], k))

    def counterpart(agent: str) -> str | None:
        side = actors.side_of(agent)
        if side is None:
            return None  # whose side it is we do not know, so not who the other is
        return next((k for k in ranked if k != side), None)
    return counterpart


#: Acts that, answering nothing the text names, answer the other side's lead act.
_ANSWERS_LEAD = {"accusation", "protest", "threat", "denial", "commitment", "action", "request",
                 "statement", "claim"}


def _link_to_lead(kept: list[FoundAct], responds: dict[str, str], actors: ActorIndex,
                  counterpart) -> None:
    """A reaction of one side that the text links to nothing answers the other side's
    lead act: the first act of that side aimed at it (the story's news is one side's
    act and the other's reactions to it)."""
    order = {a.key: n for n, a in enumerate(kept)}
    for act in kept:
        if act.key in responds or act.type not in _ANSWERS_LEAD:
            continue
        if actors.side_of(act.agent) is None:
            continue
        lead = _lead(act, kept, actors, counterpart, responds) or _third_party_lead(
            act, kept, order, actors)
        if lead is None or (act.type in ("request", "commitment", "claim", "action", "statement")
                            and order[lead.key] > order[act.key]):
            continue
        if _aimed_elsewhere(act, lead, actors):
            continue
        if act.type == "commitment" and lead.type != "request":
            continue  # a pledge answers what was asked of it, not a refusal or a blow
        if act.type == "statement" and lead.type in ("decline", "accept"):
            continue  # the refused side's remarks explain its own request, they answer nothing
        responds[act.key] = lead.key


#: What a third side's call or rebuke aimed at a side of the story answers: that
#: side's news ("urged Vucic to reconsider" after Vucic turned down an invitation).
_NEWS = ("decline", "action", "threat")


def _third_party_lead(act: FoundAct, kept: list[FoundAct], order: dict[str, int],
                      actors: ActorIndex) -> FoundAct | None:
    """For an act aimed at a side whose acts are aimed at someone else (a third side
    urging, condemning or warning it), that side's first act of news told before."""
    if act.addressee is None or act.type not in ("request", "accusation", "protest", "threat"):
        return None
    return next((e for e in kept if order[e.key] < order[act.key] and e.type in _NEWS
                 and _same_side(actors, e.agent, act.addressee)
                 and not _same_side(actors, e.addressee, act.agent)), None)


def _aimed_at(act: FoundAct, counterpart) -> str | None:
    """Whom an act is aimed at: its addressee, else for a directed act the other side."""
    if act.addressee is None and act.type in _DIRECTED and act.subtype != "recovery":
        return counterpart(act.agent)
    return act.addressee


def _lead(act: FoundAct, kept: list[FoundAct], actors: ActorIndex, counterpart,
          responds: dict[str, str], types: tuple[str, ...] | None = None) -> FoundAct | None:
    """The other side's lead act towards the side of ``act``: its first act (of one of
    ``types``, if given) aimed at that side, said or implied, that does not answer ``act``."""
    for e in kept:
        if e is act or (types is not None and e.type not in types) \
                or responds.get(e.key) == act.key or _same_side(actors, e.agent, act.agent) \
                or actors.side_of(e.agent) is None or _reports(e, act):
            continue
        aimed = _aimed_at(e, counterpart)
        if aimed is not None and _same_side(actors, aimed, act.agent) \
                and not (types is not None and _aimed_elsewhere(act, e, actors)):
            return e
    return None


def _commentary(act: FoundAct, actors: ActorIndex) -> bool:
    """Whether an act is a remark by an unnamed source who speaks for no side ("a trade
    diplomat in Geneva said"): commentary on the story, not an act of one of its sides."""
    return act.type == "statement" and act.agent is not None \
        and act.agent.startswith(LOCAL) and actors.side_of(act.agent) is None


def _aimed_elsewhere(act: FoundAct, target: FoundAct, actors: ActorIndex) -> bool:
    """Whether a protest, accusation or threat is aimed at another side than the one
    whose act ``target`` is ("condemned the attacks by Hamas" answers no act of Israel)."""
    return act.type in ("accusation", "protest", "threat") and act.addressee is not None \
        and not _same_side(actors, act.addressee, target.agent)


def _side(actors: ActorIndex, key: str | None) -> str | None:
    """The side an actor acts for: its state, else its top body, else itself."""
    return (actors.side_of(key) or key) if key else None


def _voiced(act: FoundAct, actors: ActorIndex) -> bool:
    """Whether a person voices an act (a speaker, or a person as its agent), rather than
    the story telling what a state or body did ("Bogota refused")."""
    found = actors.actors.get(act.agent)
    return act.speaker is not None or (found is not None and found.kind == "person")


def _names_a_day(phrase: str) -> bool:
    """Whether a date phrase names a day of its own ("on Wednesday", "March 3"), not one
    told relative to another ("the same day", "in January"): whether it resolves to a
    day against a publication date (any one will do for the question)."""
    return resolve_date(phrase, "2000-01-15") is not None and "same" not in phrase.lower()


def _reports(e: FoundAct, act: FoundAct) -> bool:
    """Whether ``e`` is the statement that reports ``act`` ("the White House said
    Colombia had agreed"): a statement whose first span holds the act's first span."""
    return e.type == "statement" and e.spans[0][0] <= act.spans[0][0] \
        and act.spans[0][1] <= e.spans[0][1]


def _voice(act: FoundAct) -> str | None:
    """Who voiced an act: its speaker where the text names one, else its agent."""
    return act.speaker or act.agent
