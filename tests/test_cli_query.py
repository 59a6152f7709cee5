"""Tests of ``dkg queries`` and ``dkg query``: output formats, parameters, error lines and codes."""
from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.build import extraction_graph
from kg.cli import cli
from kg.gold import gold_extraction, read_gold
from kg.model import Actor, Article, Extraction, Span
from kg.queries import list_queries, load_query
from kg.read import read_text_file
from kg.store import open_store

DATA = Path(__file__).parent / "data"
EXAMPLE = "balloon-call-declined"


def _build(path: Path, *extractions: Extraction) -> str:
    with open_store(path) as st:
        st.ensure_ontology()
        for ex in extractions:
            st.put_article(ex.article.id, extraction_graph(ex, "test"))
    return str(path)


@pytest.fixture(scope="module")
def gold():
    return read_gold(DATA / f"{EXAMPLE}.yaml")


@pytest.fixture(scope="module")
def article():
    return read_text_file(DATA / f"{EXAMPLE}.txt")


@pytest.fixture(scope="module")
def store(tmp_path_factory, gold, article) -> str:
    return _build(tmp_path_factory.mktemp("cli") / "store", gold_extraction(gold, article))


def dkg(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_cli_queries_lists_every_question_with_its_summary():
    result = dkg("queries")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == [name for name, _ in list_queries()]
    for line, (name, summary) in zip(lines, list_queries()):
        assert line.endswith(summary)


def test_cli_queries_name_describes_parameters_and_columns():
    result = dkg("queries", "requests")
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == load_query("requests").summary
    assert "param actor: IRI of an actor (or its label)" in result.output
    assert "?status" in result.output
    unknown = dkg("queries", "nope")
    assert unknown.exit_code == 1 and "known queries" in unknown.output


def test_cli_query_declined_requests_prints_decliner_requester_content_sentence(store, gold):
    result = dkg("query", "declined_requests", "--store", store)
    assert result.exit_code == 0, result.output
    out = result.output
    decline = next(e for e in gold.events if e.type == "decline")
    request = next(e for e in gold.events if e.id == decline.responds_to[0])
    assert gold.actor(decline.by[0]).name in out
    assert gold.actor(request.by[0]).name in out
    words = out.split()
    for text in (request.about, decline.evidence):  # wrapped within their columns
        assert all(w in words for w in text.split()), text
    assert out.rstrip().endswith("(1 row)")
    tsv = dkg("query", "declined_requests", "--store", store, "--format", "tsv").output
    assert decline.evidence in tsv and request.about in tsv


def test_cli_query_table_fits_its_width_and_hides_iri_beside_label(store):
    narrow = dkg("query", "threats", "--store", store)  # few columns: one table
    assert narrow.exit_code == 0
    header = narrow.output.splitlines()[0].split()
    assert "byLabel" in header and "by" not in header and "actor" not in header
    wide = dkg("query", "events", "--store", store)  # too many columns: one block per row
    assert wide.exit_code == 0
    lines = wide.output.splitlines()
    assert lines[0].startswith("-[ 1 ]") and re.fullmatch(r"\(\d+ rows\)", lines[-1])
    assert any(line.startswith("byLabel ") for line in lines)
    assert not any(line.startswith("by ") for line in lines)
    for out in (narrow.output, wide.output):
        assert max(len(line) for line in out.splitlines()) <= 120


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_cli_query_result_formats(store, fmt):
    result = dkg("query", "threats", "--store", store, "--format", fmt)
    assert result.exit_code == 0, result.output
    columns = list(load_query("threats").columns)
    out = result.output
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert rows[0] == columns and len(rows) == 2
    elif fmt == "tsv":
        assert out.splitlines()[0].split("\t") == [f"?{c}" for c in columns]
    elif fmt == "json":
        data = json.loads(out)
        assert data["head"]["vars"] == columns
        assert data["results"]["bindings"][0]["byLabel"]["value"] == \
            "Ministry of Foreign Affairs of China"
    else:
        ns = {"s": "http://www.w3.org/2005/sparql-results#"}
        root = ET.fromstring(out)
        assert [v.get("name") for v in root.find("s:head", ns)] == columns


def test_cli_query_param_by_label(store):
    result = dkg("query", "requests", "--store", store, "-p", "actor=China",
                 "--param", "target=United States", "-f", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["status"] for r in rows] == ["no recorded response"]


def test_cli_query_ambiguous_label_is_one_line(tmp_path, gold, article):
    other = Article("other", "The ministry said so.")
    ex = Extraction(other, (Actor("body/xyz/mfa", "Ministry of Xyz", "government",
                                  ("the ministry",), mentions=(Span(0, 12, "The ministry"),)),), ())
    path = _build(tmp_path / "store", gold_extraction(gold, article), ex)
    result = dkg("query", "threats", "--store", path, "-p", "actor=the ministry")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert "names several actors" in result.output and "Ministry of Xyz" in result.output


def test_cli_query_syntax_error_has_line_and_column(store):
    result = dkg("query", "--store", store, "--sparql", "SELECT ?s WHERE {\n ?s ?p }")
    assert result.exit_code == 1
    assert result.output.startswith("Error: SPARQL syntax error")
    assert "at line 2, column" in result.output
    assert result.output.count("\n") == 1


def test_cli_query_unknown_name_lists_known_names(store):
    result = dkg("query", "nope", "--store", store)
    assert result.exit_code == 1
    assert result.output.startswith("Error: unknown query 'nope'; known queries: ")
    assert "declined_requests" in result.output and result.output.count("\n") == 1


def test_cli_query_missing_store_is_one_line_and_creates_nothing(tmp_path):
    missing = tmp_path / "no-store"
    result = dkg("query", "events", "--store", str(missing))
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "no store" in result.output
    assert not missing.exists()


def test_cli_query_file_and_sparql_text(store, tmp_path):
    path = tmp_path / "count.rq"
    path.write_text("# How many acts.\nPREFIX dkg: <https://w3id.org/dkg/ontology#>\n"
                    "SELECT (COUNT(?a) AS ?acts) WHERE { ?a dkg:reportedIn ?x }\n")
    result = dkg("query", str(path), "--store", store, "-f", "csv")
    assert result.exit_code == 0 and result.output.split() == ["acts", "20"]
    ask = dkg("query", "--sparql", "ASK { ?s a <https://w3id.org/dkg/ontology#Threat> }",
              "--store", store)
    assert ask.output == "true\n"
    turtle = dkg("query", "--store", store, "--sparql",
                 "CONSTRUCT { ?s a dkg:Threat } WHERE { ?s a dkg:Threat }")
    assert turtle.exit_code == 0 and "dkg:Threat" in turtle.output


def test_cli_query_usage_errors_exit_2(store):
    assert dkg("query", "--store", store).exit_code == 2
    assert dkg("query", "events", "--sparql", "ASK {}", "--store", store).exit_code == 2
    bad = dkg("query", "threats", "-p", "actor", "--store", store)
    assert bad.exit_code == 2 and "NAME=VALUE" in bad.output
