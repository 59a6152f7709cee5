"""Tests of the named SPARQL questions and kg.queries: headers, parameters, and the
example article's gold questions answered on the gold graph and on the extractor's graph."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg.build import extraction_graph
from kg.errors import QueryError
from kg.gold import gold_extraction, read_gold
from kg.model import Act, Actor, Article, Extraction, Span
from kg.namespaces import PREFIXES, actor_iri
from kg.queries import bind_params, list_queries, load_query, parse_query, query, resolve_actor
from kg.read import read_text_file
from kg.store import open_store

DATA = Path(__file__).parent / "data"
EXAMPLE = "balloon-call-declined"
QUERY_NAMES = [name for name, _ in list_queries()]
EVENT_COLUMNS = ["event", "article", "type", "by", "byLabel", "via", "viaLabel", "to", "toLabel",
                 "respondsTo", "quote", "date", "start", "end", "evidence"]


# --------------------------------------------------------------------------- fixtures

def _store_of(*extractions: Extraction):
    """An in-memory store with the ontology and each extraction's graph."""
    st = open_store(None, memory=True)
    st.ensure_ontology()
    for ex in extractions:
        st.put_article(ex.article.id, extraction_graph(ex, "test"))
    return st


@pytest.fixture(scope="module")
def article() -> Article:
    return read_text_file(DATA / f"{EXAMPLE}.txt")


@pytest.fixture(scope="module")
def gold():
    return read_gold(DATA / f"{EXAMPLE}.yaml")


@pytest.fixture(scope="module")
def gold_store(gold, article):
    st = _store_of(gold_extraction(gold, article))
    yield st
    st.close()


@pytest.fixture(scope="module")
def extractor_store(article):
    from kg.extract import extract_article

    st = _store_of(extract_article(article))
    yield st
    st.close()


@pytest.fixture()
def empty_store():
    st = open_store(None, memory=True)
    yield st
    st.close()


# --------------------------------------------------------------------------- matching to gold

def _norm(text: str | None) -> str:
    """A name compared as FORMAT.md says: case and punctuation aside."""
    return re.sub(r"[\W_]+", "", (text or "").casefold())


class GoldMatch:
    """Maps the graph's actors to gold actors by name, and its acts to gold events by evidence."""

    def __init__(self, store, gold, text: str):
        self.gold = gold
        names: dict[str, set[str]] = {}
        for g in gold.actors:
            for name in (g.name, *g.aliases):
                names.setdefault(_norm(name), set()).add(g.id)
        self.actor_ids: dict[str, set[str]] = {}
        self.labels: dict[str, str] = {}
        for row in query(store, "actors"):
            self.labels[row["actor"]] = row["label"] or row["actor"]
            for name in (row["label"], row["altLabel"]):
                if name:
                    self.actor_ids.setdefault(row["actor"], set()).update(
                        names.get(_norm(name), ()))
        self.chain = {g.id: self._chain(g.id) for g in gold.actors}
        self.gold_spans = {}
        for e in gold.events:
            spans = []
            for needle in (e.evidence, *e.other_evidence):
                start = text.find(needle)
                if needle and start >= 0:
                    spans.append((start, start + len(needle)))
            self.gold_spans[e.id] = spans
        self.acts: dict[str, dict] = {}
        for row in query(store, "events"):
            act = self.acts.setdefault(row["event"], {"type": row["type"], "by": row["by"],
                                                      "spans": []})
            act["spans"].append((row["start"], row["end"]))

    def _chain(self, actor_id: str) -> list[str]:
        out, seen = [], set()
        while actor_id and actor_id not in seen:
            seen.add(actor_id)
            out.append(actor_id)
            actor_id = self.gold.actor(actor_id).member_of
        return out

    def actor(self, iri: str | None) -> str:
        """The gold id of a graph actor ("?label" when none or several match)."""
        ids = self.actor_ids.get(iri or "", set())
        if len(ids) == 1:
            return next(iter(ids))
        return "?" + self.labels.get(iri or "", str(iri))

    def iris_of(self, gold_id: str) -> list[str]:
        """The graph actors that are this gold actor."""
        return sorted(iri for iri, ids in self.actor_ids.items() if ids == {gold_id})

    def event(self, iri: str | None) -> str:
        """The gold id of a graph act: its evidence overlaps the gold evidence and its type
        is the gold type (or an also_ok one); the closest by actor and overlap wins."""
        act = self.acts.get(iri or "")
        if act is None:
            return f"?{iri}"
        best, best_key = None, None
        for e in self.gold.events:
            if act["type"] not in (e.type, *e.also_ok):
                continue
            overlap = max((min(b, d) - max(a, c) for a, b in act["spans"]
                           for c, d in self.gold_spans[e.id]), default=0)
            if overlap <= 0:
                continue
            by = self.actor(act["by"])
            by_ok = 2 if by in e.by else 1 if any(by in self.chain[b] for b in e.by) else 0
            key = (by_ok, overlap)
            if best_key is None or key > best_key:
                best, best_key = e.id, key
        return best or f"?{iri}"


def _rows_for(store, name: str, m: GoldMatch, param: str | None = None,
              gold_id: str | None = None, **params) -> list[dict]:
    """Rows of a question, with ``param`` set to each graph actor that is gold actor ``gold_id``."""
    if param is None:
        return query(store, name, **params)
    rows = []
    for iri in m.iris_of(gold_id):
        rows.extend(query(store, name, **{param: iri}, **params))
    return rows


def _answer(qid: str, store, m: GoldMatch) -> set[tuple[str, ...]]:
    """The graph's answer to a gold question, as tuples of gold ids (or literal strings)."""
    if qid == "q1":  # Which side declined which request?
        return {(m.actor(r["decliner"]), m.event(r["request"]))
                for r in query(store, "declined_requests")}
    if qid == "q2":  # Who made the declined request, and to whom?
        return {(m.actor(r["by"]), m.actor(r["to"]))
                for r in query(store, "requests") if r["status"] == "declined"}
    if qid == "q3":  # Between which persons was the requested call to be held?
        out = set()
        for r in query(store, "declined_requests"):
            for p in query(store, "participants", act=r["request"]):
                if p["kind"] == "person":
                    out.add((m.actor(p["actor"]),))
        return out
    if qid == "q4":  # What did China's Foreign Affairs Ministry protest?
        return {(m.event(r["respondsTo"]),)
                for r in _rows_for(store, "protests", m, "actor", "chn_mfa")}
    if qid == "q5":  # Which actors made conflicting claims about what the balloon was for?
        out = set()
        for r in query(store, "conflicting_claims"):
            if (r["type"], r["otherType"]) != ("claim", "claim"):
                continue  # the question is about claims, not every statement on the topic
            out.add((m.actor(r["by"]), m.event(r["claim"])))
            out.add((m.actor(r["otherBy"]), m.event(r["otherClaim"])))
        return out
    if qid == "q6":  # Who responded to China's statement, and to which outlet?
        return {(m.actor(r["by"]), m.actor(r["to"]))
                for r in _rows_for(store, "responses", m, "author", "chn")}
    if qid == "q7":  # What did China request of the United States?
        out = set()
        for target in m.iris_of("usa"):
            for r in _rows_for(store, "requests", m, "actor", "chn", target=target):
                out.add((m.event(r["request"]),))
        return out
    if qid == "q8":  # Which requests have no recorded response?
        return {(m.event(r["request"]),)
                for r in query(store, "requests") if r["status"] == "no recorded response"}
    if qid == "q9":  # Who spoke for the U.S. Department of Defense?
        return {(m.actor(r["speaker"]),)
                for r in _rows_for(store, "spokespersons", m, "speaksFor", "us_dod")}
    if qid == "q10":  # Which threats were made, by whom, against whom?
        return {(m.actor(r["by"]), m.actor(r["to"]), m.event(r["threat"]))
                for r in query(store, "threats")}
    if qid == "q11":  # On what date did the U.S. shoot down the balloon?
        return {(r["date"].isoformat(),)
                for r in _rows_for(store, "timeline", m, "actor", "usa", type="action")}
    if qid == "q12":  # Which named persons belong to which state?
        return {(m.actor(r["person"]), m.actor(r["state"]))
                for r in query(store, "memberships") if r["named"] and r["state"]}
    raise AssertionError(f"no named query answers {qid}")


QUESTIONS = [q.id for q in read_gold(DATA / f"{EXAMPLE}.yaml").questions]


def _check_question(qid, store, gold, article):
    m = GoldMatch(store, gold, article.text)
    question = next(q for q in gold.questions if q.id == qid)
    expected = {tuple(row) for row in question.answer}
    got = _answer(qid, store, m)
    assert got == expected, f"{qid} {question.q!r}: got {sorted(got)}, gold {sorted(expected)}"


@pytest.mark.parametrize("qid", QUESTIONS)
def test_queries_gold_graph_answers_question(qid, gold_store, gold, article):
    _check_question(qid, gold_store, gold, article)


@pytest.mark.parametrize("qid", QUESTIONS)
def test_queries_extractor_graph_answers_question(qid, extractor_store, gold, article):
    _check_question(qid, extractor_store, gold, article)


def test_queries_gold_questions_are_all_covered():
    assert QUESTIONS == [f"q{i}" for i in range(1, 13)]


# --------------------------------------------------------------------------- the files

@pytest.mark.parametrize("name", QUERY_NAMES)
def test_queries_file_has_header_and_standard_prefixes(name):
    q = load_query(name)
    assert q.summary and not q.summary.startswith("#"), name
    assert q.question, name
    assert q.columns, name
    declared = dict(re.findall(r"^PREFIX\s+(\w+):\s*<([^>]+)>", q.text, re.M))
    assert declared, name
    for prefix, ns in declared.items():
        assert PREFIXES[prefix] == ns, (name, prefix)
    for p in q.params:
        assert p.name in q.columns, (name, p.name)  # substituted variables must be projected


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_queries_file_runs_on_an_empty_store(name, empty_store):
    q = load_query(name)
    params = {p.name: "https://w3id.org/dkg/actor/none" for p in q.params if p.required}
    results = kg.queries.run(empty_store, q, params)
    assert [v.value for v in results.variables] == list(q.columns)
    assert list(results) == []


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_queries_file_runs_on_the_gold_graph(name, gold_store):
    q = load_query(name)
    params = {}
    if any(p.required and p.kind == "actor" for p in q.params):
        params = {p.name: "China" for p in q.params if p.required}
    elif any(p.required for p in q.params):
        act = query(gold_store, "events")[0]["event"]
        params = {p.name: act for p in q.params if p.required}
    rows = query(gold_store, name, **params)
    assert rows, name
    assert list(rows[0]) == list(q.columns)


def test_queries_events_columns_are_the_scorers():
    assert list(load_query("events").columns) == EVENT_COLUMNS


def test_queries_events_one_row_per_act_and_span(gold_store, gold, article):
    ex = gold_extraction(gold, article)
    rows = query(gold_store, "events")
    assert len(rows) == sum(len(a.evidence) for a in ex.acts)
    for row in rows:
        assert article.text[row["start"]:row["end"]] == row["evidence"]
        assert row["article"] == EXAMPLE


def test_queries_rows_are_plain_python_values(gold_store):
    rows = query(gold_store, "timeline")
    assert all(isinstance(r["date"], dt.date) for r in rows)
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    edges = query(gold_store, "network_edges")
    assert all(isinstance(r["weight"], float) and isinstance(r["count"], int) for r in edges)
    assert all(isinstance(r["source"], str) for r in edges)


def test_queries_rows_make_a_data_frame(gold_store):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(query(gold_store, "events"))
    assert list(frame.columns) == EVENT_COLUMNS


def test_queries_actors_kind_is_the_gold_word(gold_store, gold):
    kinds = {r["label"]: r["kind"] for r in query(gold_store, "actors")}
    assert kinds == {a.name: a.kind for a in gold.actors}


def test_queries_same_answer_from_a_plain_pyoxigraph_store(gold, article):
    plain = ox.Store()
    plain.load(path=str(kg.resources.ontology_path()), format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode(str(kg.namespaces.ONTOLOGY_GRAPH)))
    graph = extraction_graph(gold_extraction(gold, article), "test")
    plain.load(graph.serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES,
               to_graph=ox.NamedNode(str(kg.namespaces.graph_iri(EXAMPLE))))
    with _store_of(gold_extraction(gold, article)) as st:
        for name in ("declined_requests", "conflicting_claims", "participants"):
            assert query(plain, name) == query(st, name), name


def test_queries_rdflib_graph_is_queried_with_the_ontology(gold, article):
    graph = extraction_graph(gold_extraction(gold, article), "test")
    with _store_of(gold_extraction(gold, article)) as st:
        for name in ("events", "participants"):
            assert query(graph, name) == query(st, name), name
    assert kg.query(graph, "threats", actor="Foreign Ministry")[0]["toLabel"] == "United States"


def test_queries_kg_query_opens_a_store_path(tmp_path, gold, article):
    path = tmp_path / "store"
    with open_store(path) as st:
        st.ensure_ontology()
        st.put_article(EXAMPLE, extraction_graph(gold_extraction(gold, article), "test"))
    rows = kg.query(path, "threats", actor="China")
    assert [r["byLabel"] for r in rows] == ["Ministry of Foreign Affairs of China"]
    assert kg.query(str(path), "declined_requests")[0]["declinerLabel"] == "China"


# --------------------------------------------------------------------------- names and errors

def test_queries_list_has_summaries():
    listed = dict(list_queries())
    for name in ("events", "actors", "declined_requests", "requests", "responses",
                 "statements_by", "protests", "accusations", "threats", "conflicting_claims",
                 "spokespersons", "memberships", "timeline", "evidence", "network_edges"):
        assert listed.get(name), name


def test_queries_unknown_name_lists_known_names():
    with pytest.raises(QueryError, match=r"unknown query 'nope'; known queries: .*declined_requests"):
        load_query("nope")


def test_queries_load_from_a_file(tmp_path, gold_store):
    path = tmp_path / "mine.rq"
    path.write_text("# Threat count.\n# param actor: IRI of an actor (or its label), optional\n"
                    "PREFIX dkg: <https://w3id.org/dkg/ontology#>\n"
                    "SELECT ?actor (COUNT(?t) AS ?n) WHERE { ?t a dkg:Threat ; dkg:agent ?actor }"
                    " GROUP BY ?actor\n", encoding="utf-8")
    q = load_query(str(path))
    assert q.name == "mine" and q.summary == "Threat count."
    assert query(gold_store, str(path), actor="Foreign Ministry")[0]["n"] == 1


def test_queries_syntax_error_names_line_and_column(gold_store):
    with pytest.raises(QueryError) as info:
        query(gold_store, "SELECT ?s WHERE {\n  ?s ?p \n}")
    message = str(info.value)
    assert re.search(r"syntax error .*at line \d+, column \d+", message)
    assert "\n" not in message


def test_queries_label_resolves_case_and_punctuation_aside(gold_store):
    chn = str(actor_iri(f"gold/{EXAMPLE}/chn"))
    assert resolve_actor(gold_store, "china").value == chn
    assert resolve_actor(gold_store, "  PRC ").value == chn
    assert resolve_actor(gold_store, "Pentagon").value == str(actor_iri(f"gold/{EXAMPLE}/us_dod"))
    assert resolve_actor(gold_store, "U.S").value == str(actor_iri(f"gold/{EXAMPLE}/usa"))


def test_queries_label_parameter_is_bound_as_the_actor(gold_store):
    rows = query(gold_store, "requests", actor="China", target="Washington")
    assert [r["toLabel"] for r in rows] == ["United States"]
    assert rows[0]["actor"] == str(actor_iri(f"gold/{EXAMPLE}/chn"))
    by_iri = query(gold_store, "requests", actor=f"actor:gold/{EXAMPLE}/chn",
                   target="Washington")
    assert by_iri == rows


def test_queries_unknown_label_suggests_names(gold_store):
    with pytest.raises(QueryError, match=r"no actor is called 'Chna'.*China"):
        query(gold_store, "threats", actor="Chna")


def test_queries_ambiguous_label_lists_candidates(gold, article):
    other = Article("other-ministry", "The ministry said so.", published="2023-02-08")
    span = Span(0, 12, "The ministry", "The ministry said so.")
    ex = Extraction(other, (Actor("body/xyz/mfa", "Ministry of Foreign Affairs of Xyz",
                                  "government", ("the ministry",), mentions=(span,)),), ())
    with _store_of(gold_extraction(gold, article), ex) as st:
        with pytest.raises(QueryError) as info:
            query(st, "threats", actor="the ministry")
    message = str(info.value)
    assert "several actors" in message
    assert "Ministry of Foreign Affairs of China" in message
    assert "Ministry of Foreign Affairs of Xyz" in message


def test_queries_parameter_text_is_never_pasted_into_the_query(gold_store):
    with pytest.raises(QueryError, match="no actor is called"):
        query(gold_store, "threats", actor='China" } } SELECT * WHERE { ?s ?p ?o } #')
    rows = query(gold_store, 'SELECT ?x WHERE { BIND("a" AS ?y) }', x='"} DROP ALL')
    assert rows == [{"x": '"} DROP ALL'}]


def test_queries_parameter_checks(gold_store):
    with pytest.raises(QueryError, match="has no parameter 'who'; its parameters: actor"):
        query(gold_store, "statements_by", who="China")
    with pytest.raises(QueryError, match="needs parameter 'actor'"):
        query(gold_store, "statements_by")
    with pytest.raises(QueryError, match="not an act type"):
        query(gold_store, "timeline", type="shooting")
    with pytest.raises(QueryError, match="not an IRI"):
        query(gold_store, "evidence", act="the decline")
    assert query(gold_store, "timeline", type="ACTION")


def test_queries_bind_params_reads_strings_as_the_header_says(gold_store):
    q = load_query("timeline")
    bound = bind_params(gold_store, q, {"actor": "China", "type": "claim"})
    assert bound["actor"] == ox.NamedNode(str(actor_iri(f"gold/{EXAMPLE}/chn")))
    assert bound["type"] == ox.Literal("claim")
    assert parse_query("SELECT * WHERE { ?s ?p ?o }").params == ()


# --------------------------------------------------------------------------- the questions' rules

def _claims_article(*acts: Act, topics: bool = False) -> Extraction:
    text = "x" * 400
    actors = (
        Actor("state/AAA", "Aland", "state", ("Alanders",)),
        Actor("state/BBB", "Borduria", "state"),
        Actor("body/bbb/fm", "Bordurian Foreign Ministry", "government", member_of="state/BBB"),
    )
    return Extraction(Article("claims", text), actors, acts)


def _act(key, type_, agent, content, start, **kw) -> Act:
    return Act(key, type_, agent, (Span(start, start + 10, "x" * 10),), content=content, **kw)


def test_queries_conflicting_claims_need_a_shared_word_that_is_no_actor_name():
    ex = _claims_article(
        _act("a1", "claim", "state/AAA", "the Borduria vessel was a fishing trawler", 0),
        _act("b1", "claim", "body/bbb/fm", "the vessel was spying on Aland harbours", 20),
        _act("b2", "claim", "state/BBB", "Aland and Borduria agreed on nothing", 40),
        _act("a2", "claim", "state/AAA", "Borduria lied about everything", 60),
    )
    with _store_of(ex) as st:
        rows = query(st, "conflicting_claims")
    pairs = {frozenset((r["claim"].rsplit("/", 1)[1], r["otherClaim"].rsplit("/", 1)[1]))
             for r in rows}
    assert pairs == {frozenset(("a1", "b1"))}
    assert rows[0]["topic"] == "vessel" and rows[0]["basis"] == "shared word"


def test_queries_conflicting_claims_by_topic_or_response_and_never_one_side():
    ex = _claims_article(
        _act("a1", "statement", "state/AAA", "nothing in common one", 0, topic="the dam"),
        _act("b1", "statement", "state/BBB", "quite different words", 20, topic="the dam"),
        _act("a2", "claim", "state/AAA", "alpha words", 40),
        _act("b2", "denial", "body/bbb/fm", "omega phrases", 60, responds_to="a2"),
        _act("b3", "claim", "state/BBB", "the dam leaked", 80, topic="the dam"),
    )
    with _store_of(ex) as st:
        rows = query(st, "conflicting_claims")
    pairs = {frozenset((r["claim"].rsplit("/", 1)[1], r["otherClaim"].rsplit("/", 1)[1])):
             r["basis"] for r in rows}
    assert pairs == {frozenset(("a1", "b1")): "same topic", frozenset(("a1", "b3")): "same topic",
                     frozenset(("a2", "b2")): "response"}


def test_queries_network_edge_without_addressee_points_at_the_act_answered():
    ex = _claims_article(
        _act("a1", "action", "state/AAA", "fired on a boat", 0, subtype="use_of_force"),
        _act("b1", "protest", "body/bbb/fm", "protested the firing", 20, responds_to="a1"),
        _act("b2", "protest", "body/bbb/fm", "protested again", 40, addressee="state/AAA"),
    )
    with _store_of(ex) as st:
        edges = query(st, "network_edges")
    assert [(e["sourceLabel"], e["targetLabel"], e["type"], e["weight"], e["count"])
            for e in edges] == [("Bordurian Foreign Ministry", "Aland", "protest", -2.0, 2)] * 2
    assert {e["sourceState"] for e in edges} == {str(actor_iri("state/BBB"))}
