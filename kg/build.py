"""Records to RDF: one article's extraction as triples (pyoxigraph) or an rdflib graph.

Knows nothing of spaCy; the store puts the triples in the article's named graph.
The triples are made directly as pyoxigraph terms (what the store writes);
:func:`extraction_graph` gives the same triples as an rdflib graph.
"""
from __future__ import annotations

import re

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from .model import Act, Actor, Extraction, Span
from .namespaces import (DKG, PREFIXES, act_iri, activity_iri, actor_iri, article_iri,
                         span_iri, topic_iri)

__all__ = ["ACT_CLASS", "ACTOR_CLASS", "SUBTYPE_CLASS", "extraction_graph",
           "extraction_triples", "clean_literal"]

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


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def clean_literal(text: str) -> str:
    """``text`` without characters that no RDF syntax can carry (NUL, lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: each becomes "?"
        text = text.encode("utf-8", "replace").decode("utf-8")
    return _CONTROL.sub("", text)


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


class _T:
    """The fixed terms the builder uses, made once as pyoxigraph terms."""

    _RDF, _RDFS, _XSD = PREFIXES["rdf"], PREFIXES["rdfs"], PREFIXES["xsd"]
    type = _n(_RDF + "type")
    label = _n(_RDFS + "label")
    alt_label = _n(PREFIXES["skos"] + "altLabel")
    identifier = _n(PREFIXES["dcterms"] + "identifier")
    title = _n(PREFIXES["dcterms"] + "title")
    source = _n(PREFIXES["dcterms"] + "source")
    url = _n(PREFIXES["schema"] + "url")
    member_of = _n(PREFIXES["org"] + "memberOf")
    generated_by = _n(PREFIXES["prov"] + "wasGeneratedBy")
    used = _n(PREFIXES["prov"] + "used")
    integer = _n(_XSD + "integer")
    date = _n(_XSD + "date")
    any_uri = _n(_XSD + "anyURI")
    wd = PREFIXES["wd"]
    dkg = {name: _n(DKG._NS + name) for name in (
        "Article", "Extraction", "Mention", "Topic", "published", "textLength", "contentHash",
        "dkgVersion", "model", "inArticle", "start", "end", "anchorOf", "sentence", "role",
        "isoCode", "wikidata", "evidence", "reportedIn", "agent", "via", "addressee",
        "involves", "about", "content", "respondsTo", "hasResponse", "quote", "date",
        "dateText", "place")}
    act_class = {k: _n(v) for k, v in ACT_CLASS.items()}
    subtype_class = {k: _n(v) for k, v in SUBTYPE_CLASS.items()}
    actor_class = {k: _n(v) for k, v in ACTOR_CLASS.items()}


def _lit(text: str) -> ox.Literal:
    return ox.Literal(clean_literal(text))


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(int(value)), datatype=_T.integer)


def extraction_triples(ex: Extraction, dkg_version: str) -> list[ox.Triple]:
    """The RDF triples of one article (article, provenance, actors, acts, spans), as
    pyoxigraph triples in a stable order, each once.

    A pure function of the extraction and the version: no clock, no randomness.
    """
    out: dict[ox.Triple, None] = {}
    art = ex.article
    builder = _Builder(art.id, out)
    a_iri = builder.article
    D = _T.dkg
    builder.add(a_iri, _T.type, D["Article"])
    builder.add(a_iri, _T.identifier, _lit(art.id))
    if art.title:
        builder.add(a_iri, _T.title, _lit(art.title))
    if art.source:
        builder.add(a_iri, _T.source, _lit(art.source))
    if art.url:
        builder.add(a_iri, _T.url, ox.Literal(clean_literal(art.url), datatype=_T.any_uri))
    if art.published:
        builder.add(a_iri, D["published"], ox.Literal(art.published, datatype=_T.date))
    builder.add(a_iri, D["textLength"], _int(len(art.text)))
    builder.add(a_iri, D["contentHash"], ox.Literal("sha256:" + art.sha256))
    run = _n(activity_iri(art.id))
    builder.add(a_iri, _T.generated_by, run)
    builder.add(run, _T.type, D["Extraction"])
    builder.add(run, _T.used, a_iri)
    builder.add(run, D["dkgVersion"], _lit(dkg_version))
    if ex.model:
        builder.add(run, D["model"], _lit(ex.model))
    for actor in ex.actors:
        builder.actor(actor)
    for act in ex.acts:
        builder.act(act)
    return list(out)


class _Builder:
    """Adds one article's triples to ``out`` (a dict used as an ordered set)."""

    def __init__(self, article_id: str, out: dict) -> None:
        self.article_id = article_id
        self.article = _n(article_iri(article_id))
        self.out = out
        self.actors: dict[str, ox.NamedNode] = {}
        self.spans: dict[tuple[int, int], ox.NamedNode] = {}

    def add(self, s, p, o) -> None:
        self.out[ox.Triple(s, p, o)] = None

    def actor_node(self, key: str) -> ox.NamedNode:
        node = self.actors.get(key)
        if node is None:
            node = self.actors[key] = _n(actor_iri(key))
        return node

    def span(self, span: Span) -> ox.NamedNode:
        node = self.spans.get((span.start, span.end))
        if node is not None:
            return node
        D = _T.dkg
        node = self.spans[(span.start, span.end)] = _n(
            span_iri(self.article_id, span.start, span.end))
        self.add(node, _T.type, D["Mention"])
        self.add(node, D["inArticle"], self.article)
        self.add(node, D["start"], _int(span.start))
        self.add(node, D["end"], _int(span.end))
        self.add(node, D["anchorOf"], _lit(span.text))
        if span.sentence:
            self.add(node, D["sentence"], _lit(span.sentence))
        return node

    def actor(self, actor: Actor) -> None:
        D = _T.dkg
        node = self.actor_node(actor.key)
        self.add(node, _T.type, _T.actor_class.get(actor.kind, _T.actor_class["other"]))
        self.add(node, _T.label, _lit(actor.label))
        for alias in actor.aliases:
            if alias != actor.label:
                self.add(node, _T.alt_label, _lit(alias))
        if actor.member_of:
            self.add(node, _T.member_of, self.actor_node(actor.member_of))
        if actor.role:
            self.add(node, D["role"], _lit(actor.role))
        if actor.iso:
            self.add(node, D["isoCode"], _lit(actor.iso))
        if actor.wikidata:
            self.add(node, D["wikidata"], _n(_T.wd + actor.wikidata))
        for span in actor.mentions:
            self.add(node, D["evidence"], self.span(span))

    def act(self, act: Act) -> None:
        D = _T.dkg
        node = _n(act_iri(self.article_id, act.key))
        self.add(node, _T.type, _T.act_class[act.type])
        if act.subtype in _T.subtype_class:
            self.add(node, _T.type, _T.subtype_class[act.subtype])
        self.add(node, D["reportedIn"], self.article)
        self.add(node, D["agent"], self.actor_node(act.agent))
        if act.via:
            self.add(node, D["via"], self.actor_node(act.via))
        if act.addressee:
            self.add(node, D["addressee"], self.actor_node(act.addressee))
        for person in act.participants:
            self.add(node, D["involves"], self.actor_node(person))
        if act.topic:
            t_iri = _n(topic_iri(self.article_id, act.topic))
            self.add(t_iri, _T.type, D["Topic"])
            self.add(t_iri, _T.label, _lit(act.topic))
            self.add(node, D["about"], t_iri)
        if act.content:
            self.add(node, D["content"], _lit(act.content))
        if act.responds_to:
            other = _n(act_iri(self.article_id, act.responds_to))
            self.add(node, D["respondsTo"], other)
            self.add(other, D["hasResponse"], node)
        if act.quote:
            self.add(node, D["quote"], _lit(act.quote))
        if act.date:
            self.add(node, D["date"], ox.Literal(act.date, datatype=_T.date))
        if act.date_text:
            self.add(node, D["dateText"], _lit(act.date_text))
        if act.place:
            self.add(node, D["place"], _lit(act.place))
        gist = act.content or (act.evidence[0].text if act.evidence else "")
        self.add(node, _T.label, _lit(f"{act.type}: {gist}"[:200]))
        for span in act.evidence:
            self.add(node, D["evidence"], self.span(span))


_XSD_STRING = PREFIXES["xsd"] + "string"


def _rdflib_term(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == _XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(datatype))


def extraction_graph(ex: Extraction, dkg_version: str) -> Graph:
    """The triples of :func:`extraction_triples` as an rdflib graph, with dkg's prefixes bound."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True)
    for t in extraction_triples(ex, dkg_version):
        g.add((_rdflib_term(t.subject), _rdflib_term(t.predicate), _rdflib_term(t.object)))
    return g
