"""Tests of kg.ingest and ``dkg build``: reports, idempotence, replacement, crashes, remote."""
from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import kg
from kg.cli import cli
from kg.errors import EXIT_PARTIAL
from kg.ingest import ingest
from kg.model import Article, Extraction
from kg.namespaces import graph_iri
from kg.store import open_store

DATA = Path(__file__).resolve().parent / "data"
EXAMPLE = DATA / "balloon-call-declined.txt"

STATES = ["China", "Japan", "Russia", "France", "Germany", "India", "Brazil", "Canada",
          "Mexico", "Italy", "Egypt", "Turkey"]
PEOPLE = ["Wang Yi", "Antony Blinken", "Sergei Lavrov", "Catherine Colonna", "Lloyd Austin"]
TEMPLATES = [
    "{a} declined a request from {b} for talks about the border on Monday. {p}, the foreign "
    "minister, said the offer was not serious.",
    "{a} protested to {b} over the missile test on Tuesday. The foreign ministry of {a} said "
    "{b} had violated its airspace.",
    "{p} met officials from {a} and {b} in Geneva on Friday. Both governments promised further "
    "dialogue on trade.",
    "{a} accused {b} of spying on its navy. {b} denied the claim, and {p} called it baseless.",
]


def _article_text(i: int) -> str:
    a, b = STATES[i % len(STATES)], STATES[(i * 5 + 3) % len(STATES)]
    if a == b:
        b = STATES[(i + 1) % len(STATES)]
    return TEMPLATES[i % len(TEMPLATES)].format(a=a, b=b, p=PEOPLE[i % len(PEOPLE)]) + "\n"


def _write_corpus(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (folder / f"art-{i:03d}.txt").write_text(_article_text(i), encoding="utf-8")
    return folder


def _env() -> dict:
    """The environment of a child process that imports the same ``kg`` as this one."""
    env = dict(os.environ)
    env["PYTHONPATH"] = (str(Path(kg.__file__).resolve().parent.parent) + os.pathsep
                         + env.get("PYTHONPATH", ""))
    return env


def _dkg(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], env=_env(), capture_output=True,
                          timeout=120, **kwargs)


def _graph_sizes(store) -> dict[str, int]:
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {row["g"].value: int(row["n"].value) for row in rows}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A hundred short articles made from a few template sentences (seven parser batches)."""
    return _write_corpus(tmp_path_factory.mktemp("corpus"), 100)


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> dict:
    """An undisturbed ``dkg build`` of the corpus: its store, export, graph sizes and time."""
    location = tmp_path_factory.mktemp("reference") / "store"
    start = time.monotonic()
    done = _dkg("build", str(corpus), "--store", str(location))
    seconds = time.monotonic() - start
    assert done.returncode == 0, done.stderr.decode()
    with open_store(location, read_only=True) as st:
        return {"location": location, "seconds": seconds, "export": st.export("turtle"),
                "export_all": st.export("nq", with_ontology=True), "sizes": _graph_sizes(st),
                "stderr": done.stderr.decode()}


# ----------------------------------------------------------------------------- in process


def test_ingest_reports_failures_and_goes_on(tmp_path):
    folder = _write_corpus(tmp_path / "in", 3)
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02" * 50)
    (folder / "more.jsonl").write_text('{"id": "j1", "text": "' + _article_text(7).strip()
                                       + '"}\n{"id": "j2", "text": \n', encoding="utf-8")
    seen = []
    with open_store(None, memory=True) as st:
        report = ingest([folder], st, progress=lambda status, what: seen.append(status))
        assert (report.read, report.built, report.unchanged, report.failed) == (4, 4, 0, 2)
        assert any("binary.txt: binary file" in e for e in report.errors)
        assert any("more.jsonl, line 2: broken JSON" in e for e in report.errors)
        assert sorted(seen) == ["built"] * 4 + ["failed"] * 2
        assert st.article_ids() == ["art-000", "art-001", "art-002", "j1"]
        again = ingest([folder], st)
        assert (again.built, again.unchanged, again.failed) == (0, 4, 2)


def test_ingest_fresh_builds_and_a_repeat_export_identical_turtle(corpus, reference, tmp_path):
    exports = []
    with open_store(tmp_path / "a") as st:
        assert ingest([corpus], st).built == 100
        exports.append(st.export("turtle"))
    with open_store(tmp_path / "b") as st:
        ingest([corpus], st)
        repeat = ingest([corpus], st)
        assert (repeat.built, repeat.unchanged) == (0, 100)
        exports.append(st.export("turtle"))
    assert exports[0] == exports[1] == reference["export"]  # and the same as another process


def test_ingest_same_article_twice_leaves_the_export_identical(tmp_path):
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(EXAMPLE, copy / EXAMPLE.name)
    shutil.copy(EXAMPLE.with_suffix(".json"), copy / EXAMPLE.with_suffix(".json").name)
    with open_store(tmp_path / "s") as st:
        assert ingest([EXAMPLE], st).built == 1
        first = st.export("trig", with_ontology=True)
        report = ingest([copy / EXAMPLE.name], st)
        assert (report.built, report.unchanged) == (0, 1)
        assert st.export("trig", with_ontology=True) == first
        twice = ingest([EXAMPLE, EXAMPLE], st)
        assert twice.failed == 1 and "came twice" in twice.errors[0]
        assert st.export("trig", with_ontology=True) == first


def test_ingest_changed_article_replaces_its_graph(tmp_path):
    path = tmp_path / "news.txt"
    path.write_text(_article_text(0), encoding="utf-8")
    with open_store(tmp_path / "s") as st:
        ingest([path], st)
        path.write_text(_article_text(5), encoding="utf-8")
        assert ingest([path], st).built == 1
        changed = st.export("turtle")
    with open_store(None, memory=True) as fresh:
        ingest([path], fresh)
        assert fresh.export("turtle") == changed
    assert b"Monday" not in changed


def test_ingest_actor_shared_across_articles_is_one_node():
    articles = [Article("one", "China protested to Japan on Monday.\n"),
                Article("two", "Officials from China met in Geneva.\n")]
    with open_store(None, memory=True) as st:
        assert ingest(articles, st).built == 2
        rows = list(st.query('SELECT DISTINCT ?a WHERE { ?a rdfs:label "China" }'))
        assert len(rows) == 1
        graphs = {r["g"].value for r in st.query(
            "SELECT ?g ?a WHERE { GRAPH ?g { ?a ?p ?o } }", {"a": rows[0]["a"]})}
        assert {str(graph_iri("one")), str(graph_iri("two"))} <= graphs


def test_ingest_extractor_failure_on_one_article_spares_the_others(monkeypatch):
    import kg.ingest as ingest_module

    def flaky(articles, *, model=None, n_process=1, batch_size=8):
        for article in articles:
            if "poison" in article.text:
                raise RuntimeError("the parser choked")
            yield Extraction(article, (), (), "fake 1")

    monkeypatch.setattr(ingest_module, "extract_articles", flaky)
    articles = [Article(f"a{i}", "poison\n" if i == 2 else f"text {i}\n") for i in range(5)]
    with open_store(None, memory=True) as st:
        report = ingest(articles, st)
        assert (report.built, report.failed) == (4, 1)
        assert report.errors == ["a2: extraction failed: RuntimeError: the parser choked"]
        assert st.article_ids() == ["a0", "a1", "a3", "a4"]


def test_ingest_build_command_summary_and_exit_codes(tmp_path):
    folder = _write_corpus(tmp_path / "in", 2)
    location = tmp_path / "s"
    runner = CliRunner()
    ok = runner.invoke(cli, ["build", str(folder), "--store", str(location)])
    assert ok.exit_code == 0, ok.output
    assert ok.stderr == f"built 2 articles (0 unchanged, 0 failed) into {location}\n"
    (folder / "bad.txt").write_bytes(b"\xff\xfe\x00bad" * 20)
    partial = runner.invoke(cli, ["build", str(folder), "--store", str(location)])
    assert partial.exit_code == EXIT_PARTIAL
    lines = partial.stderr.splitlines()
    assert lines[0].startswith(f"Error: {folder / 'bad.txt'}: ")
    assert lines[1] == f"built 0 articles (2 unchanged, 1 failed) into {location}"
    none = runner.invoke(cli, ["build", str(tmp_path / "missing.txt"), "--memory"])
    assert none.exit_code == 1
    assert none.stderr.splitlines() == [f"Error: {tmp_path / 'missing.txt'}: no such file or "
                                        f"directory",
                                        "built 0 articles (0 unchanged, 1 failed) into memory"]


# ----------------------------------------------------------------------------- processes


def _graphs_so_far(location: Path) -> int:
    """How many graphs a running build has committed (0 while there is no store yet)."""
    try:
        return sum(1 for _ in ox.Store.read_only(str(location)).named_graphs())
    except (OSError, RuntimeError):  # not created yet, or files replaced under us
        return 0


def test_ingest_sigkill_during_build_leaves_whole_articles(corpus, reference, tmp_path):
    """Kill ``dkg build`` at random moments: only whole articles; a rerun completes it.

    Kills come once a random number of further articles has gone in (so they land
    while articles are being written, however slow the model is to load), run after
    run until the store is whole; then two at a random time. Each run goes on from
    what the last one left.
    """
    location = tmp_path / "store"
    rng = random.Random(2023)
    whole = len(reference["sizes"])
    present: list[int] = []
    timed_kills = 0
    while timed_kills < 2:
        proc = subprocess.Popen([sys.executable, "-m", "kg", "build", str(corpus),
                                 "--store", str(location)], env=_env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if (present[-1] if present else 0) < whole and len(present) < 20:
            target = (present[-1] if present else 0) + rng.randint(1, 8)
            while proc.poll() is None and _graphs_so_far(location) < target:
                time.sleep(0.005)
        else:
            time.sleep(rng.uniform(0.2, reference["seconds"]))
            timed_kills += 1
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with open_store(location, lock_timeout=5) as st:  # it opens, for writing too
            sizes = _graph_sizes(st)
        for graph, size in sizes.items():
            assert size == reference["sizes"][graph], graph
        present.append(len(sizes))
    print("graphs present after each kill:", present)
    assert sum(0 < n < whole for n in present) >= 3  # killed mid-build
    rerun = _dkg("build", str(corpus), "--store", str(location))
    assert rerun.returncode == 0, rerun.stderr.decode()
    with open_store(location, read_only=True) as st:
        assert st.export("turtle") == reference["export"]
        assert st.export("nq", with_ontology=True) == reference["export_all"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _oxigraph_server(location: Path):
    """A running ``oxigraph serve`` on a free port; yields its query URL."""
    exe = (shutil.which("oxigraph", path=str(Path(sys.executable).parent))
           or shutil.which("oxigraph"))
    if exe is None:
        pytest.skip("no oxigraph server (pip install oxigraph)")
    port = _free_port()
    proc = subprocess.Popen([exe, "serve", "--location", str(location),
                             "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"oxigraph serve did not start: {proc.stderr.read()!r}")
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


QUESTIONS = [
    ("SELECT ?id WHERE { ?a a dkg:Article ; dcterms:identifier ?id } ORDER BY ?id", {}),
    ("SELECT ?label (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?a rdfs:label ?label } } "
     "GROUP BY ?label ORDER BY ?label", {}),
    ("SELECT ?a ?label WHERE { ?a rdfs:label ?label } ORDER BY ?a", {"label": "China"}),
    ("SELECT ?c (COUNT(*) AS ?n) WHERE { ?x a ?c } GROUP BY ?c ORDER BY ?c", {}),
]


def _answers(store) -> list:
    out = []
    for text, bindings in QUESTIONS:
        results = store.query(text, bindings)
        names = [v.value for v in results.variables]
        out.append([tuple(str(row[n]) for n in names) for row in results])
    return out


def test_ingest_into_an_oxigraph_server_matches_the_embedded_store(corpus, reference, tmp_path):
    with _oxigraph_server(tmp_path / "server") as url:
        built = _dkg("build", str(corpus), "--store", url)
        assert built.returncode == 0, built.stderr.decode()
        assert built.stderr.decode().endswith(f"into {url}\n")
        again = _dkg("build", str(corpus), "--store", url)
        assert again.stderr.decode().endswith(
            f"built 0 articles (100 unchanged, 0 failed) into {url}\n"), again.stderr.decode()
        exported = _dkg("export", "--store", url)
        assert exported.returncode == 0, exported.stderr.decode()
        assert exported.stdout == reference["export"]
        with open_store(url, read_only=True) as remote, \
                open_store(reference["location"], read_only=True) as local:
            assert remote.export("nq", with_ontology=True) == reference["export_all"]
            assert remote.article_ids() == local.article_ids()
            assert _answers(remote) == _answers(local)
            assert _answers(local)[2]  # the bound question found China
