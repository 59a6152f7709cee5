"""Records to RDF: one article's extraction as an rdflib graph of triples.

Knows nothing of spaCy; the store puts the triples in the article's named graph.
"""
from __future__ import annotations

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from .model import Act, Actor, Extraction, Span
from .namespaces import (DKG, ORG, PROV, PREFIXES, SCHEMA, WD, act_iri, activity_iri, actor_iri,
                         article_iri, span_iri, topic_iri)

__all__ = ["ACT_CLASS", "ACTOR_CLASS", "SUBTYPE_CLASS", "extraction_graph", "clean_literal"]

#: Act type notation -> its class.
ACT_CLASS = {
    "request": DKG.Request, "decline": DKG.Decline, "accept": DKG.Accept,
    "statement": DKG.Statement, "claim": DKG.Claim, "protest": DKG.Protest,
    "accusation": DKG.Accusation, "threat": DKG.Threat, "denial": DKG.Denial,
    "commitment": DKG.Commitment, "action": DKG.Action,
}

#: Action subtype -> its class.
SUBTYPE_CLASS = {
    "use_of_force": DKG.UseOfForce, "movement": DKG.Movement,
    "recovery": DKG.Recovery, "meeting": DKG.Meeting,
}

#: Actor kind (gold format word) -> its class.
ACTOR_CLASS = {
    "state": DKG.State, "government": DKG.GovernmentBody, "organization": DKG.Organisation,
    "person": DKG.Person, "media": DKG.MediaOutlet, "group": DKG.OfficialsGroup,
    "other": DKG.Actor,
}


def clean_literal(text: str) -> str:
    """``text`` without characters that no RDF syntax can carry (NUL, lone surrogates)."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    return "".join(ch for ch in text if ch >= " " or ch in "\t\n\r")


def _lit(text: str) -> Literal:
    return Literal(clean_literal(text))


def extraction_graph(ex: Extraction, dkg_version: str) -> Graph:
    """The RDF triples of one article: article, provenance, actors, acts, spans.

    A pure function of the extraction and the version: no clock, no randomness.
    """
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True)
    art = ex.article
    a_iri = article_iri(art.id)
    g.add((a_iri, RDF.type, DKG.Article))
    g.add((a_iri, DCTERMS.identifier, _lit(art.id)))
    if art.title:
        g.add((a_iri, DCTERMS.title, _lit(art.title)))
    if art.source:
        g.add((a_iri, DCTERMS.source, _lit(art.source)))
    if art.url:
        g.add((a_iri, SCHEMA.url, Literal(clean_literal(art.url), datatype=XSD.anyURI)))
    if art.published:
        g.add((a_iri, DKG.published, Literal(art.published, datatype=XSD.date)))
    g.add((a_iri, DKG.textLength, Literal(len(art.text), datatype=XSD.integer)))
    g.add((a_iri, DKG.contentHash, Literal("sha256:" + art.sha256)))
    run = activity_iri(art.id)
    g.add((a_iri, PROV.wasGeneratedBy, run))
    g.add((run, RDF.type, DKG.Extraction))
    g.add((run, PROV.used, a_iri))
    g.add((run, DKG.dkgVersion, Literal(dkg_version)))
    if ex.model:
        g.add((run, DKG.model, Literal(ex.model)))

    for actor in ex.actors:
        _add_actor(g, art.id, actor)
    for act in ex.acts:
        _add_act(g, art.id, a_iri, act)
    return g


def _add_span(g: Graph, article_id: str, span: Span) -> URIRef:
    s_iri = span_iri(article_id, span.start, span.end)
    g.add((s_iri, RDF.type, DKG.Mention))
    g.add((s_iri, DKG.inArticle, article_iri(article_id)))
    g.add((s_iri, DKG.start, Literal(span.start, datatype=XSD.integer)))
    g.add((s_iri, DKG.end, Literal(span.end, datatype=XSD.integer)))
    g.add((s_iri, DKG.anchorOf, _lit(span.text)))
    if span.sentence:
        g.add((s_iri, DKG.sentence, _lit(span.sentence)))
    return s_iri


def _add_actor(g: Graph, article_id: str, actor: Actor) -> None:
    node = actor_iri(actor.key)
    g.add((node, RDF.type, ACTOR_CLASS.get(actor.kind, DKG.Actor)))
    g.add((node, RDFS.label, _lit(actor.label)))
    for alias in actor.aliases:
        if alias != actor.label:
            g.add((node, SKOS.altLabel, _lit(alias)))
    if actor.member_of:
        g.add((node, ORG.memberOf, actor_iri(actor.member_of)))
    if actor.role:
        g.add((node, DKG.role, _lit(actor.role)))
    if actor.iso:
        g.add((node, DKG.isoCode, _lit(actor.iso)))
    if actor.wikidata:
        g.add((node, DKG.wikidata, WD[actor.wikidata]))
    for span in actor.mentions:
        g.add((node, DKG.evidence, _add_span(g, article_id, span)))


def _add_act(g: Graph, article_id: str, a_iri: URIRef, act: Act) -> None:
    node = act_iri(article_id, act.key)
    g.add((node, RDF.type, ACT_CLASS[act.type]))
    if act.subtype in SUBTYPE_CLASS:
        g.add((node, RDF.type, SUBTYPE_CLASS[act.subtype]))
    g.add((node, DKG.reportedIn, a_iri))
    g.add((node, DKG.agent, actor_iri(act.agent)))
    if act.via:
        g.add((node, DKG.via, actor_iri(act.via)))
    if act.addressee:
        g.add((node, DKG.addressee, actor_iri(act.addressee)))
    for person in act.participants:
        g.add((node, DKG.involves, actor_iri(person)))
    if act.topic:
        t_iri = topic_iri(article_id, act.topic)
        g.add((t_iri, RDF.type, DKG.Topic))
        g.add((t_iri, RDFS.label, _lit(act.topic)))
        g.add((node, DKG.about, t_iri))
    if act.content:
        g.add((node, DKG.content, _lit(act.content)))
    if act.responds_to:
        other = act_iri(article_id, act.responds_to)
        g.add((node, DKG.respondsTo, other))
        g.add((other, DKG.hasResponse, node))
    if act.quote:
        g.add((node, DKG.quote, _lit(act.quote)))
    if act.date:
        g.add((node, DKG.date, Literal(act.date, datatype=XSD.date)))
    if act.date_text:
        g.add((node, DKG.dateText, _lit(act.date_text)))
    if act.place:
        g.add((node, DKG.place, _lit(act.place)))
    gist = act.content or (act.evidence[0].text if act.evidence else "")
    g.add((node, RDFS.label, _lit(f"{act.type}: {gist}"[:200])))
    for span in act.evidence:
        g.add((node, DKG.evidence, _add_span(g, article_id, span)))
