"""Tests of writing several articles at a time: Store.put_articles and ingest's writer."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

import kg.ingest as ingest_module
from kg.errors import InputError, StoreError
from kg.ingest import ingest
from kg.model import Article, Extraction
from kg.namespaces import ONTOLOGY_GRAPH, PREFIXES, actor_iri, graph_iri
from kg.store import open_store

RDFS_LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
NOTE = ox.NamedNode("http://example.org/note")
CHINA = ox.NamedNode(str(actor_iri("state/CHN")))
JAPAN = ox.NamedNode(str(actor_iri("state/JPN")))
LABELS = "SELECT ?a ?l WHERE { ?a rdfs:label ?l } ORDER BY ?a ?l"
#: Literals that N-Quads must escape, and some that it need not.
AWKWARD = ['say "no"', "back\\slash", "two\nlines\ttab\r", "caf\u00e9 \u4e2d\u56fd \U0001F600",
           "", " ", "<not an iri>", "_:b0", "'single'", "end with a backslash \\"]


def _labels(*actors: tuple[ox.NamedNode, str]) -> list[ox.Triple]:
    return [ox.Triple(node, RDFS_LABEL, ox.Literal(label)) for node, label in actors]


def _article(i: int) -> list[ox.Triple]:
    node = ox.NamedNode(f"http://example.org/act/{i}")
    return _labels((CHINA, "China"), (node, f"act {i}")) + [
        ox.Triple(node, NOTE, ox.Literal(AWKWARD[i % len(AWKWARD)])),
        ox.Triple(node, NOTE, ox.Literal(str(i), datatype=ox.NamedNode(PREFIXES["xsd"]
                                                                        + "integer"))),
        ox.Triple(node, NOTE, ox.Literal("hello", language="en-GB"))]


def _state(st) -> tuple[bytes, list]:
    rows = [(r["a"].value, r["l"].value) for r in st.query(LABELS)]
    return st.export("nq", with_ontology=True), rows


@pytest.mark.parametrize("memory", [True, False])
def test_put_articles_gives_the_store_put_article_gives(tmp_path, memory):
    articles = [(f"a{i}", _article(i)) for i in range(12)]
    states = []
    for name, write in (("one", lambda st: [st.put_article(a, g) for a, g in articles]),
                        ("all", lambda st: st.put_articles(articles))):
        with open_store(None if memory else tmp_path / name, memory=memory) as st:
            assert write(st) == [True] * len(articles)
            states.append(_state(st))
            # each literal is stored as given, once in the union
            got = {q.object for q in st._inner().quads_for_pattern(None, NOTE, None,
                                                                   ox.DefaultGraph())}
            assert {ox.Literal(text) for text in AWKWARD} <= got
    assert states[0] == states[1]
    raw = ox.Store()  # the graphs as given, quad by quad
    raw.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(str(graph_iri(a))))
               for a, g in articles for t in g)
    with open_store(None, memory=True) as st:
        st.put_articles(articles)
        assert sorted(map(str, st._quads_of(None))) == sorted(map(str, raw))


def test_put_articles_says_which_changed_and_keeps_the_union(tmp_path):
    with open_store(tmp_path / "s") as st:
        assert st.put_articles([("a1", _labels((CHINA, "China"), (JAPAN, "Japan"))),
                                ("a2", _labels((CHINA, "China")))]) == [True, True]
        changed = st.put_articles([("a1", _labels((JAPAN, "Nippon"))),  # replaced
                                   ("a2", _labels((CHINA, "China"))),  # unchanged
                                   ("a3", _labels((JAPAN, "Nippon"))),  # new
                                   ("a4", [])])  # new and empty: nothing to write
        assert changed == [True, False, True, False]
        rows = [(r["a"].value, r["l"].value) for r in st.query(LABELS)]
        assert rows == [(CHINA.value, "China"), (JAPAN.value, "Nippon")]
        assert st.put_articles([("a2", []), ("a3", [])]) == [True, True]
        rows = [(r["a"].value, r["l"].value) for r in st.query(LABELS)]
        assert rows == [(JAPAN.value, "Nippon")]  # a1 still says so


def test_put_articles_the_same_id_twice_keeps_the_later(tmp_path):
    with open_store(tmp_path / "s") as st:
        assert st.put_articles([("a1", _labels((CHINA, "China"))),
                                ("a1", _labels((CHINA, "PRC")))]) == [True, True]
        assert [r["l"].value for r in st.query(LABELS)] == ["PRC"]
        assert len(st._quads_of([ox.NamedNode(str(graph_iri("a1")))])) == 1


def test_put_articles_with_a_reserved_id_writes_nothing(tmp_path):
    reserved = str(ONTOLOGY_GRAPH).rsplit("/", 1)[-1]
    assert graph_iri(reserved) == ONTOLOGY_GRAPH
    with open_store(tmp_path / "s") as st:
        with pytest.raises(InputError, match="reserved"):
            st.put_articles([("a1", _labels((CHINA, "China"))), (reserved, [])])
        assert list(st.query(LABELS)) == []


def test_put_articles_with_blank_nodes(tmp_path):
    g = rdflib.Graph()
    node = rdflib.BNode("n1")
    g.add((rdflib.URIRef(CHINA.value), rdflib.URIRef(NOTE.value), node))
    g.add((node, rdflib.URIRef(RDFS_LABEL.value), rdflib.Literal("a note")))
    with open_store(tmp_path / "s") as st:
        assert st.put_articles([("a1", g), ("a2", _labels((CHINA, "China")))]) == [True, True]
        rows = list(st.query("SELECT ?l WHERE { ?a <%s> ?n . ?n rdfs:label ?l }" % NOTE.value))
        assert [r["l"].value for r in rows] == ["a note"]
        assert st.put_articles([("a1", g)]) == [False]


# ----------------------------------------------------------------------------- ingest


def _fake_extract(articles, *, model=None, n_process=1, batch_size=8):
    for article in articles:
        yield Extraction(article, (), (), "fake 1")


def test_ingest_writes_every_article_in_order_and_reports_each(monkeypatch):
    monkeypatch.setattr(ingest_module, "extract_articles", _fake_extract)
    monkeypatch.setattr(ingest_module, "load_nlp", lambda model: None)
    monkeypatch.setattr(ingest_module, "model_id", lambda nlp: "fake 1")
    articles = [Article(f"a{i:03d}", f"text {i}\n") for i in range(100)]
    seen = []
    with open_store(None, memory=True) as st:
        report = ingest(articles, st, progress=lambda status, what: seen.append((status, what)))
        assert (report.built, report.failed) == (100, 0)
        assert seen == [("built", a.id) for a in articles]
        assert st.article_ids() == [a.id for a in articles]
        again = ingest(articles, st)
        assert (again.built, again.unchanged) == (0, 100)


def test_ingest_store_error_in_the_writer_is_raised(monkeypatch):
    monkeypatch.setattr(ingest_module, "extract_articles", _fake_extract)
    monkeypatch.setattr(ingest_module, "load_nlp", lambda model: None)
    monkeypatch.setattr(ingest_module, "model_id", lambda nlp: "fake 1")
    articles = [Article(f"a{i:03d}", f"text {i}\n") for i in range(100)]
    with open_store(None, memory=True) as st:
        calls = []

        def broken(items):
            calls.append(len(items))
            raise StoreError("the disk is full")

        monkeypatch.setattr(st, "put_articles", broken)
        with pytest.raises(StoreError, match="the disk is full"):
            ingest(articles, st)
        assert len(calls) == 1  # nothing more was written after the error


def test_provenance_answers_as_is_current_does(tmp_path):
    from kg import __version__
    from kg.build import extraction_triples
    from kg.namespaces import article_iri

    articles = [Article(f"a{i}", f"text {i}\n") for i in range(3)]
    with open_store(tmp_path / "s") as st:
        st.put_articles([(a.id, extraction_triples(Extraction(a, (), (), "m 1"), __version__))
                         for a in articles])
        found = st.provenance()
        for a in articles + [Article("a0", "changed\n"), Article("new", "text\n")]:
            for version, model in ((__version__, "m 1"), ("0.0.0", "m 1"), (__version__, "m 2")):
                key = (str(article_iri(a.id)), "sha256:" + a.sha256, version, model)
                assert (key in found.get(str(graph_iri(a.id)), ())) == st.is_current(
                    a.id, a.sha256, version, model)
        assert st.is_current("a1", articles[1].sha256, __version__, "m 1")


def test_extract_stream_gives_the_parser_texts_and_pairs_each_document_with_its_article(
        monkeypatch):
    from kg.extract import pipeline
    from kg.model import Article

    class Doc:
        def __init__(self, text):
            self.user_data = {pipeline.RESULT_KEY: text.upper()}

    class FakeNlp:
        def __init__(self):
            self.calls = []

        def pipe(self, items, *, as_tuples=False, n_process=1, batch_size=None):
            self.calls.append((as_tuples, n_process))
            for item in items:
                yield Doc(item)

    monkeypatch.setattr(pipeline, "model_id", lambda nlp: "fake 1")
    monkeypatch.setattr(pipeline, "records_from_result",
                        lambda result, article, model: (result, article.id))
    nlp = FakeNlp()
    articles = [Article(f"a{i}", f"text {i}") for i in range(40)]
    assert list(pipeline.extract_stream(nlp, iter(articles), n_process=2, batch_size=16)) == [
        (f"TEXT {i}", f"a{i}") for i in range(40)]
    assert list(pipeline.extract_stream(nlp, iter(articles), n_process=1)) == [
        (f"TEXT {i}", f"a{i}") for i in range(40)]
    assert nlp.calls == [(False, 2), (False, 1)]  # texts alone to the workers
