"""Linking acts within an article: a response to what it answers, and later
mentions of one act ("the PRC has declined our request") merged into it."""
from __future__ import annotations

from .actors import ActorIndex
from .acts import FoundAct

__all__ = ["link_acts"]

#: What each kind of response most plausibly answers, in order of preference.
_ANSWERS = {
    "decline": ("request",),
    "accept": ("request",),
    "denial": ("accusation", "claim", "statement"),
    "protest": ("action", "statement", "claim", "accusation"),
    "accusation": ("action", "statement", "claim", "decline"),
    "threat": ("decline", "action", "threat", "accusation"),
    "action": ("decline", "action", "threat"),
    "statement": ("accusation", "protest", "threat", "claim"),
    "claim": ("accusation", "protest", "threat", "claim"),
    "request": ("action", "decline"),
}
_ALWAYS_RESPONDS = {"decline", "accept", "denial"}


def _same_side(actors: ActorIndex, a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return False
    sa, sb = actors.state_of(a) or a, actors.state_of(b) or b
    return sa == sb


def link_acts(acts: list[FoundAct], actors: ActorIndex) -> list[FoundAct]:
    """Acts with back-references merged and responses linked (``responds_to`` keys)."""
    by_trigger = {a.trigger: a for a in acts}
    merged_into: dict[str, FoundAct] = {}
    kept: list[FoundAct] = []
    for act in acts:
        target = None
        if act.conj_of is not None:  # "imposed a ban and revoked the visas": one act
            target = next((k for k in reversed(kept) if k.trigger == act.conj_of
                           and k.type == act.type and k.agent == act.agent), None)
        if target is None and act.type == "decline":
            own = [o for o in acts if o.object_of == act.trigger and o.type == "request"
                   and not o.back_reference]
            if not own:
                target = next((k for k in reversed(kept) if k.type == "decline"
                               and _same_side(actors, k.agent, act.agent)), None)
        if target is None and act.back_reference and act.type in ("request", "decline", "accept", "threat"):
            target = next((k for k in reversed(kept) if k.type == act.type and _same_side(
                actors, k.agent, act.agent)), None)
        if act.type == "action" and act.subtype and act.object_lemma:
            target = next((k for k in reversed(kept) if k.type == "action"
                           and k.subtype == act.subtype and k.object_lemma == act.object_lemma
                           and _same_side(actors, k.agent, act.agent)), None)
        if act.type in ("decline", "accept") and act.object_of is None:
            obj = next((o for o in acts if o.object_of == act.trigger and o.type == "request"), None)
            if obj is not None and obj.back_reference:
                target = next((k for k in reversed(kept) if k.type == act.type and _same_side(
                    actors, k.agent, act.agent)), None)
        if target is not None:
            target.spans.extend(s for s in act.spans if s not in target.spans)
            merged_into[act.key] = target
            continue
        kept.append(act)

    responds: dict[str, str] = {}
    for i, act in enumerate(kept):
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
        if act.type not in _ALWAYS_RESPONDS and not act.cue_response:
            continue
        earlier = kept[:i]
        for wanted in _ANSWERS.get(act.type, ()):
            cand = next((e for e in reversed(earlier) if e.type == wanted
                         and not _same_side(actors, e.agent, act.agent)
                         and (e.addressee is None or act.type not in _ALWAYS_RESPONDS
                              or _same_side(actors, e.addressee, act.agent))), None)
            if cand is not None:
                responds[act.key] = cand.key
                if act.addressee is None:
                    act.addressee = cand.agent
                break
    for act in kept:
        act.responds_to_key = responds.get(act.key)
    return kept
