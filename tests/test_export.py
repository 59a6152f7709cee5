"""Tests of exporting the store: formats that parse back, a stable byte order, files."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDFS

import kg
from kg.build import extraction_graph
from kg.cli import cli
from kg.errors import StoreError
from kg.gold import gold_extraction, read_gold
from kg.model import Actor, Article, Extraction, Span
from kg.namespaces import ONTOLOGY_GRAPH, PREFIXES, actor_iri, graph_iri
from kg.read import read_text_file
from kg.resources import ontology_path
from kg.store import FORMATS, open_store

DATA = Path(__file__).resolve().parent / "data"
EXAMPLE_ID = "balloon-call-declined"
RDFLIB_FORMAT = {"turtle": "turtle", "trig": "trig", "nt": "nt", "nq": "nquads",
                 "jsonld": "json-ld"}
OX_FORMAT = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG,
             "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
             "jsonld": ox.RdfFormat.JSON_LD}


@pytest.fixture(scope="module")
def example_graph() -> Graph:
    """The graph of the example article (text + .json sidecar), built from its gold file."""
    article = read_text_file(DATA / f"{EXAMPLE_ID}.txt")
    assert article.published == "2023-02-07"  # the sidecar was read
    return extraction_graph(gold_extraction(read_gold(DATA / f"{EXAMPLE_ID}.yaml"), article),
                            "0.1.0")


def _small(article_id: str, text: str, *names: str) -> Graph:
    actors = tuple(Actor(f"state/{n.lower()}", n, "state",
                         mentions=(Span(text.index(n), text.index(n) + len(n), n),))
                   for n in names)
    return extraction_graph(Extraction(Article(article_id, text), actors, ()), "0.1.0")


@pytest.fixture
def store_dir(tmp_path, example_graph) -> Path:
    location = tmp_path / "store"
    with open_store(location) as st:
        st.put_article(EXAMPLE_ID, example_graph)
        st.put_article("a2", _small("a2", "China and Japan met.", "China", "Japan"))
        st.put_article("a3", _small("a3", "China spoke.", "China"))
    return location


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = (str(Path(kg.__file__).resolve().parent.parent) + os.pathsep
                         + env.get("PYTHONPATH", ""))
    return env


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_parses_back_to_the_example_graph(example_graph, fmt):
    with open_store(None, memory=True) as st:
        st.put_article(EXAMPLE_ID, example_graph)
        data = st.export(fmt)
    expected = set(example_graph)
    name = URIRef(str(graph_iri(EXAMPLE_ID)))

    parsed = Dataset()
    parsed.parse(data=data, format=RDFLIB_FORMAT[fmt])
    graph = parsed.graph(name) if fmt in ("trig", "nq", "jsonld") else parsed.default_graph
    assert set(graph) == expected

    quads = list(ox.parse(data, OX_FORMAT[fmt]))
    if fmt in ("trig", "nq", "jsonld"):
        assert {q.graph_name for q in quads} == {ox.NamedNode(str(name))}
    expected_ox = {f"{s.n3()} {p.n3()} {o.n3()}" for s, p, o in expected}
    assert {str(q.triple) for q in quads} == expected_ox


def test_export_turtle_is_byte_identical_across_stores_and_processes(tmp_path, example_graph,
                                                                       store_dir):
    other = tmp_path / "other"
    with open_store(other) as st:  # the same graphs, written in another order, one twice
        st.put_article("a3", _small("a3", "China spoke.", "China"))
        st.put_article("a2", _small("a2", "China and Japan met.", "China", "Japan"))
        st.put_article(EXAMPLE_ID, example_graph)
        st.put_article("a3", _small("a3", "China spoke.", "China"))
    with open_store(None, memory=True) as st:
        st.put_article("a2", _small("a2", "China and Japan met.", "China", "Japan"))
        st.put_article(EXAMPLE_ID, example_graph)
        st.put_article("a3", _small("a3", "China spoke.", "China"))
        in_memory = st.export("turtle")
    with open_store(store_dir, read_only=True) as a, open_store(other, read_only=True) as b:
        for fmt in FORMATS:
            assert a.export(fmt) == b.export(fmt), fmt
        first = a.export("turtle")
    assert in_memory == first
    for seed in ("1", "2"):
        out = subprocess.run([sys.executable, "-m", "kg", "export", "--store", str(other)],
                             env=dict(_env(), PYTHONHASHSEED=seed), capture_output=True,
                             check=True).stdout
        assert out == first


def test_export_declares_the_project_prefixes_in_order(store_dir):
    with open_store(store_dir, read_only=True) as st:
        lines = st.export("turtle").decode().splitlines()
    assert lines[:len(PREFIXES)] == [f"@prefix {p}: <{iri}> ." for p, iri in PREFIXES.items()]


def test_export_turtle_merges_graphs_trig_keeps_them(store_dir):
    china = f'{actor_iri("state/china").n3()} <{RDFS.label}> "China"'
    with open_store(store_dir, read_only=True) as st:
        nt = st.export("nt").decode()
        nq = st.export("nq").decode()
    assert nt.count(china + " .") == 1
    assert nq.count(china + " <") == 2


def test_export_one_article(store_dir):
    with open_store(store_dir, read_only=True) as st:
        g = Graph().parse(data=st.export("turtle", article="a3"), format="turtle")
        assert set(g) == set(_small("a3", "China spoke.", "China"))
        with pytest.raises(StoreError, match="no article 'nope'"):
            st.export("turtle", article="nope")


@pytest.mark.skipif(not ontology_path().is_file(), reason="no ontology file yet")
def test_export_with_ontology_is_stable_with_blank_nodes(tmp_path):
    exports = []
    for name in ("s1", "s2"):
        with open_store(tmp_path / name) as st:
            st.ensure_ontology()
            st.put_article("a3", _small("a3", "China spoke.", "China"))
            exports.append((st.export("trig"), st.export("trig", with_ontology=True)))
    assert exports[0] == exports[1]
    plain, full = exports[0]
    assert str(ONTOLOGY_GRAPH).encode() not in plain
    assert str(ONTOLOGY_GRAPH).encode() in full and b"_:" in full


def test_export_cli_writes_files_whole_and_reports_missing_directories(tmp_path, store_dir):
    runner = CliRunner()
    to_stdout = runner.invoke(cli, ["export", "--store", str(store_dir), "-f", "nq"])
    assert to_stdout.exit_code == 0, to_stdout.output
    target = tmp_path / "out" / "graph.nq"
    target.parent.mkdir()
    to_file = runner.invoke(cli, ["export", "--store", str(store_dir), "-f", "nq",
                                  "-o", str(target)])
    assert to_file.exit_code == 0 and to_file.stdout == ""
    assert target.read_bytes() == to_stdout.stdout_bytes
    assert [p.name for p in target.parent.iterdir()] == ["graph.nq"]

    missing = runner.invoke(cli, ["export", "--store", str(store_dir),
                                  "-o", str(tmp_path / "nowhere" / "graph.ttl")])
    assert missing.exit_code == 1
    assert missing.stderr == (f"Error: cannot write {tmp_path / 'nowhere' / 'graph.ttl'}: "
                              f"no directory {tmp_path / 'nowhere'}\n")

    no_store = runner.invoke(cli, ["export", "--store", str(tmp_path / "none")])
    assert no_store.exit_code == 1
    assert no_store.stderr == f"Error: no store at {tmp_path / 'none'}; build one with dkg build\n"
    assert not (tmp_path / "none").exists()


def test_export_literals_keep_their_text(tmp_path):
    g = Graph()
    tricky = 'He said "no" \\ then\nleft\t\u00e9\u4e2d \U0001F600'
    g.add((actor_iri("state/x"), RDFS.label, Literal(tricky)))
    with open_store(None, memory=True) as st:
        st.put_article("t", g)
        for fmt in FORMATS:
            back = Dataset(default_union=True).parse(data=st.export(fmt),
                                                     format=RDFLIB_FORMAT[fmt])
            assert Literal(tricky) in set(back.objects()), fmt
