"""The IRIs of dkg: its ontology terms and how its resources are named."""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

__all__ = ["BASE", "DKG", "ORG", "PROV", "SCHEMA", "NIF", "WD", "PREFIXES",
           "ONTOLOGY_GRAPH", "slug", "actor_iri", "article_iri", "graph_iri", "act_iri",
           "span_iri", "topic_iri", "activity_iri"]

BASE = "https://w3id.org/dkg/"


class DKG(DefinedNamespace):
    """The dkg ontology (``ontology/dkg.ttl``); an unknown term is an error."""

    _fail = True
    _NS = Namespace(BASE + "ontology#")

    # actors
    Actor: URIRef
    State: URIRef
    GovernmentBody: URIRef
    Organisation: URIRef
    Person: URIRef
    MediaOutlet: URIRef
    OfficialsGroup: URIRef
    # text
    Article: URIRef
    Mention: URIRef
    Topic: URIRef
    # acts
    Act: URIRef
    Statement: URIRef
    Claim: URIRef
    Protest: URIRef
    Accusation: URIRef
    Threat: URIRef
    Denial: URIRef
    Commitment: URIRef
    Request: URIRef
    Response: URIRef
    Decline: URIRef
    Accept: URIRef
    Action: URIRef
    UseOfForce: URIRef
    Movement: URIRef
    Recovery: URIRef
    Meeting: URIRef
    Extraction: URIRef
    # act properties
    agent: URIRef
    via: URIRef
    addressee: URIRef
    about: URIRef
    content: URIRef
    involves: URIRef
    respondsTo: URIRef
    hasResponse: URIRef
    quote: URIRef
    date: URIRef
    dateText: URIRef
    place: URIRef
    reportedIn: URIRef
    # evidence
    evidence: URIRef
    inArticle: URIRef
    start: URIRef
    end: URIRef
    anchorOf: URIRef
    sentence: URIRef
    # actors
    role: URIRef
    isoCode: URIRef
    wikidata: URIRef
    # article and provenance
    text: URIRef
    textLength: URIRef
    contentHash: URIRef
    published: URIRef
    dkgVersion: URIRef
    model: URIRef
    # alignment annotations on act classes
    ploverType: URIRef
    cameoCode: URIRef
    goldstein: URIRef


ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SCHEMA = Namespace("https://schema.org/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
WD = Namespace("http://www.wikidata.org/entity/")

#: Prefixes used in every export and query header.
PREFIXES = {
    "dkg": str(DKG._NS),
    "actor": BASE + "actor/",
    "article": BASE + "article/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "org": str(ORG),
    "prov": str(PROV),
    "schema": str(SCHEMA),
    "wd": str(WD),
}

ONTOLOGY_GRAPH = URIRef(BASE + "graph/ontology")


def slug(text: str) -> str:
    """A lower-case ASCII slug of ``text`` (``"Jane Roe"`` -> ``"jane-roe"``).

    >>> slug("Ministry of Foreign Affairs (China)")
    'ministry-of-foreign-affairs-china'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return s[:80] or "x"


def _safe(part: str) -> str:
    """Percent-encode anything that is not safe in an IRI path segment.

    Lone surrogates (from file names that are not UTF-8) are encoded as their
    bytes, so every string gives a valid IRI. A final dot is encoded too: rdflib
    cannot read the Turtle name (``article:v1\\.``) that would end with it.
    """
    safe = quote(part.encode("utf-8", "surrogatepass"), safe="-._~/")
    return safe[:-1] + "%2E" if safe.endswith(".") else safe


def actor_iri(key: str) -> URIRef:
    """IRI of the actor with this key (shared across articles)."""
    return URIRef(BASE + "actor/" + _safe(key))


def article_iri(article_id: str) -> URIRef:
    """IRI of an article."""
    return URIRef(BASE + "article/" + _safe(article_id.replace("/", "_")))


def graph_iri(article_id: str) -> URIRef:
    """IRI of the named graph holding one article's facts."""
    return URIRef(BASE + "graph/" + _safe(article_id.replace("/", "_")))


def act_iri(article_id: str, key: str) -> URIRef:
    """IRI of an act of an article."""
    return URIRef(f"{article_iri(article_id)}/act/{_safe(key)}")


def span_iri(article_id: str, start: int, end: int) -> URIRef:
    """IRI of a text span of an article."""
    return URIRef(f"{article_iri(article_id)}/span/{start}-{end}")


def topic_iri(article_id: str, text: str) -> URIRef:
    """IRI of a topic (``"the balloon"``) within an article."""
    return URIRef(f"{article_iri(article_id)}/topic/{slug(text)}")


def activity_iri(article_id: str) -> URIRef:
    """IRI of the extraction run that produced an article's graph."""
    return URIRef(f"{article_iri(article_id)}/extraction")
