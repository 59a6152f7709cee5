"""Tests of kg.serve and ``dkg serve``: real clients over HTTP against a served store."""
from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import httpx
import pytest
import uvicorn
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg.build import extraction_graph
from kg.errors import StoreError, StoreLockedError
from kg.gold import gold_extraction, read_gold
from kg.namespaces import DKG
from kg.read import read_text_file
from kg.snapshot import fingerprint
from kg.serve import create_app, exposure_warning, is_loopback
from kg.store import open_store

DATA = Path(__file__).resolve().parent / "data"
TIMEOUT_S = 2.0
MAX_ROWS = 100
PREFIXES = """PREFIX dkg: <https://w3id.org/dkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
STATES = PREFIXES + "SELECT ?label WHERE { ?s a dkg:State ; rdfs:label ?label }"
ACTS = PREFIXES + "SELECT ?act ?agent WHERE { ?act dkg:agent ?agent }"
DECLINES = PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?act a dkg:Decline }"
ARTICLES = PREFIXES + "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a dkg:Article }"
# Four-way cross join counted: hundreds of triples to the fourth power never ends in time.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
LOG_LINE = re.compile(r"^\S+ (GET|POST|PUT|DELETE|PATCH|HEAD) /\S* \d{3} rows=\d+ ms=\d+$")


@pytest.fixture(scope="module")
def example_graph() -> Graph:
    """The graph of the example article, built from its gold annotation."""
    article = read_text_file(DATA / "balloon-call-declined.txt")
    gold = read_gold(DATA / "balloon-call-declined.yaml")
    return extraction_graph(gold_extraction(gold, article), "0.1.0")


def make_store(directory: Path, graph: Graph) -> Path:
    """A store directory holding ``graph`` as the example article."""
    with open_store(directory) as store:
        store.put_article("balloon-call-declined", graph)
    return directory


@contextmanager
def running(app):
    """Serve ``app`` on a free loopback port in a thread; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory, example_graph):
    """The example store served with a 2 s timeout, 100 rows at most, 4 workers."""
    store_dir = make_store(tmp_path_factory.mktemp("served") / "store", example_graph)
    lines: list[str] = []
    app = create_app(store_dir, timeout_s=TIMEOUT_S, max_rows=MAX_ROWS, workers=4,
                     log=lines.append)
    with running(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield SimpleNamespace(url=url, sparql=url + "/sparql", client=client, lines=lines,
                              store_dir=store_dir, pool=app.state.pool)


def local(graph: Graph, query: str) -> set[tuple[str, ...]]:
    """The answer rdflib gives on the example graph itself, as a set of string rows."""
    return {tuple(str(v) for v in row) for row in graph.query(query)}


def json_rows(data: dict) -> set[tuple[str, ...]]:
    names = data["head"]["vars"]
    return {tuple(b[n]["value"] for n in names) for b in data["results"]["bindings"]}


# ------------------------------------------------------------------ clients


def test_serve_sparqlwrapper_get_post_and_direct_post(served, example_graph):
    from SPARQLWrapper import JSON, POST, POSTDIRECTLY, URLENCODED, SPARQLWrapper
    expected = local(example_graph, STATES)
    assert len(expected) >= 3
    for method, encoding in (("GET", None), (POST, URLENCODED), (POST, POSTDIRECTLY)):
        sw = SPARQLWrapper(served.sparql)
        sw.setQuery(STATES)
        sw.setReturnFormat(JSON)
        sw.setMethod(method)
        if encoding:
            sw.setRequestMethod(encoding)
        assert json_rows(sw.query().convert()) == expected


def test_serve_sparqlwrapper_construct(served, example_graph):
    from SPARQLWrapper import TURTLE, SPARQLWrapper
    sw = SPARQLWrapper(served.sparql)
    sw.setQuery(PREFIXES + "CONSTRUCT { ?s a dkg:State } WHERE { ?s a dkg:State }")
    sw.setReturnFormat(TURTLE)
    data = sw.query().convert()
    g = Graph().parse(data=data, format="turtle")
    assert set(g) == {(s, RDF.type, DKG.State) for s in example_graph.subjects(RDF.type, DKG.State)}


def test_serve_rdflib_sparqlstore(served, example_graph):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore
    remote = Graph(store=SPARQLStore(served.sparql))
    assert local(remote, STATES) == local(example_graph, STATES)
    assert local(remote, ACTS) == local(example_graph, ACTS)
    assert bool(remote.query(PREFIXES + "ASK { ?s a dkg:Decline }").askAnswer) is True


def test_serve_twenty_clients_ten_queries_each(served, example_graph):
    expected = {q: local(example_graph, q) for q in (STATES, ACTS, DECLINES)}
    queries = list(expected)

    def client(i: int) -> list[bool]:
        out = []
        with httpx.Client(timeout=30) as c:
            for j in range(10):
                q = queries[(i + j) % len(queries)]
                r = c.get(served.sparql, params={"query": q},
                          headers={"Accept": "application/sparql-results+json"})
                out.append(r.status_code == 200 and json_rows(r.json()) == expected[q])
        return out

    with ThreadPoolExecutor(20) as pool:
        answers = [ok for result in pool.map(client, range(20)) for ok in result]
    assert len(answers) == 200 and all(answers)


# ------------------------------------------------------------------ formats


@pytest.mark.parametrize("accept, media, check", [
    ("application/sparql-results+xml", "application/sparql-results+xml", "<sparql"),
    ("text/csv", "text/csv", "label\r\n"),
    ("text/tab-separated-values", "text/tab-separated-values", "?label\n"),
    ("application/json", "application/sparql-results+json", '"vars"'),
    ("", "application/sparql-results+json", '"bindings"'),
])
def test_serve_select_formats_by_accept(served, accept, media, check):
    r = served.client.get("/sparql", params={"query": STATES}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(media)
    assert check in r.text and "China" in r.text


@pytest.mark.parametrize("fmt, rdflib_format", [
    ("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld"), ("rdfxml", "xml")])
def test_serve_construct_formats_by_format_parameter(served, example_graph, fmt, rdflib_format):
    query = PREFIXES + "CONSTRUCT WHERE { ?s a dkg:State ; rdfs:label ?l }"
    r = served.client.get("/sparql", params={"query": query, "format": fmt},
                          headers={"Accept": "text/csv"})
    assert r.status_code == 200
    g = Graph().parse(data=r.text, format=rdflib_format)
    assert len(g) == 2 * len(set(example_graph.subjects(RDF.type, DKG.State)))


def test_serve_unacceptable_format_is_406(served):
    r = served.client.get("/sparql", params={"query": STATES}, headers={"Accept": "image/png"})
    assert r.status_code == 406 and "format=csv" in r.text


def test_serve_row_cap_truncates_with_header(served):
    r = served.client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o }"})
    assert r.status_code == 200
    assert r.headers["dkg-truncated"] == str(MAX_ROWS)
    assert len(r.json()["results"]["bindings"]) == MAX_ROWS
    small = served.client.get("/sparql", params={"query": STATES})
    assert "dkg-truncated" not in small.headers


def test_serve_default_graph_uri_restricts_the_dataset(served):
    query = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    union = served.client.get("/sparql", params={"query": query}).json()
    empty = served.client.get("/sparql", params={
        "query": query, "default-graph-uri": "https://w3id.org/dkg/graph/none"}).json()
    assert int(union["results"]["bindings"][0]["n"]["value"]) > 100
    assert empty["results"]["bindings"][0]["n"]["value"] == "0"


# ------------------------------------------------------------------ refusals


def test_serve_refuses_update_and_the_store_is_unchanged(served):
    before = fingerprint(served.store_dir)
    insert = PREFIXES + "INSERT DATA { <urn:x> a dkg:State }"
    refusals = [
        served.client.post("/sparql", data={"update": insert}),
        served.client.post("/sparql", content=insert,
                           headers={"Content-Type": "application/sparql-update"}),
        served.client.get("/sparql", params={"update": insert}),
        served.client.put("/store?default", content="<urn:x> <urn:p> <urn:o> .",
                          headers={"Content-Type": "text/turtle"}),
        served.client.post("/store?graph=urn:g", content="<urn:x> <urn:p> <urn:o> .",
                           headers={"Content-Type": "text/turtle"}),
        served.client.delete("/store?graph=urn:g"),
        served.client.request("PATCH", "/sparql", content=insert),
    ]
    for r in refusals:
        assert r.status_code == 403, (r.request.method, r.request.url)
        assert "read-only" in r.text
    as_query = served.client.post("/sparql", data={"query": insert})
    assert as_query.status_code == 400
    ask = served.client.get("/sparql", params={"query": "ASK { <urn:x> ?p ?o }"})
    assert ask.json()["boolean"] is False
    assert fingerprint(served.store_dir) == before


@contextmanager
def listener():
    """A socket listening on loopback that records every connection made to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    sock.settimeout(0.1)
    seen, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
                seen.append(conn)
            except OSError:
                continue
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield sock.getsockname()[1], seen
    finally:
        stop.set()
        thread.join(2)
        sock.close()


def service_queries(target: str) -> list[str]:
    """SERVICE clauses, plain and hidden from a checker that reads the query wrongly."""
    return [
        f"SELECT * WHERE {{ SERVICE {target} {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent {target} {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o .SERVICE{target}{{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?x ?y ?z . {{ SELECT ?s WHERE {{ SERVICE # hidden\n"
        f" {target} {{ ?s ?p ?o }} }} }} }} LIMIT 1",
        f"ASK {{ FILTER EXISTS {{ SERVICE {target} {{ ?s ?p ?o }} }} }}",
        # rdflib undoes \u escapes everywhere: to it the SERVICE line is inside a string
        f'SELECT * WHERE {{ # \\u000A ?s ?p """\n SERVICE {target} {{ ?s ?p ?o }}\n'
        f' # \\u000A """ .\n}}',
        # a backslash-escaped # inside a prefixed name is not a comment
        f"PREFIX ex: <http://e/> SELECT * WHERE {{ ?s ?p ex:o\\# . SERVICE {target} {{ ?s ?p ?o }} }}",
    ]


def test_serve_service_check_sees_what_the_engine_runs():
    from kg.sandbox import service_refusal
    for q in service_queries("<http://127.0.0.1:9/sparql>"):
        refusal = service_refusal(q)
        assert refusal is not None and refusal.status == 403, q
    for q in ['SELECT ?service WHERE { ?service ?p "service" } # SERVICE <http://x/> {}',
              "PREFIX service: <http://s/> SELECT * { ?s service:p <http://x/service> }",
              "SELECT * { ?s <http://e/p> 'SERVICE <http://x/> {}' }"]:
        assert service_refusal(q) is None, q


def test_serve_refuses_service_and_never_connects(served):
    with listener() as (port, seen):
        for q in service_queries(f"<http://127.0.0.1:{port}/sparql>"):
            r = served.client.post("/sparql", data={"query": q})
            assert r.status_code == 403, q
            assert "--allow-service" in r.text
        escaped_keyword = served.client.get("/sparql", params={
            "query": f"SELECT * {{ SERVI\\u0043E <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}"})
        assert escaped_keyword.status_code == 400  # the engine does not read it as SERVICE
        time.sleep(0.3)
        assert seen == []
    harmless = served.client.get("/sparql", params={
        "query": 'SELECT ?s WHERE { ?s ?p "service" } # SERVICE <http://x/>'})
    assert harmless.status_code == 200


def test_serve_allow_service_lets_the_query_connect(served):
    app = create_app(served.store_dir, timeout_s=TIMEOUT_S, workers=1, allow_service=True,
                     log=lambda line: None)
    with listener() as (port, seen), running(app) as url:
        r = httpx.get(url + "/sparql", timeout=30, params={
            "query": f"SELECT * {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"})
        time.sleep(0.3)
    assert r.status_code in (500, 503)  # the listener never answers like an endpoint
    assert len(seen) == 1


def test_serve_workers_cannot_connect_even_past_the_check(served):
    from kg.sandbox import Job
    if "no network access" not in served.pool.note:
        pytest.skip(f"this system gives the workers network access: {served.pool.note}")
    with listener() as (port, seen):
        # allow_service on the job only skips the parse check; the worker stays cut off
        job = Job(f"SELECT * {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
                  allow_service=True, timeout_s=TIMEOUT_S)
        outcome = served.pool.run(job)
        time.sleep(0.3)
    assert outcome.status == 500 and b"query failed" in outcome.body
    assert seen == []


def test_serve_query_past_the_timeout_is_stopped_with_503(served):
    start = time.monotonic()
    r = served.client.get("/sparql", params={"query": ENDLESS})
    took = time.monotonic() - start
    assert r.status_code == 503
    assert "ran longer than the 2 s" in r.text
    assert TIMEOUT_S <= took < TIMEOUT_S + 2.0
    after = served.client.get("/sparql", params={"query": STATES})
    assert after.status_code == 200 and "China" in after.text
    deadline = time.monotonic() + 10  # the stopped worker was killed and replaced
    while served.pool.alive() != 4:
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_serve_malformed_query_is_400_with_line_and_column(served):
    r = served.client.get("/sparql", params={"query": "SELECT * WHERE {\n  ?s ?p \n"})
    assert r.status_code == 400
    assert r.text.startswith("malformed query:")
    assert re.search(r"\b3:\d+\b", r.text), r.text
    empty = served.client.get("/sparql")
    assert empty.status_code == 400 and "no query" in empty.text


def test_serve_oversized_query_is_413(served):
    r = served.client.post("/sparql", content="#" * 200_000,
                           headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413


def test_serve_foreign_host_header_is_refused(served):
    r = served.client.get("/sparql", params={"query": STATES},
                          headers={"Host": "attacker.example"})
    assert r.status_code == 400


# ------------------------------------------------------------------ named queries, page, log


def test_serve_named_queries(served):
    from kg.queries import query as run_named
    listing = served.client.get("/queries").json()
    names = {q["name"] for q in listing}
    assert "declined_requests" in names
    r = served.client.get("/queries/declined_requests", params={"format": "json"})
    assert r.status_code == 200
    with open_store(served.store_dir, read_only=True) as store:
        expected = run_named(store, "declined_requests")
    assert len(r.json()["results"]["bindings"]) == len(expected) > 0
    assert served.client.get("/queries/no_such_question").status_code == 404
    bad = served.client.get("/queries/declined_requests", params={"nope": "1"})
    assert bad.status_code == 400


def test_serve_page_is_self_contained(served):
    r = served.client.get("/")
    assert r.status_code == 200 and "<textarea" in r.text
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", r.text)


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(chromium() is None, reason="Chromium is not installed (apt-get install chromium)")
def test_serve_page_runs_a_query_in_headless_chromium(served):
    url = f"{served.url}/?run=1&query={quote(STATES)}"
    with tempfile.TemporaryDirectory() as profile:
        out = subprocess.run(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={profile}", "--virtual-time-budget=10000",
             "--dump-dom", url], capture_output=True, text=True, timeout=60)
    dom = out.stdout
    assert '<table id="results">' in dom, out.stderr[-2000:]
    cells = set(re.findall(r"<td>([^<]*)</td>", dom))
    assert {"United States", "Canada", "China"} <= cells
    assert re.search(r"3 rows in \d+ ms", dom)


def test_serve_logs_one_line_per_request(served):
    served.lines.clear()
    served.client.get("/sparql", params={"query": STATES})
    served.client.get("/nowhere")
    served.client.delete("/store")
    requests = [line for line in served.lines if LOG_LINE.match(line)]
    assert len(requests) == len(served.lines) == 3
    assert re.match(r"127\.0\.0\.1 GET /sparql 200 rows=3 ms=\d+$", requests[0])
    assert " GET /nowhere 404 rows=0 " in requests[1]
    assert " DELETE /store 403 rows=0 " in requests[2]


# ------------------------------------------------------------------ the store under a build


def test_serve_a_build_is_seen_whole_once_it_has_closed_the_store(tmp_path, example_graph):
    store_dir = make_store(tmp_path / "store", example_graph)
    app = create_app(store_dir, timeout_s=TIMEOUT_S, workers=1, refresh_s=0.05,
                     log=lambda line: None)

    def articles(client) -> int:
        r = client.get("/sparql", params={"query": ARTICLES})
        return int(r.json()["results"]["bindings"][0]["n"]["value"])

    with running(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        assert articles(client) == 1
        with open_store(store_dir) as writer:
            extra = Graph()
            extra.add((URIRef("https://w3id.org/dkg/article/second"), RDF.type, DKG.Article))
            writer.put_article("second", extra)
            time.sleep(0.2)
            assert articles(client) == 1  # the build still holds the store
            with pytest.raises(StoreLockedError):
                create_app(store_dir)
        deadline = time.monotonic() + 5
        while articles(client) != 2:
            assert time.monotonic() < deadline, "the finished build never showed"
            time.sleep(0.05)


def test_serve_copy_left_by_a_killed_server_is_removed_by_the_next(tmp_path, example_graph):
    from kg.snapshot import Snapshots
    store_dir = make_store(tmp_path / "store", example_graph)
    code = f"import os; from kg.snapshot import Snapshots; Snapshots({str(store_dir)!r}); os._exit(0)"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)

    def copies() -> list[Path]:
        return [p for p in tmp_path.iterdir() if p.name.startswith(".store.serving-")]
    assert len(copies()) == 1
    live = Snapshots(store_dir)
    assert copies() == [live._current.path]
    second = Snapshots(store_dir)  # a live server's copy is left alone
    assert live._current.path.exists() and len(copies()) == 2
    live.close()
    second.close()
    assert copies() == []


def test_serve_needs_a_store_directory(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        create_app(tmp_path / "missing")
    with pytest.raises(StoreError, match="store directory"):
        create_app("http://127.0.0.1:1/sparql")


def test_serve_binds_loopback_unless_told_and_warns_otherwise():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert exposure_warning("127.0.0.1", 7878) is None
    warning = exposure_warning("0.0.0.0", 7878)
    assert warning and "WARNING" in warning and "0.0.0.0:7878" in warning


def test_serve_cli_missing_store_is_one_line(tmp_path):
    r = subprocess.run([sys.executable, "-m", "kg", "serve", "--store", str(tmp_path / "nope")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == [
        f"Error: {tmp_path / 'nope'} does not exist; build one first (dkg build)"]
