"""Tests of the ontology (dkg.ttl), its shapes, the reasoner's verdict on it, and its reference doc."""
from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef

from kg.build import ACT_CLASS, ACTOR_CLASS, SUBTYPE_CLASS
from kg.model import ACT_TYPES
from kg.namespaces import DKG
from kg.ontology_doc import render_reference
from kg.validate import java_available, load_ontology, load_shapes, reason

ROOT = Path(__file__).resolve().parent.parent
SH = "http://www.w3.org/ns/shacl#"
NS = str(DKG._NS)
XSD_DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")

#: Goldstein scores of the CAMEO root codes the act classes name
#: (from the cameo-codes.csv table of the icews R package).
CAMEO_ROOT_GOLDSTEIN = {
    "01": Decimal("0"), "02": Decimal("3"), "03": Decimal("4"), "04": Decimal("1"),
    "08": Decimal("5"), "10": Decimal("-5"), "11": Decimal("-2"), "12": Decimal("-4"),
    "13": Decimal("-6"), "14": Decimal("-6.5"), "15": Decimal("-7.2"), "19": Decimal("-10"),
}

needs_java = pytest.mark.skipif(not java_available(), reason="no Java runtime for HermiT")


@pytest.fixture(scope="module")
def onto() -> Graph:
    return load_ontology()


def _defined(onto: Graph) -> set[URIRef]:
    return {s for s in onto.subjects(RDF.type, None)
            if isinstance(s, URIRef) and str(s).startswith(NS)}


def _dkg_terms() -> set[URIRef]:
    return {DKG[name] for name in DKG.__annotations__}


def test_ontology_header(onto):
    iri = URIRef("https://w3id.org/dkg/ontology")
    assert (iri, RDF.type, OWL.Ontology) in onto
    assert onto.value(iri, OWL.versionInfo) == Literal("0.1.0")
    sources = {str(s) for s in onto.objects(iri, URIRef("http://purl.org/dc/terms/source"))}
    assert {"https://github.com/andybega/icews", "https://github.com/openeventdata/PLOVER"} <= sources
    assert "PLOVER" in str(onto.value(iri, RDFS.comment))


def test_ontology_defines_every_namespace_term_with_label_and_definition(onto):
    defined = _defined(onto)
    missing = _dkg_terms() - defined
    assert not missing, f"terms of DKG not in dkg.ttl: {sorted(missing)}"
    for term in _dkg_terms():
        assert onto.value(term, RDFS.label) is not None, f"{term} has no rdfs:label"
        assert onto.value(term, SKOS.definition) is not None, f"{term} has no skos:definition"


def test_ontology_defines_only_namespace_terms(onto):
    extra = _defined(onto) - _dkg_terms()
    assert not extra, f"terms of dkg.ttl missing from kg.namespaces.DKG: {sorted(extra)}"


def test_ontology_each_property_has_one_kind(onto):
    kinds = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    for term in _defined(onto):
        types = set(onto.objects(term, RDF.type))
        n = len(types & set(kinds))
        assert n == (0 if OWL.Class in types else 1), f"{term}: {sorted(types)}"


def test_ontology_builder_classes_are_defined(onto):
    for cls in {*ACT_CLASS.values(), *SUBTYPE_CLASS.values(), *ACTOR_CLASS.values()}:
        assert (cls, RDF.type, OWL.Class) in onto


@pytest.mark.parametrize("act_type", ACT_TYPES)
def test_ontology_act_type_found_by_notation(onto, act_type):
    rows = list(onto.query("SELECT ?cls WHERE { ?cls skos:notation ?type }",
                           initNs={"skos": SKOS}, initBindings={"type": Literal(act_type)}))
    assert [row.cls for row in rows] == [ACT_CLASS[act_type]]
    cls = ACT_CLASS[act_type]
    assert list(onto.objects(cls, DKG.ploverType)), f"{act_type}: no PLOVER type"
    codes = {str(c) for c in onto.objects(cls, DKG.cameoCode)}
    assert codes and codes <= set(CAMEO_ROOT_GOLDSTEIN), f"{act_type}: CAMEO codes {codes}"
    weights = list(onto.objects(cls, DKG.goldstein))
    assert len(weights) == 1 and weights[0].datatype == XSD_DECIMAL
    assert weights[0].toPython() in {CAMEO_ROOT_GOLDSTEIN[c] for c in codes}


def test_ontology_only_act_types_carry_notation(onto):
    notations = {str(o): s for s, o in onto.subject_objects(SKOS.notation)}
    assert notations == {t: ACT_CLASS[t] for t in ACT_TYPES}


def test_ontology_plover_types_match_format(onto):
    expected = {"request": {"REQUEST"}, "decline": {"REJECT"}, "accept": {"AGREE"},
                "protest": {"PROTEST"}, "accusation": {"ACCUSE"}, "threat": {"THREATEN"},
                "action": {"ASSAULT", "MOBILIZE", "CONSULT"}}
    for act_type, types in expected.items():
        assert {str(p) for p in onto.objects(ACT_CLASS[act_type], DKG.ploverType)} == types


def test_ontology_act_hierarchy(onto):
    supers = {c: {p for p in onto.objects(c, RDFS.subClassOf) if isinstance(p, URIRef)}
              for c in _defined(onto)}
    for name in ("Claim", "Protest", "Accusation", "Threat", "Denial", "Commitment"):
        assert supers[DKG[name]] == {DKG.Statement}
    for name in ("Decline", "Accept"):
        assert supers[DKG[name]] == {DKG.Response}
    for name in ("UseOfForce", "Movement", "Recovery", "Meeting"):
        assert supers[DKG[name]] == {DKG.Action}
    for name in ("Statement", "Request", "Response", "Action"):
        assert supers[DKG[name]] == {DKG.Act}
    for name in ("State", "GovernmentBody", "Organisation", "Person", "MediaOutlet",
                 "OfficialsGroup"):
        assert supers[DKG[name]] == {DKG.Actor}
    assert supers[DKG.Act] == set()


def test_ontology_decline_responds_to_some_request(onto):
    found = [r for r in onto.objects(DKG.Decline, RDFS.subClassOf)
             if onto.value(r, OWL.onProperty) == DKG.respondsTo
             and onto.value(r, OWL.someValuesFrom) == DKG.Request]
    assert len(found) == 1
    assert (DKG.respondsTo, OWL.inverseOf, DKG.hasResponse) in onto
    assert (DKG.Decline, OWL.disjointWith, DKG.Accept) in onto


def test_ontology_shapes_target_every_act_and_actor_class():
    shapes = load_shapes()
    targets = set(shapes.objects(None, URIRef(SH + "targetClass")))
    assert {*ACT_CLASS.values(), *SUBTYPE_CLASS.values(), *ACTOR_CLASS.values()} <= targets


@needs_java
def test_ontology_hermit_finds_it_consistent(onto):
    started = time.perf_counter()
    result = reason(Graph(), ontology=onto)
    assert result.consistent
    assert result.unsatisfiable == ()
    assert time.perf_counter() - started < 60


@needs_java
def test_ontology_decline_and_accept_together_inconsistent(onto):
    data = Graph()
    act = URIRef("https://w3id.org/dkg/article/x/act/e1")
    data.add((act, RDF.type, DKG.Decline))
    data.add((act, RDF.type, DKG.Accept))
    result = reason(data, ontology=onto)
    assert not result.consistent
    assert result.clashes == ("article:x/act/e1 is both dkg:Accept and dkg:Decline, "
                              "which are disjoint",)


@needs_java
def test_ontology_actor_that_is_an_act_inconsistent(onto):
    data = Graph()
    node = URIRef("https://w3id.org/dkg/actor/state/CHN")
    data.add((node, RDF.type, DKG.State))
    data.add((node, RDF.type, DKG.Request))
    assert not reason(data, ontology=onto).consistent


def test_ontology_reference_doc_in_step(onto):
    doc = (ROOT / "docs" / "ontology.md").read_text(encoding="utf-8")
    assert doc == render_reference(onto), "run: python -m kg.ontology_doc > docs/ontology.md"


def test_ontology_reference_doc_names_every_term(onto):
    text = render_reference(onto)
    for term in _dkg_terms():
        assert f"dkg:{str(term)[len(NS):]}`" in text
