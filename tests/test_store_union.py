"""Tests of the union of the graphs an embedded store keeps in its default graph."""
from __future__ import annotations

import pyoxigraph as ox

from kg.namespaces import PREFIXES, actor_iri, graph_iri
from kg.store import has_merged_default_graph, open_store

RDFS_LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
CHINA = ox.NamedNode(str(actor_iri("state/CHN")))
JAPAN = ox.NamedNode(str(actor_iri("state/JPN")))
LABELS = "SELECT ?a ?l WHERE { ?a rdfs:label ?l }"


def _triples(*actors: tuple[ox.NamedNode, str]) -> list[ox.Triple]:
    return [ox.Triple(node, RDFS_LABEL, ox.Literal(label)) for node, label in actors]


def _labels(st, node) -> list[str]:
    return sorted(row["l"].value for row in st.query(LABELS, {"a": node}))


def test_store_union_matches_a_shared_triple_once(tmp_path):
    with open_store(tmp_path / "s") as st:
        for art in ("a1", "a2", "a3"):
            st.put_article(art, _triples((CHINA, "China")))
        assert _labels(st, CHINA) == ["China"]
        rows = list(st.query("SELECT (COUNT(*) AS ?n) WHERE { ?a rdfs:label ?l }"))
        assert rows[0]["n"].value == "1"
        # each article still has its own graph
        counts = st.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        assert {r["g"].value: r["n"].value for r in counts} == {
            str(graph_iri(a)): "1" for a in ("a1", "a2", "a3")}


def test_store_union_keeps_a_triple_another_article_holds(tmp_path):
    with open_store(tmp_path / "s") as st:
        st.put_article("a1", _triples((CHINA, "China"), (JAPAN, "Japan")))
        st.put_article("a2", _triples((CHINA, "China")))
        st.put_article("a1", _triples((JAPAN, "Nippon")))
        assert _labels(st, CHINA) == ["China"]  # a2 still says so
        assert _labels(st, JAPAN) == ["Nippon"]  # no article says "Japan" any more
        st.put_article("a2", [])
        assert _labels(st, CHINA) == []


def test_store_union_of_an_older_store_is_made_at_its_first_write(tmp_path):
    location = tmp_path / "s"
    location.mkdir()
    raw = ox.Store(str(location))  # as a store was built before the union was kept
    for art in ("a1", "a2"):
        raw.extend([ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(str(graph_iri(art))))
                    for t in _triples((CHINA, "China"))])
    raw.flush()
    del raw
    with open_store(location, read_only=True) as reader:  # read through Oxigraph's union
        assert _labels(reader, CHINA) == ["China", "China"]
    with open_store(location) as st:
        st.put_article("a3", _triples((JAPAN, "Japan")))
        assert has_merged_default_graph(st._inner())
        assert _labels(st, CHINA) == ["China"]
        assert st.article_ids() == []  # no dcterms:identifier in these graphs


def test_store_bulk_load_keeps_graphs_and_the_union(tmp_path):
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(str(graph_iri(art))))
             for art in ("a1", "a2") for t in _triples((CHINA, "China"))]
    dump = tmp_path / "dump.nq"
    dump.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    with open_store(tmp_path / "s") as st:
        st.bulk_load(dump)
        assert _labels(st, CHINA) == ["China"]
        assert len(st.export("nq")) > 0
        assert sorted(st.export("nq").decode().splitlines()) == sorted(
            ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode().splitlines())
