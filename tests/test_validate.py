"""Tests of kg.validate and ``dkg validate``: shapes, reasoner, files and store."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, Dataset, Graph, Literal, URIRef

from kg.build import extraction_graph
from kg.cli import cli
from kg.errors import EXIT_VIOLATIONS, DkgError, InputError
from kg.gold import gold_extraction, read_gold
from kg.namespaces import DKG, ONTOLOGY_GRAPH, graph_iri
from kg.read import read_text_file
from kg.validate import (java_available, load_ontology, read_rdf_files, reason,
                         validate_graph)

DATA = Path(__file__).resolve().parent / "data"
ARTICLE = "https://w3id.org/dkg/article/"
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")

needs_java = pytest.mark.skipif(not java_available(), reason="no Java runtime for HermiT")

BAD_DECLINE = """\
@prefix dkg: <https://w3id.org/dkg/ontology#> .
<https://w3id.org/dkg/article/x> a dkg:Article ; dkg:textLength 40 .
<https://w3id.org/dkg/article/x/act/e2> a dkg:Decline ;
    dkg:reportedIn <https://w3id.org/dkg/article/x> ;
    dkg:content "a call between the defence chiefs" .
"""


@pytest.fixture(scope="module")
def example_graph() -> Graph:
    """The graph of the example article, built from its gold annotation."""
    article = read_text_file(DATA / "balloon-call-declined.txt")
    gold = read_gold(DATA / "balloon-call-declined.yaml")
    return extraction_graph(gold_extraction(gold, article), "0.1.0")


@pytest.fixture
def example_file(example_graph, tmp_path) -> Path:
    path = tmp_path / "example.ttl"
    example_graph.serialize(path, format="turtle")
    return path


@pytest.fixture
def bad_file(tmp_path) -> Path:
    path = tmp_path / "bad.ttl"
    path.write_text(BAD_DECLINE, encoding="utf-8")
    return path


def _mention(g: Graph, start: int, end: int, length: int = 40) -> URIRef:
    art = URIRef(ARTICLE + "x")
    node = URIRef(f"{ARTICLE}x/span/{start}-{end}")
    g.add((art, RDF.type, DKG.Article))
    g.add((art, DKG.textLength, Literal(length)))
    g.add((node, RDF.type, DKG.Mention))
    g.add((node, DKG.inArticle, art))
    g.add((node, DKG.start, Literal(start)))
    g.add((node, DKG.end, Literal(end)))
    return node


def _rules(report) -> set[str]:
    return {v.rule.split(" ")[0] for v in report.violations}


def test_validate_example_graph_conforms(example_graph):
    report = validate_graph(example_graph)
    assert report.conforms, report.text()
    assert report.violations == ()
    assert report.triples == len(example_graph)
    assert report.summary() == f"valid: {len(example_graph)} triples, 0 violations, reasoner not run"


def test_validate_bad_decline_names_node_and_rules(bad_file):
    report = validate_graph(read_rdf_files([bad_file]))
    assert not report.conforms
    assert _rules(report) == {"dkgsh:ActAgent", "dkgsh:ActEvidence", "dkgsh:ResponseRespondsTo"}
    assert {v.focus for v in report.violations} == {"article:x/act/e2"}
    text = report.text()
    assert "article:x/act/e2 dkg:agent: an act has exactly one dkg:agent" in text
    assert "a decline or accept dkg:respondsTo exactly one dkg:Request" in text
    assert text.splitlines()[-1] == "invalid: 5 triples, 3 violations, reasoner not run"


def test_validate_decline_responding_to_a_non_request(example_graph):
    g = Graph() + example_graph
    decline = URIRef(ARTICLE + "balloon-call-declined/act/e2")
    g.remove((decline, DKG.respondsTo, None))
    g.add((decline, DKG.respondsTo, URIRef(ARTICLE + "balloon-call-declined/act/e3")))
    report = validate_graph(g)
    assert [(v.focus, v.rule) for v in report.violations] == [
        ("article:balloon-call-declined/act/e2", "dkgsh:ResponseRespondsTo (Class)")]


def test_validate_two_agents_violate(example_graph):
    g = Graph() + example_graph
    g.add((URIRef(ARTICLE + "balloon-call-declined/act/e2"), DKG.agent,
           URIRef("https://w3id.org/dkg/actor/gold/balloon-call-declined/usa")))
    assert _rules(validate_graph(g)) == {"dkgsh:ActAgent"}


def test_validate_mention_offsets_out_of_order():
    g = Graph()
    _mention(g, 12, 5)
    report = validate_graph(g)
    assert [(v.focus, v.rule) for v in report.violations] == [
        ("article:x/span/12-5", "dkgsh:MentionOrder (LessThan)")]


def test_validate_mention_negative_start():
    g = Graph()
    _mention(g, -1, 5)
    assert _rules(validate_graph(g)) == {"dkgsh:MentionStart"}


def test_validate_mention_past_end_of_text():
    g = Graph()
    _mention(g, 30, 41)
    (v,) = validate_graph(g).violations
    assert (v.focus, v.value) == ("article:x", "article:x/span/30-41")
    assert v.message == "a mention ends at 41, after the end of the article's text (40 characters)"


def test_validate_mention_at_end_of_text_conforms():
    g = Graph()
    _mention(g, 0, 40)
    assert validate_graph(g).conforms


def test_validate_date_must_be_xsd_date(example_graph):
    g = Graph() + example_graph
    act = URIRef(ARTICLE + "balloon-call-declined/act/e1")
    g.add((act, DKG.date, Literal("Saturday")))
    g.add((act, DKG.date, Literal("2023-02-31", datatype=XSD_DATE)))
    report = validate_graph(g)
    assert [(v.rule, v.value) for v in report.violations] == [
        ("dkgsh:DateValue (Datatype)", '"2023-02-31"^^xsd:date'),
        ("dkgsh:DateValue (Datatype)", '"Saturday"')]


def test_validate_actor_needs_label():
    g = Graph()
    g.add((URIRef("https://w3id.org/dkg/actor/state/CHN"), RDF.type, DKG.State))
    (v,) = validate_graph(g).violations
    assert (v.focus, v.rule) == ("actor:state/CHN", "dkgsh:ActorLabel (MinCount)")


def test_validate_dataset_leaves_out_the_ontology_graph(example_graph):
    ds = Dataset()
    onto = ds.graph(ONTOLOGY_GRAPH)
    onto += load_ontology()
    art = ds.graph(graph_iri("balloon-call-declined"))
    art += example_graph
    report = validate_graph(ds)
    assert report.conforms
    assert report.triples == len(example_graph)


@pytest.mark.parametrize("fmt,suffix", [("trig", ".trig"), ("nquads", ".nq"),
                                         ("nt", ".nt"), ("json-ld", ".jsonld")])
def test_validate_reads_each_rdf_format(example_graph, tmp_path, fmt, suffix):
    ds = Dataset()
    ds.graph(graph_iri("balloon-call-declined")).__iadd__(example_graph)
    path = tmp_path / f"example{suffix}"
    (ds if fmt in ("trig", "nquads", "json-ld") else example_graph).serialize(path, format=fmt)
    report = validate_graph(read_rdf_files([path]))
    assert report.conforms and report.triples == len(example_graph)


def test_validate_read_bad_file_is_input_error(tmp_path):
    path = tmp_path / "broken.ttl"
    path.write_text("this is not turtle <", encoding="utf-8")
    with pytest.raises(InputError, match=r"broken.ttl: cannot parse as Turtle: at line 1"):
        read_rdf_files([path])
    with pytest.raises(InputError, match="unknown RDF file extension"):
        read_rdf_files([tmp_path / "graph.csv"])
    with pytest.raises(InputError, match="no such file"):
        read_rdf_files([tmp_path / "missing.ttl"])


@needs_java
def test_validate_reason_example_consistent(example_graph):
    result = reason(example_graph)
    assert result.consistent and result.ok
    assert result.seconds > 0


def test_validate_reason_without_java_is_one_clear_error(example_graph, monkeypatch):
    import owlready2

    monkeypatch.setattr(owlready2, "JAVA_EXE", "/nonexistent/java-runtime")
    with pytest.raises(DkgError, match="needs a Java runtime: apt-get install default-jre-headless"):
        reason(example_graph)


# the command


@needs_java
def test_validate_cli_file_passes_on_example(example_file):
    result = CliRunner().invoke(cli, ["validate", str(example_file)])
    assert result.exit_code == 0, result.output
    n = len(Graph().parse(example_file))
    assert result.output == f"valid: {n} triples, 0 violations, ontology consistent\n"


def test_validate_cli_no_reasoner(example_file):
    result = CliRunner().invoke(cli, ["validate", "--no-reasoner", str(example_file)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("valid: ") and result.output.endswith("reasoner not run\n")


def test_validate_cli_fails_on_bad_decline(bad_file):
    result = CliRunner().invoke(cli, ["validate", "--no-reasoner", str(bad_file)])
    assert result.exit_code == EXIT_VIOLATIONS == 3
    lines = result.stdout.splitlines()
    assert lines[-1] == "invalid: 5 triples, 3 violations, reasoner not run"
    assert all(line.startswith("article:x/act/e2 ") for line in lines[:-1])
    assert any("[dkgsh:ActEvidence (MinCount)]" in line for line in lines)


@needs_java
def test_validate_cli_reports_inconsistency(example_file, tmp_path):
    g = Graph().parse(example_file)
    g.add((URIRef(ARTICLE + "balloon-call-declined/act/e2"), RDF.type, DKG.Accept))
    path = tmp_path / "both.nt"
    g.serialize(path, format="nt")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 3
    assert "reasoner: ontology and data inconsistent" in result.stdout
    assert ("article:balloon-call-declined/act/e2 is both dkg:Accept and dkg:Decline, "
            "which are disjoint") in result.stdout


def test_validate_cli_bad_file_one_line(tmp_path):
    path = tmp_path / "broken.ttl"
    path.write_text("@prefix : <urn:x#> .\n:a :b", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"Error: {path}: cannot parse as Turtle:")


def test_validate_cli_without_java_says_how_to_fix(example_file, monkeypatch):
    import owlready2

    monkeypatch.setattr(owlready2, "JAVA_EXE", "/nonexistent/java-runtime")
    result = CliRunner().invoke(cli, ["validate", str(example_file)])
    assert result.exit_code == 1
    assert result.stderr == ("Error: the OWL reasoner needs a Java runtime: apt-get install "
                             "default-jre-headless (or skip the reasoner with --no-reasoner)\n")
    result = CliRunner().invoke(cli, ["validate", "--no-reasoner", str(example_file)])
    assert result.exit_code == 0


def test_validate_cli_store_and_files_are_exclusive(example_file, tmp_path):
    result = CliRunner().invoke(cli, ["validate", "--store", str(tmp_path), str(example_file)])
    assert result.exit_code == 2
    assert "either --store or FILE" in result.stderr


@pytest.mark.skipif(importlib.util.find_spec("kg.store") is None,
                    reason="kg.store (the store module) is not in the tree yet")
@pytest.mark.parametrize("reasoner", [False, pytest.param(True, marks=needs_java)])
def test_validate_cli_store(example_graph, tmp_path, reasoner):
    from kg.store import open_store

    store = tmp_path / "store"
    with open_store(store) as st:
        st.ensure_ontology()
        st.put_article("balloon-call-declined", example_graph)
        n = len(Graph().parse(data=st.export("nt"), format="nt"))
    args = ["validate", "--store", str(store)] + ([] if reasoner else ["--no-reasoner"])
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    tail = "ontology consistent" if reasoner else "reasoner not run"
    assert result.output == f"valid: {n} triples, 0 violations, {tail}\n"


def test_validate_cli_missing_store_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["validate", "--store", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("Error: ")
