"""Robustness: bad input, hostile text and names, and failing writes.

Every bad input gives ONE line on stderr naming what is wrong and where, and a
documented exit code (docs/exit-codes.md); ``--debug`` shows the traceback.
Property tests (hypothesis) build random Unicode text and hostile names and check
that every export parses back, in rdflib and in pyoxigraph, to the stored graph;
``bench/stress.py`` runs the same properties over many more examples.
"""
from __future__ import annotations

import io
import json
import os
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Dataset

from kg import __version__
from kg.build import extraction_triples
from kg.cli.base import main
from kg.errors import EXIT_ERROR, EXIT_PARTIAL, EXIT_USAGE, InputError
from kg.model import Act, Actor, Article, Extraction, Span
from kg.namespaces import (ONTOLOGY_GRAPH, act_iri, actor_iri, article_iri, graph_iri, span_iri,
                           topic_iri)
from kg.read import (MAX_BYTES, MAX_CHARS, MAX_TOKENS, article_from_dict, read_articles,
                     read_text_file)
from kg.store import FORMATS, open_store, write_atomically

DATA = Path(__file__).resolve().parent / "data"
EXAMPLE = DATA / "balloon-call-declined.txt"
ARTICLE = "China declined a request from Japan for talks on Monday.\n"

RDFLIB_FORMAT = {"turtle": "turtle", "trig": "trig", "nt": "nt", "nq": "nquads",
                 "jsonld": "json-ld"}
OX_FORMAT = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG,
             "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
             "jsonld": ox.RdfFormat.JSON_LD}
QUAD_FORMATS = ("trig", "nq", "jsonld")
HOSTILE = '<>"{}\\|^`\n\r\t \'#%?&;,.:/@[]()\x00\x7f\u2028\ufeff\ud800\U0001F600é中'


# ----------------------------------------------------------------------------- helpers


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return self.stderr.splitlines()


def dkg(*args: str, input: bytes | str | None = None) -> Run:
    """``dkg ARGS`` run in this process through the real entry point (kg.cli.base.main)."""
    runner = CliRunner()
    with runner.isolation(input=input) as (out, err, _):
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        return Run(code, out.getvalue().decode("utf-8", "replace"),
                   err.getvalue().decode("utf-8", "replace"))


def assert_one_error(run: Run, code: int, *parts: str) -> str:
    """The run failed with ``code`` and said so in one line holding each of ``parts``."""
    errors = [line for line in run.lines if line.startswith("Error: ")]
    assert run.code == code, run.stderr
    assert len(errors) == 1, run.stderr
    assert "Traceback" not in run.stderr
    for part in parts:
        assert part in errors[0], errors[0]
    return errors[0]


def only(items):
    items = list(items)
    assert len(items) == 1, items
    return items[0]


def stored_quads(store) -> set[ox.Quad]:
    """The quads of every article graph (not the ontology)."""
    return {q for q in store._quads_of(None) if q.graph_name.value != str(ONTOLOGY_GRAPH)}


def _ox_of_rdflib(term) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    from kg.store import _ox_term

    return _ox_term(term)


def assert_exports_parse_back(store) -> None:
    """Every export format parses, in rdflib and in pyoxigraph, to the stored graphs."""
    quads = stored_quads(store)
    triples = {q.triple for q in quads}
    for fmt in FORMATS:
        data = store.export(fmt)
        parsed = set(ox.parse(data, OX_FORMAT[fmt]))
        if fmt in QUAD_FORMATS:
            assert parsed == quads, fmt
        else:
            assert {q.triple for q in parsed} == triples, fmt
        ds = Dataset()
        ds.parse(data=data, format=RDFLIB_FORMAT[fmt])
        if fmt in QUAD_FORMATS:
            back = {ox.Quad(_ox_of_rdflib(s), _ox_of_rdflib(p), _ox_of_rdflib(o),
                            ox.NamedNode(str(g))) for s, p, o, g in ds.quads()
                    if str(g) != "urn:x-rdflib:default"}
            assert back == quads, fmt
        else:
            back = {ox.Triple(_ox_of_rdflib(s), _ox_of_rdflib(p), _ox_of_rdflib(o))
                    for s, p, o in ds.default_graph}
            assert back == triples, fmt


@pytest.fixture(scope="module")
def built_store(tmp_path_factory, nlp) -> Path:
    """A store with one small article in it, built through ``dkg build``."""
    folder = tmp_path_factory.mktemp("built")
    (folder / "in.txt").write_text(ARTICLE, encoding="utf-8")
    location = folder / "store"
    run = dkg("build", folder / "in.txt", "--store", location)
    assert run.code == 0, run.stderr
    return location


# ----------------------------------------------------------------------------- reading


def test_read_missing_file_is_one_line_exit_1(tmp_path):
    run = dkg("build", tmp_path / "missing.txt", "--memory")
    assert_one_error(run, EXIT_ERROR, f"{tmp_path / 'missing.txt'}: no such file or directory")


def test_read_directory_without_articles(tmp_path):
    (tmp_path / "notes.md").write_text("not an article")
    run = dkg("build", tmp_path, "--memory")
    assert_one_error(run, EXIT_ERROR, f"{tmp_path}: no articles (.txt or .jsonl files)")


@pytest.mark.parametrize("content", [b"", b"   \n\t\n  ", b"\xef\xbb\xbf\n", b"<html><body>"
                                     b"<script>var x = 1;</script></body></html>"])
def test_read_empty_or_blank_file(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    run = dkg("build", path, "--memory")
    assert_one_error(run, EXIT_ERROR, f"{path}: empty article (no text)")


@pytest.mark.parametrize("content, kind", [
    (os.urandom(3000) + b"\x00" * 10, "binary file"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary file (a PDF document)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (a PNG image)"),
    (b"PK\x03\x04\x14\x00\x06\x00", "binary file (a ZIP archive"),
])
def test_read_binary_file(tmp_path, content, kind):
    path = tmp_path / "blob.txt"
    path.write_bytes(content)
    run = dkg("build", path, "--memory")
    assert_one_error(run, EXIT_ERROR, f"{path}: {kind}")


def test_read_not_utf8_names_the_byte_offset(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("China declined the caf\u00e9 talks.".encode("latin-1"))
    run = dkg("build", path, "--memory")
    assert_one_error(run, EXIT_ERROR, f"{path}: not valid utf-8 at byte offset 22 (byte 0xe9)",
                     "--encoding")


def test_read_encoding_option_decodes_without_mojibake(tmp_path, nlp):
    path = tmp_path / "latin.txt"
    path.write_bytes("Fran\u00e7ois Hollande and China declined the talks in S\u00e3o Paulo."
                     .encode("latin-1"))
    location = tmp_path / "store"
    run = dkg("build", path, "--store", location, "--encoding", "latin-1")
    assert run.code == 0, run.stderr
    export = dkg("export", "--store", location, "-f", "nt").stdout
    assert "Fran\u00e7ois" in export and "S\u00e3o Paulo" in export
    assert "\u00c3" not in export and "\ufffd" not in export  # no mojibake
    with open_store(location, read_only=True) as st:
        text_length = only(st.query("SELECT ?n WHERE { ?a dkg:textLength ?n }"))["n"].value
    assert int(text_length) == len(path.read_bytes())  # one character a byte in Latin-1


def test_read_utf16_file_says_which_encoding_to_pass(tmp_path):
    path = tmp_path / "wide.txt"
    path.write_bytes(ARTICLE.encode("utf-16"))
    run = dkg("build", path, "--memory")
    assert_one_error(run, EXIT_ERROR, f"{path}: UTF-16 text", "--encoding utf-16")
    assert read_text_file(path, encoding="utf-16").text == ARTICLE


def test_read_nul_and_control_characters_become_spaces(tmp_path):
    path = tmp_path / "ctl.txt"
    raw = "China\x00declined\x07a request\x1b[31m from Japan.\x7f\r\n"
    path.write_text(raw, encoding="utf-8")
    article = read_text_file(path)
    assert article.text == "China declined a request [31m from Japan. \r\n"
    assert len(article.text) == len(raw)  # offsets into the text still match the file


def test_read_html_given_as_text_is_stripped(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text("<!DOCTYPE html><html><head><title>T</title><style>p{}</style></head>"
                    "<body><p>China <b>declined</b> &amp; left.</p><script>alert(1)</script>"
                    "<p>Japan &#x201C;protested&#x201D;.</p></body></html>", encoding="utf-8")
    text = read_text_file(path).text
    assert text == "T\n\nChina declined & left.\n\nJapan \u201cprotested\u201d.\n"


def test_read_jsonl_broken_line_is_named_and_the_others_go_in(tmp_path, nlp):
    path = tmp_path / "corpus.jsonl"
    path.write_bytes(b'{"id": "a1", "text": "China protested to Japan."}\n'
                     b'{"id": "a2", "text": "broken\n'
                     b'\n'
                     b'{"id": "a3", "text": "Japan denied the claim."}\n')
    location = tmp_path / "store"
    run = dkg("build", path, "--store", location)
    assert_one_error(run, EXIT_PARTIAL, f"{path}, line 2: broken JSON at column 29: Invalid control character")
    assert run.lines[-1] == f"built 2 articles (0 unchanged, 1 failed) into {location}"
    with open_store(location, read_only=True) as st:
        assert st.article_ids() == ["a1", "a3"]


def test_read_stdin_jsonl_with_a_broken_line_and_stdin_text(nlp):
    corpus = b'{"id": "a1", "text": "China protested to Japan."}\n{"id": "a2", "text": }\n'
    run = dkg("build", "-", "--memory", input=corpus)
    assert_one_error(run, EXIT_PARTIAL, "<stdin>, line 2: broken JSON at column 22")
    assert run.lines[-1] == "built 1 article (0 unchanged, 1 failed) into memory"
    text = dkg("build", "-", "--memory", input="caf\u00e9 talks".encode("latin-1"))
    assert_one_error(text, EXIT_ERROR, "<stdin>: not valid utf-8 at byte offset 3 (byte 0xe9)")


def test_read_jsonl_undecodable_line_names_its_file_byte_offset(tmp_path):
    first = b'{"id": "a1", "text": "China protested."}\n'
    path = tmp_path / "corpus.jsonl"
    path.write_bytes(first + b'{"id": "a2", "text": "caf\xe9"}\n{"id": "a3", "text": "ok"}\n')
    items = list(read_articles([path]))
    assert [a.id for a in items if not isinstance(a, InputError)] == ["a1", "a3"]
    error = only(e for e in items if isinstance(e, InputError))
    offset = len(first) + len(b'{"id": "a2", "text": "caf')
    assert str(error) == (f"{path}, line 2: not valid UTF-8 at byte offset {offset} "
                          f"(byte 0xe9)")


@pytest.mark.parametrize("line, says", [
    (b"[" * 100, "broken JSON at column 1: Expecting value"),
    (b"[" * 100_000 + b"]" * 100_000, "JSON nested too deeply"),
    (b'{"id": "x", "text": "\\ud800 lone"}', "a lone surrogate (\\ud800) at character 0"),
    (b'{"id": "x", "text": "ok", "published": "2023-02-30"}', "'published' must be an ISO date"),
    (b'{"id": {"a": 1}, "text": "ok"}', "'id' must be a string"),
    (b'{"id": "x", "text": 5}', "no 'text' string"),
    (b'["a list"]', "expected a JSON object"),
    (b'{"id": 1' + b"0" * 5000 + b', "text": "ok"}', "unreadable JSON"),
])
def test_read_jsonl_hostile_lines_are_refused_one_by_one(tmp_path, line, says):
    path = tmp_path / "c.jsonl"
    path.write_bytes(line + b'\n{"id": "fine", "text": "China spoke."}\n')
    items = list(read_articles([path]))
    assert says in str(items[0]) and str(items[0]).startswith(f"{path}, line 1: ")
    assert items[1].id == "fine"


def test_read_sidecar_broken_json_names_line_and_column(tmp_path):
    path = tmp_path / "news.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    path.with_suffix(".json").write_text('{"title": "x",\n  "published": }\n', encoding="utf-8")
    run = dkg("build", path, "--memory")
    assert_one_error(run, EXIT_ERROR, f"{path.with_suffix('.json')}: broken JSON at line 2, "
                                      f"column 16: Expecting value")


def test_read_50_mb_file_is_refused_at_once_unread(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(50_000_000)  # sparse: 50 MB that cost nothing to write
    start = time.monotonic()
    tracemalloc.start()
    items = list(read_articles([path]))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert time.monotonic() - start < 1.0
    assert peak < 1_000_000  # nothing of it was read
    assert str(only(items)) == (f"{path}: too big (50,000,000 bytes; the limit is "
                                f"{MAX_BYTES:,} bytes, and {MAX_CHARS:,} characters or "
                                f"{MAX_TOKENS:,} words an article)")
    run = dkg("build", path, "--memory")
    assert_one_error(run, EXIT_ERROR, "too big (50,000,000 bytes")


def test_read_50_mb_on_stdin_or_one_jsonl_line_is_refused_in_bounded_memory(tmp_path,
                                                                             monkeypatch):
    path = tmp_path / "huge.jsonl"
    with path.open("wb") as fh:
        fh.write(b'{"id": "big", "text": "' + b"word " * 10_000_000 + b'"}\n')
        fh.write(b'{"id": "small", "text": "China spoke."}\n')
    tracemalloc.start()
    items = list(read_articles([path]))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert str(items[0]).startswith(f"{path}, line 1: too big (over {MAX_BYTES:,} bytes")
    assert items[1].id == "small"
    assert peak < 3 * MAX_BYTES
    for name in ("huge.jsonl", "huge.txt"):
        if name == "huge.txt":
            path.write_bytes(b"word " * 10_000_000)
        with path.open("rb") as fh:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(fh))
            tracemalloc.start()
            items = list(read_articles(["-"]))
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        assert "<stdin>" in str(items[0]) and "too big" in str(items[0])
        assert peak < 3 * MAX_BYTES


def test_read_100000_word_sentence_is_refused_with_the_limit(tmp_path):
    path = tmp_path / "sentence.txt"
    path.write_text(" ".join(["China declined the request"] * 25_000) + ".\n",
                    encoding="utf-8")
    start = time.monotonic()
    run = dkg("build", path, "--memory")
    assert_one_error(run, EXIT_ERROR, f"{path}: article too long (over {MAX_TOKENS:,} words "
                                      f"and punctuation marks, the limit)")
    assert time.monotonic() - start < 10
    with pytest.raises(InputError, match="article too long"):
        article_from_dict({"id": "x", "text": "a," * (MAX_TOKENS // 2 + 1)}, "x")


def test_read_thousands_of_unbalanced_quote_marks_build(tmp_path, nlp):
    words = ARTICLE.split()
    text = " ".join(w + ('"' if i % 2 else " \u201c") * 20 for i, w in enumerate(words * 10))
    path = tmp_path / "quotes.txt"
    path.write_text(text + "\n", encoding="utf-8")
    assert text.count('"') + text.count("\u201c") >= 2000
    location = tmp_path / "store"
    run = dkg("build", path, "--store", location)
    assert run.code == 0, run.stderr
    with open_store(location, read_only=True) as st:
        assert st.article_ids() == ["quotes"]
        assert_exports_parse_back(st)


def test_read_file_name_with_newline_and_brackets_is_one_line_and_a_valid_iri(tmp_path, nlp):
    path = tmp_path / 'a\nb<c>"{d}\\.txt'
    path.write_text(ARTICLE, encoding="utf-8")
    bad = tmp_path / "x\ny.txt"
    bad.write_bytes(b"")
    location = tmp_path / "store"
    run = dkg("build", path, bad, "--store", location)
    line = assert_one_error(run, EXIT_PARTIAL, "x\\ny.txt: empty article")
    assert "\n" not in line
    with open_store(location, read_only=True) as st:
        assert st.article_ids() == ['a\nb<c>"{d}\\']
        assert_exports_parse_back(st)


def test_ingest_ids_naming_the_same_graph_keep_the_first(tmp_path, nlp):
    from kg.ingest import ingest

    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps({"id": i, "text": f"China spoke to {c}."}) + "\n"
                            for i, c in (("a/b", "Japan"), ("a_b", "India"), ("a/b", "Peru"))),
                    encoding="utf-8")
    with open_store(None, memory=True) as st:
        report = ingest([path], st)
        assert (report.built, report.failed) == (1, 2)
        assert report.errors == [
            "a_b: this id names the same graph as the article 'a/b' ('/' reads as '_'); "
            "the first one was kept; rename one of them",
            "a/b: the same article id came twice; the first one was kept"]
        assert st.article_ids() == ["a/b"]
        assert b"Japan" in st.export("nt") and b"India" not in st.export("nt")


@pytest.mark.skipif(sys.platform != "linux", reason="file names of raw bytes")
def test_read_file_name_not_utf8_is_refused_clearly(tmp_path):
    path = Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9.txt"))
    path.write_text(ARTICLE, encoding="utf-8")
    run = dkg("build", path, "--memory")
    assert_one_error(run, EXIT_ERROR, "file name: the article id is not Unicode text")


# ----------------------------------------------------------------------------- names and IRIs


@given(st.text(min_size=1, max_size=40))
@settings(max_examples=200, deadline=None)
def test_namespaces_any_id_or_key_gives_a_valid_iri(name):
    for iri in (article_iri(name), graph_iri(name), actor_iri(name), act_iri(name, name),
                span_iri(name, 0, 1), topic_iri(name, name)):
        ox.NamedNode(str(iri))  # raises on an invalid IRI
        assert not any(c in str(iri) for c in '<>"{}|^`\\ \n')


def _hostile_extraction(article_id: str, name: str, text: str) -> Extraction:
    span = Span(0, min(len(text), 5), text[:5], sentence=text)
    actors = (Actor(f"state/{name}", name, "state", aliases=(name + "!",), iso=name[:3],
                    role=name, member_of=f"org/{name}", mentions=(span,)),
              Actor(f"org/{name}", f"{name} ministry", "government"))
    act = Act(key=name, type="request", agent=f"state/{name}", addressee=f"org/{name}",
              participants=(f"org/{name}",), responds_to=name + "0",
              topic=name, content=name, quote=name, date_text=name, place=name,
              evidence=(span,))
    return Extraction(Article(article_id, text, title=name, source=name, url=name),
                      actors, (act,), model=name)


@given(article_id=st.text(st.characters(codec="utf-8"), min_size=1, max_size=20)
       .filter(lambda s: s.strip() and s != "ontology"),
       name=st.text(min_size=1, max_size=20) | st.sampled_from([HOSTILE, "\n", "\\", "<>"]),
       text=st.text(min_size=1, max_size=60))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_build_hostile_names_and_literals_export_and_parse_back(article_id, name, text):
    assert check_hostile([(article_id, name, text)]) == []


@pytest.mark.parametrize("article_id, name", [("v1.", "Jr."), ("Aborted.", "\n"),
                                               ("..", "."), ("ontology#", "ontology")])
def test_build_names_ending_in_a_dot_or_like_the_ontology_parse_back(article_id, name):
    """Found by bench/stress.py: rdflib could not read ``article:v1\\.`` in Turtle."""
    assert check_hostile([(article_id, name, "China spoke.")]) == []


def check_hostile(examples: list[tuple[str, str, str]]) -> list[str]:
    """Build each (article id, name, text) into a store of its own, with the name as every
    label, key and literal; the failures (build, store, or an export that does not parse
    back to the stored graph)."""
    failures = []
    for article_id, name, text in examples:
        try:
            ex = _hostile_extraction(article_id, name, text)
            with open_store(None, memory=True) as st:
                st.put_article(article_id, extraction_triples(ex, __version__))
                assert stored_quads(st)
                assert_exports_parse_back(st)
        except Exception as exc:  # noqa: BLE001 - any exception is a failure
            failures.append(f"{(article_id, name, text)!r}: {type(exc).__name__}: {exc}")
    return failures


# Random text: Unicode of every kind, and words the extractor reacts to.
_WORDS = ["China", "Japan", "the United States", "declined", "requested", "protested",
          "said", "\u201c", "\u201d", '"', "'", ".", ",", "\n", "Monday", "Wang Yi", "<b>",
          "&amp;", "\x00", "\u2028", "\U0001F600", "Xi\u2019s", "-", "(", ")"]
RANDOM_TEXT = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(_WORDS) | st.text(max_size=8), max_size=60).map(" ".join),
)


def check_random_texts(texts: list[str], *, nlp=None) -> list[str]:
    """Build each text (read as a .jsonl object) into one store and check it; the failures.

    The property, per text: reading refuses it with an InputError or gives an
    article; extraction and building never crash; the article's graph is in the
    store whole; and every export parses back to the stored graphs.
    """
    from kg.extract import extract_articles

    failures: list[str] = []
    articles = []
    for i, text in enumerate(texts):
        try:
            articles.append(article_from_dict({"id": f"t{i}", "text": text}, f"text {i}"))
        except InputError:
            continue
        except Exception as exc:  # noqa: BLE001 - any other exception is a failure
            failures.append(f"text {i} {text!r}: read: {type(exc).__name__}: {exc}")
    built = []
    with open_store(None, memory=True) as st:
        extractions = iter(extract_articles(articles, nlp=nlp))
        for article in articles:
            try:
                ex = next(extractions)
                triples = extraction_triples(ex, __version__)
                st.put_article(article.id, triples)
                if {q.triple for q in st._quads_of([ox.NamedNode(str(graph_iri(article.id)))])
                    } != set(triples):
                    failures.append(f"{article.id} {article.text!r}: not stored whole")
                built.append((article, triples))
            except Exception as exc:  # noqa: BLE001
                failures.append(f"{article.id} {article.text!r}: {type(exc).__name__}: {exc}")
                extractions = iter(extract_articles(articles[articles.index(article) + 1:],
                                                    nlp=nlp))
        try:
            assert_exports_parse_back(st)
            return failures
        except Exception:  # noqa: BLE001 - find the texts at fault, one store each
            pass
    for article, triples in built:
        try:
            with open_store(None, memory=True) as one:
                one.put_article(article.id, triples)
                assert_exports_parse_back(one)
        except Exception as exc:  # noqa: BLE001
            failures.append(f"{article.id} {article.text!r}: export: {type(exc).__name__}: {exc}")
    return failures


@given(text=RANDOM_TEXT)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
def test_build_random_unicode_text_never_crashes_and_exports_parse_back(text, nlp):
    assert check_random_texts([text], nlp=nlp) == []


# ----------------------------------------------------------------------------- commands


def test_cli_debug_shows_the_traceback(tmp_path):
    quiet = dkg("query", "events", "--store", tmp_path / "none")
    assert_one_error(quiet, EXIT_ERROR, f"no store at {tmp_path / 'none'}")
    loud = dkg("--debug", "query", "events", "--store", tmp_path / "none")
    assert loud.code == EXIT_ERROR
    assert "Traceback (most recent call last)" in loud.stderr
    assert loud.lines[-1] == f"Error: no store at {tmp_path / 'none'}; build one with dkg build"


def test_cli_sparql_syntax_error_names_line_and_column(built_store, tmp_path):
    run = dkg("query", "--store", built_store, "--sparql", "SELECT * WHERE {\n ?s ?p }")
    assert_one_error(run, EXIT_ERROR, "SPARQL syntax error", "line 2, column")
    rq = tmp_path / "bad.rq"
    rq.write_text("# Broken\nSELECT ?x WHERE {\n  ?x ?y\n}\n", encoding="utf-8")
    run = dkg("query", "--store", built_store, rq)
    assert_one_error(run, EXIT_ERROR, f"SPARQL syntax error in query file {rq} at line ")


@pytest.mark.parametrize("value", ["actor:<>", "urn:x\"{}", "dkg:a\\b"])
def test_cli_parameter_that_is_not_a_valid_iri(built_store, value):
    run = dkg("query", "--store", built_store, "--sparql",
              "SELECT ?x WHERE { ?x ?p ?o } LIMIT 1", "-p", f"x={value}")
    assert_one_error(run, EXIT_ERROR, f"parameter x: {value!r} is not a valid IRI")


def test_cli_unknown_query_or_file(built_store, tmp_path):
    assert_one_error(dkg("query", "--store", built_store, "no_such_question"), EXIT_ERROR,
                     "unknown query 'no_such_question'; known queries: ")
    assert_one_error(dkg("query", "--store", built_store, tmp_path / "none.rq"), EXIT_ERROR,
                     f"cannot read query file {tmp_path / 'none.rq'}")


@pytest.mark.parametrize("args, says", [
    (("export", "-f", "rdfxml"), "'rdfxml' is not one of 'turtle', 'trig', 'nt', 'nq'"),
    (("query", "events", "-f", "yaml"), "'yaml' is not one of 'table', 'csv'"),
    (("network", "-o", "net.pdf"), "cannot tell the format of 'net.pdf'"),
    (("query", "events", "--param", "actor"), "--param 'actor': write it as NAME=VALUE"),
    (("build",), "Missing argument 'PATH...'"),
    (("build", "x.txt", "--encoding", "klingon"), "Invalid value for '--encoding': unknown "
                                                  "encoding 'klingon'"),
    (("nosuch",), "No such command 'nosuch'"),
])
def test_cli_unknown_format_or_bad_usage_is_one_line_exit_2(built_store, args, says):
    run = dkg(*args, "--store", built_store) if args[0] != "nosuch" else dkg(*args)
    line = assert_one_error(run, EXIT_USAGE, says)
    assert line.endswith("--help)")


def test_cli_store_that_is_a_file(tmp_path):
    store = tmp_path / "file"
    store.write_text("x")
    (tmp_path / "a.txt").write_text(ARTICLE)
    for args in (("build", tmp_path / "a.txt"), ("query", "events"), ("export",),
                 ("network", "--stats"), ("validate", "--no-reasoner")):
        run = dkg(*args, "--store", store)
        assert_one_error(run, EXIT_ERROR, f"{store} is a file, not a store directory")
    inside = dkg("build", tmp_path / "a.txt", "--store", store / "sub")
    assert_one_error(inside, EXIT_ERROR, f"cannot create the store {store / 'sub'}: "
                                         f"Not a directory")


def test_cli_store_missing_for_readers(tmp_path):
    for args in (("query", "events"), ("export",), ("network", "--stats"),
                 ("validate", "--no-reasoner")):
        run = dkg(*args, "--store", tmp_path / "none")
        assert_one_error(run, EXIT_ERROR, f"no store at {tmp_path / 'none'}; build one")
    served = dkg("serve", "--store", tmp_path / "none", "--port", "0")
    assert_one_error(served, EXIT_ERROR, f"{tmp_path / 'none'} does not exist; build one first")
    assert not (tmp_path / "none").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through file permissions")
def test_cli_store_unwritable(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        run = dkg("build", tmp_path / "a.txt", "--store", locked / "store")
        assert_one_error(run, EXIT_ERROR, f"cannot create the store {locked / 'store'}")
    finally:
        locked.chmod(0o700)


def test_cli_store_not_writable_even_as_root(tmp_path, monkeypatch):
    """The check a non-root user meets on a read-only store (os.access says no)."""
    import kg.store

    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "store").mkdir()
    monkeypatch.setattr(kg.store.os, "access", lambda path, mode: False)
    run = dkg("build", tmp_path / "a.txt", "--store", tmp_path / "store")
    assert_one_error(run, EXIT_ERROR, f"the store {tmp_path / 'store'} is not writable")


def test_cli_outputs_into_a_missing_directory(built_store, tmp_path):
    nowhere = tmp_path / "nowhere"
    assert_one_error(dkg("export", "--store", built_store, "-o", nowhere / "g.ttl"),
                     EXIT_ERROR, f"cannot write {nowhere / 'g.ttl'}: no directory {nowhere}")
    assert_one_error(dkg("network", "--store", built_store, "-o", nowhere / "n.png"),
                     EXIT_ERROR, f"{nowhere}: no such directory")
    gold = DATA / "balloon-call-declined.yaml"
    assert_one_error(dkg("eval", "--store", built_store, gold, "--json", nowhere / "s.json"),
                     EXIT_ERROR, f"cannot write {nowhere / 's.json'}: no directory {nowhere}")
    (tmp_path / "file").write_text("x")
    assert_one_error(dkg("demo", "-o", tmp_path / "file"), EXIT_ERROR,
                     f"cannot write into {tmp_path / 'file'}: it is a file, not a folder")
    assert not nowhere.exists()


def test_cli_eval_broken_gold_yaml_names_line_and_column(tmp_path):
    gold = tmp_path / "g.yaml"
    gold.write_text("article: g\nevents: [\n", encoding="utf-8")
    run = dkg("eval", "--build", gold)
    assert run.code == EXIT_ERROR and "Traceback" not in run.stderr
    assert run.lines == [f"Error: {gold}, line 3, column 1: broken YAML: expected the node "
                         f"content, but found '<stream end>'",
                         "Error: no gold file could be read"]  # each input, then the verdict


# ----------------------------------------------------------------------------- atomic writes


@pytest.fixture
def failing_rename(monkeypatch):
    """os.replace fails: a writer that writes in place would leave its file half-done."""
    def refuse(src, dst, *a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)


def _untouched(folder: Path, name: str, old: bytes) -> None:
    assert (folder / name).read_bytes() == old
    assert sorted(p.name for p in folder.iterdir()) == [name]  # no temporary file left


def test_store_write_atomically_leaves_the_old_file_or_the_new_one(tmp_path, failing_rename):
    target = tmp_path / "out.ttl"
    target.write_bytes(b"old")
    with pytest.raises(Exception, match="No space left on device"):
        write_atomically(target, b"new" * 1000)
    _untouched(tmp_path, "out.ttl", b"old")


@pytest.mark.parametrize("command, name", [
    (("export", "-f", "nq", "-o"), "graph.nq"),
    (("network", "-o"), "net.json"),
    (("network", "-o"), "net.graphml"),
    (("network", "-o"), "net.html"),
    (("network", "-o"), "net.png"),
    (("eval", str(DATA / "balloon-call-declined.yaml"), "--json"), "scores.json"),
])
def test_cli_output_files_are_written_whole_or_not_at_all(built_store, tmp_path, command,
                                                          name, failing_rename):
    out = tmp_path / "out"
    out.mkdir()
    (out / name).write_bytes(b"old")
    run = dkg(*command, out / name, "--store", built_store)
    assert run.code != 0 and "Traceback" not in run.stderr
    _untouched(out, name, b"old")


def test_demo_files_are_written_whole_or_not_at_all(tmp_path, nlp, monkeypatch):
    """The demo writes graph.ttl, network.png and network.html each through a rename."""
    import kg.draw
    import kg.store

    renamed = []
    real = os.replace
    monkeypatch.setattr(os, "replace", lambda src, dst: (renamed.append(Path(dst).name),
                                                         real(src, dst)))
    run = dkg("demo", "-o", tmp_path / "demo")
    assert run.code == 0, run.stderr
    assert sorted(renamed) == ["graph.ttl", "network.html", "network.png"]
    assert sorted(p.name for p in (tmp_path / "demo").iterdir()) == sorted(renamed)
