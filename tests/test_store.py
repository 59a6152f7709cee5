"""Tests of kg.store: replacing article graphs, provenance checks, locking, errors, crashes."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDFS, Graph, Literal

import kg
from kg.build import extraction_graph
from kg.errors import InputError, QueryError, StoreError, StoreLockedError
from kg.model import Act, Actor, Article, Extraction, Span
from kg.namespaces import ONTOLOGY_GRAPH, actor_iri, graph_iri
from kg.resources import ontology_path
from kg.store import LOCK_FILE, open_store, update_url_for
from kg.remote_store import with_values  # the remote store's parameter binding

VERSION = "0.1.0"


def _extraction(article_id: str, text: str, states: tuple[str, ...],
                model: str = "test-model 1") -> Extraction:
    """A small hand-made extraction: each state mentioned once, one statement by the first."""
    article = Article(id=article_id, text=text, title=f"About {states[0]}",
                      published="2023-02-07")
    actors = []
    for name in states:
        start = text.index(name)
        actors.append(Actor(key=f"state/{name[:3].upper()}", label=name, kind="state",
                            iso=name[:3].upper(),
                            mentions=(Span(start, start + len(name), name, text),)))
    first = actors[0].mentions[0]
    acts = (Act(key="e1", type="statement", agent=actors[0].key, evidence=(first,),
                content=text, date="2023-02-06"),)
    return Extraction(article, tuple(actors), acts, model)


def _graph(article_id: str, text: str, *states: str) -> Graph:
    return extraction_graph(_extraction(article_id, text, states), VERSION)


def _env() -> dict:
    """The environment of a child process that imports the same ``kg`` as this one."""
    env = dict(os.environ)
    root = str(Path(kg.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _graph_sizes(store) -> dict[str, int]:
    """Triples per named graph of a store, or of the store at a location."""
    if isinstance(store, (str, Path)):
        with open_store(store, read_only=True) as st:
            return _graph_sizes(st)
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {row["g"].value: int(row["n"].value) for row in rows}


# ----------------------------------------------------------------------------- writing


def test_store_put_article_says_whether_anything_changed():
    with open_store(None, memory=True) as st:
        g = _graph("a1", "China spoke.", "China")
        assert st.put_article("a1", g) is True
        assert st.put_article("a1", g) is False
        assert st.put_article("a1", _graph("a1", "China spoke again.", "China")) is True
        assert st.article_ids() == ["a1"]


def test_store_changed_article_replaces_its_old_graph():
    with open_store(None, memory=True) as st:
        st.put_article("a1", _graph("a1", "China and Japan met.", "China", "Japan"))
        st.put_article("a1", _graph("a1", "France spoke.", "France"))
        labels = {row["l"].value for row in st.query(
            "SELECT ?l WHERE { GRAPH ?g { ?a a dkg:State ; rdfs:label ?l } }")}
        assert labels == {"France"}
        assert len(st.graph("a1")) == len(_graph("a1", "France spoke.", "France"))


def test_store_actor_shared_across_articles_is_one_node():
    with open_store(None, memory=True) as st:
        st.put_article("a1", _graph("a1", "China protested.", "China"))
        st.put_article("a2", _graph("a2", "Japan and China met.", "Japan", "China"))
        rows = list(st.query("SELECT DISTINCT ?a WHERE { ?a rdfs:label \"China\" }"))
        assert [r["a"] for r in rows] == [ox.NamedNode(str(actor_iri("state/CHI")))]
        graphs = {r["g"].value for r in st.query(
            "SELECT ?g ?a WHERE { GRAPH ?g { ?a rdfs:label \"China\" } }",
            {"a": actor_iri("state/CHI")})}
        assert graphs == {str(graph_iri("a1")), str(graph_iri("a2"))}


def test_store_is_current_checks_hash_version_and_model():
    ex = _extraction("a1", "China spoke.", ("China",))
    with open_store(None, memory=True) as st:
        assert not st.is_current("a1", ex.article.sha256, VERSION, ex.model)
        st.put_article("a1", extraction_graph(ex, VERSION))
        assert st.is_current("a1", ex.article.sha256, VERSION, ex.model)
        assert st.is_current("a1", "sha256:" + ex.article.sha256, VERSION, ex.model)
        assert not st.is_current("a1", "0" * 64, VERSION, ex.model)
        assert not st.is_current("a1", ex.article.sha256, "9.9.9", ex.model)
        assert not st.is_current("a1", ex.article.sha256, VERSION, "other-model 2")
        assert not st.is_current("a2", ex.article.sha256, VERSION, ex.model)


def test_store_put_article_records_provenance_it_is_given():
    g = Graph()
    g.add((actor_iri("state/CHN"), RDFS.label, Literal("China")))
    with open_store(None, memory=True) as st:
        st.put_article("x", g, "ab" * 32, {"dkg": VERSION, "model": "m 1"})
        assert st.is_current("x", "ab" * 32, VERSION, "m 1")


def test_store_refuses_the_ontology_graph_as_an_article():
    with open_store(None, memory=True) as st, pytest.raises(InputError, match="reserved"):
        st.put_article("ontology", _graph("ontology", "China spoke.", "China"))


@pytest.mark.skipif(not ontology_path().is_file(), reason="no ontology file yet")
def test_store_ensure_ontology_loads_it_once(tmp_path):
    with open_store(tmp_path / "s") as st:
        assert st.ensure_ontology() is True
        assert st.ensure_ontology() is False  # blank nodes compared canonically
        assert _graph_sizes(st)[str(ONTOLOGY_GRAPH)] > 100
        assert st.article_ids() == []


# ----------------------------------------------------------------------------- reading


def test_store_query_binds_parameters_without_formatting_them():
    sneaky = 'China" } ; DROP ALL ; #'
    with open_store(None, memory=True) as st:
        st.put_article("a1", _graph("a1", "China spoke.", "China"))
        rows = list(st.query("SELECT ?a ?l WHERE { ?a rdfs:label ?l }", {"l": "China"}))
        assert len(rows) == 1
        assert list(st.query("SELECT ?a ?l WHERE { ?a rdfs:label ?l }", {"?l": sneaky})) == []
        assert st.article_ids() == ["a1"]


def test_store_query_errors_are_query_errors():
    with open_store(None, memory=True) as st:
        with pytest.raises(QueryError, match="bad SPARQL"):
            st.query("SELEC ?x WHERE { ?x ?p ?o }")
        with pytest.raises(QueryError):
            st.query("SELECT ?x WHERE { ?x ?p ?o }", {"nope": "x"})


def test_store_dataset_is_the_union_of_article_graphs(tmp_path):
    with open_store(tmp_path / "s") as st:
        st.put_article("a1", _graph("a1", "China spoke.", "China"))
        st.put_article("a2", _graph("a2", "Japan spoke.", "Japan"))
        ds = st.dataset()
        assert len(ds.graph(graph_iri("a1"))) == len(_graph("a1", "China spoke.", "China"))
        assert (actor_iri("state/JAP"), RDFS.label, Literal("Japan")) in ds


def test_store_read_only_sees_committed_articles_while_a_writer_works(tmp_path):
    location = tmp_path / "s"
    with open_store(location) as writer:
        writer.put_article("a1", _graph("a1", "China spoke.", "China"))
        with open_store(location, read_only=True) as reader:
            assert reader.article_ids() == ["a1"]
            with pytest.raises(StoreError, match="read-only"):
                reader.put_article("a2", _graph("a2", "Japan spoke.", "Japan"))


# ----------------------------------------------------------------------------- where


def test_store_missing_store_is_an_error_for_readers(tmp_path):
    missing = tmp_path / "nothing"
    for kwargs in ({"read_only": True}, {"create": False}):
        with pytest.raises(StoreError, match=r"no store at .*nothing; build one with dkg build"):
            open_store(missing, **kwargs)
    assert not missing.exists()


def test_store_file_or_foreign_directory_is_refused(tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("hello")
    with pytest.raises(StoreError, match="is a file, not a store directory"):
        open_store(a_file)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "readme.md").write_text("hello")
    with pytest.raises(StoreError, match="not a dkg store"):
        open_store(tmp_path / "docs")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_store_unwritable_directory_is_an_error(tmp_path):
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o500)
    try:
        with pytest.raises(StoreError, match="cannot create the store"):
            open_store(parent / "s")
    finally:
        parent.chmod(0o700)


def test_store_update_url_is_derived_from_the_query_url():
    assert update_url_for("http://h:7878/query") == "http://h:7878/update"
    assert update_url_for("http://h:3030/ds/query?x=1") == "http://h:3030/ds/update?x=1"
    assert update_url_for("https://h/sparql") == "https://h/sparql"


def test_store_remote_bindings_open_the_where_clause():
    subs = {ox.Variable("l"): ox.Literal('say "hi" {')}
    q = with_values('PREFIX a: <http://x/#> SELECT ?l WHERE { ?s a:p "{", ?l } # {', subs)
    assert q.startswith('PREFIX a: <http://x/#> SELECT ?l WHERE { '
                        'VALUES (?l) { ("say \\"hi\\" {") }')
    q = with_values("CONSTRUCT { ?s ?p ?l } WHERE { ?s ?p ?l }", subs)
    assert q.startswith("CONSTRUCT { ?s ?p ?l } WHERE { VALUES (?l)")
    with pytest.raises(QueryError):
        with_values("DESCRIBE <http://x>", subs)


# ----------------------------------------------------------------------------- locking


def test_store_second_writer_waits_then_fails_clearly(tmp_path):
    location = tmp_path / "s"
    with open_store(location) as first:
        first.put_article("a1", _graph("a1", "China spoke.", "China"))
        start = time.monotonic()
        with pytest.raises(StoreLockedError) as info:
            open_store(location, lock_timeout=0.3)
        assert time.monotonic() - start >= 0.3
        message = str(info.value)
        assert "busy" in message and f"pid {os.getpid()}" in message and "\n" not in message
    with open_store(location, lock_timeout=0) as second:  # free again
        assert second.article_ids() == ["a1"]
    assert (location / LOCK_FILE).is_file()


_WRITER = textwrap.dedent("""
    import sys
    from rdflib import Graph, Literal, URIRef
    from kg.store import open_store
    location, prefix, count, size, timeout = sys.argv[1:6]
    with open_store(location, lock_timeout=float(timeout)) as st:
        print("open", flush=True)
        for i in range(int(count)):
            g = Graph()
            for j in range(int(size)):
                g.add((URIRef(f"http://x/{prefix}{i}/{j}"), URIRef("http://x/p"),
                       Literal("v" * 40 + str(j))))
            st.put_article(f"{prefix}{i}", g)
""")


def test_store_concurrent_writers_take_turns(tmp_path):
    location = tmp_path / "s"
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, str(location), name, "15", "200",
                               "60"], env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for name in ("a", "b")]
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err.decode()
    sizes = _graph_sizes(location)
    assert len(sizes) == 30 and set(sizes.values()) == {200}

    holder = subprocess.Popen([sys.executable, "-c", _WRITER, str(location), "c", "400", "200",
                               "60"], env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == b"open"
        late = subprocess.run([sys.executable, "-m", "kg", "build", "--store", str(location),
                               "--lock-timeout", "0.2", str(tmp_path)],
                              env=_env(), capture_output=True, timeout=60)
        assert late.returncode == 1
        lines = late.stderr.decode().strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"Error: the store {location} is busy")
    finally:
        holder.kill()
        holder.wait()
    sizes = _graph_sizes(location)
    assert set(sizes.values()) == {200}


def test_store_readers_see_whole_articles_while_a_writer_works(tmp_path):
    location = tmp_path / "s"
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(location), "w", "300", "1500",
                               "30"], env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = []
    try:
        assert writer.stdout.readline().strip() == b"open"
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            sizes = _graph_sizes(location)
            assert set(sizes.values()) <= {1500}
            seen.append(len(sizes))
    finally:
        writer.kill()
        writer.wait()
    print("reads:", len(seen), "graphs seen:", seen[0], "..", seen[-1])
    assert len(seen) > 3 and seen == sorted(seen) and seen[-1] > seen[0]


# ----------------------------------------------------------------------------- crashes


def test_store_sigkill_mid_write_leaves_only_whole_graphs(tmp_path):
    """Kill a writer of big graphs at random moments: every graph is whole or absent."""
    location = tmp_path / "s"
    rng = random.Random(5)
    present = []
    for run in range(5):
        proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(location), f"r{run}-",
                                 "300", "1500", "30"],
                                env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout.readline().strip() == b"open"
        time.sleep(rng.uniform(0.05, 0.8))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        sizes = _graph_sizes(location)
        assert set(sizes.values()) <= {1500}, sizes
        present.append(len(sizes))
        with open_store(location, lock_timeout=5) as st:  # a writer can open it again
            assert len(st.article_ids()) == 0  # (these graphs have no dkg:Article)
    print("graphs present after each kill:", present)
    assert present[-1] > 0 and present == sorted(present)
