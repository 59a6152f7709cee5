"""dkg's spaCy pipeline step, registered in one place.

The text given to the pipeline has its page furniture blanked out
(:func:`kg.extract.boilerplate.blank_ranges`). ``dkg_extract`` reads the parse
and leaves plain data (dicts, lists, strings,
numbers) in ``doc.user_data["dkg"]``, so documents cross process boundaries
when parsing runs in parallel.
"""
from __future__ import annotations

from spacy.language import Language

__all__ = ["add_to", "dkg_extract"]

RESULT_KEY = "dkg"


@Language.component("dkg_extract", requires=["token.dep", "token.lemma", "doc.ents"],
                    assigns=["doc.user_data"])
def dkg_extract(doc):
    """Actors and linked acts of a document, as plain data in ``doc.user_data``."""
    from .actors import add_referenced, find_actors
    from .acts import find_acts
    from .linking import link_acts
    from .quotes import quote_spans

    actors = find_actors(doc)
    acts = link_acts(find_acts(doc, actors, quote_spans(doc.text)), actors)
    add_referenced(actors, [k for a in acts for k in (a.agent, a.addressee, a.via,
                                                      *a.participants)])
    found = []
    for f in actors.actors.values():  # fields copied by hand: asdict deep-copies, slowly
        d = dict(vars(f))
        d["aliases"] = sorted(f.aliases)
        d["spans"] = [list(s) for s in f.spans]
        found.append(d)
    doc.user_data[RESULT_KEY] = {
        "actors": found,
        "acts": [{**vars(a), "spans": [list(s) for s in a.spans],
                  "participants": list(a.participants)} for a in acts],
        "sentences": [[s.start_char, s.end_char] for s in doc.sents],
    }
    return doc


@Language.component("dkg_paragraphs", assigns=["token.is_sent_start"])
def dkg_paragraphs(doc):
    """A line break always ends a sentence (headlines, captions, paragraphs)."""
    prev = None
    for tok in doc:
        if prev is not None and ("\n" in prev.whitespace_
                                 or (prev.is_space and "\n" in prev.text)):
            tok.is_sent_start = True
        prev = tok
    return doc


def add_to(nlp):
    """Add dkg's steps to a loaded English pipeline (once); returns ``nlp``."""
    if "dkg_paragraphs" not in nlp.pipe_names:
        nlp.add_pipe("dkg_paragraphs", before="parser")
    if "dkg_extract" not in nlp.pipe_names:
        nlp.add_pipe("dkg_extract", last=True)
    return nlp
