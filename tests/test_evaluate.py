"""Tests of the scorer (kg.evaluate) and of ``dkg eval``."""
from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from kg.cli import main
from kg.evaluate import (ACTOR_COLUMNS, EVENT_COLUMNS, gold_spans, normalise_name,
                         rows_for_article, rows_from_extraction, score_article, score_corpus,
                         score_details, score_dict, score_table)
from kg.gold import Gold, GoldActor, GoldEvent, gold_extraction, read_gold
from kg.model import Act, Actor, Article, Extraction, Span
from kg.namespaces import DKG
from kg.read import read_text_file

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
DEV = ROOT.parent / "shared" / "dev"
EXAMPLE = "balloon-call-declined"


def example() -> tuple[Gold, Article, Extraction]:
    gold = read_gold(DATA / f"{EXAMPLE}.yaml")
    article = read_text_file(DATA / f"{EXAMPLE}.txt")
    return gold, article, gold_extraction(gold, article)


def score(ex: Extraction, gold: Gold):
    return score_article(*rows_from_extraction(ex), gold, ex.article.text)


def replace_act(ex: Extraction, key: str, **changes) -> Extraction:
    acts = tuple(dataclasses.replace(a, **changes) if a.key == key else a for a in ex.acts)
    return dataclasses.replace(ex, acts=acts)


def drop_act(ex: Extraction, key: str) -> Extraction:
    return dataclasses.replace(ex, acts=tuple(a for a in ex.acts if a.key != key))


def akey(actor_id: str) -> str:
    return f"gold/{EXAMPLE}/{actor_id}"


# ---------------------------------------------------------------- the example against itself

def test_evaluate_gold_against_itself_scores_one():
    gold, _, ex = example()
    s = score(ex, gold)
    counted = sum(not e.optional for e in gold.events)
    assert (s.state.gold, s.state.tp_gold) == (counted, counted)
    for prf in (s.state, s.exact):
        assert prf.precision == prf.recall == prf.f1 == 1.0
    assert s.responds_to.value == 1.0 and s.responds_to.total == 4
    assert s.to_exact.value == s.to_state.value == 1.0
    assert not s.misses and not s.false_positives and not s.warnings
    assert all(p.f1 == 1.0 for p in s.types_state.values())
    assert s.questions == len(gold.questions) and s.questions_scored is None


def test_evaluate_rows_have_the_query_columns():
    _, _, ex = example()
    events, actors = rows_from_extraction(ex)
    assert all(set(r) == set(EVENT_COLUMNS) for r in events)
    assert all(set(r) == set(ACTOR_COLUMNS) for r in actors)
    assert len(events) == sum(len(a.evidence) for a in ex.acts)
    usa = [r for r in actors if r["label"] == "United States"]
    assert {r["altLabel"] for r in usa} >= {"U.S.", "Washington"}


# ---------------------------------------------------------------- recall, precision, levels

def test_evaluate_dropped_event_lowers_recall_by_one_gold_event():
    gold, _, ex = example()
    s = score(drop_act(ex, "e4"), gold)
    assert s.state.recall == pytest.approx(16 / 17)
    assert s.exact.recall == pytest.approx(16 / 17)
    assert s.state.precision == 1.0
    assert [m.gold_id for m in s.misses] == ["e4"]
    assert s.types_state["statement"].tp_gold == s.types_state["statement"].gold - 1


def test_evaluate_member_body_keeps_state_match_loses_exact():
    gold, _, ex = example()
    s = score(replace_act(ex, "e1", agent=akey("us_dod")), gold)  # gold by: usa
    assert s.state.f1 == 1.0
    assert s.exact.tp_gold == 16 and s.exact.recall == pytest.approx(16 / 17)
    assert ("e1", ex.acts[0].key) not in s.matches_exact
    assert any(f.gold_id == "e1" and f.what == "by" for f in s.flaws)


def test_evaluate_person_of_a_body_matches_its_state_at_state_level():
    gold, _, ex = example()
    # gold e10 is by the Chinese foreign ministry; the state itself is on its chain
    s = score(replace_act(ex, "e10", agent=akey("chn")), gold)
    assert ("e10", _iri("e10")) in s.matches_state and ("e10", _iri("e10")) not in s.matches_exact
    # a person of another state does not match even at state level
    s = score(replace_act(ex, "e10", agent=akey("ryder")), gold)
    assert [m.gold_id for m in s.misses] == ["e10"]
    assert "not a gold actor" not in " ".join(s.misses[0].near)
    assert "by 'Pat Ryder'" in " ".join(s.misses[0].near)


def test_evaluate_wrong_type_is_a_miss_and_a_false_positive():
    gold, _, ex = example()
    s = score(replace_act(ex, "e13", type="statement"), gold)  # gold: threat, no also_ok
    assert [m.gold_id for m in s.misses] == ["e13"]
    assert [f.event for f in s.false_positives] == ["e13"]
    assert "type statement, gold threat" in s.false_positives[0].near[0]


def test_evaluate_also_ok_type_matches():
    gold, _, ex = example()
    s = score(replace_act(ex, "e3", type="commitment"), gold)  # also_ok: commitment
    assert s.state.f1 == 1.0
    assert any(f.what == "type" and f.gold_id == "e3" for f in s.flaws)
    assert s.types_state["commitment"].tp_system == s.types_state["commitment"].system
    assert s.types_state["statement"].tp_gold == s.types_state["statement"].gold


def test_evaluate_unknown_by_actor_is_not_matched():
    gold, article, ex = example()
    stranger = Actor("person/nobody", "Nobody Known", "person")
    ex = dataclasses.replace(replace_act(ex, "e5", agent="person/nobody"),
                             actors=ex.actors + (stranger,))
    s = score(ex, gold)
    assert [m.gold_id for m in s.misses] == ["e5"]
    assert s.false_positives[0].by_gold == ()
    assert "(not a gold actor)" in score_details(s)


# ---------------------------------------------------------------- optional and one-to-one

def test_evaluate_optional_event_found_is_not_a_false_positive():
    gold, _, ex = example()
    s = score(ex, gold)
    optional = {e.id for e in gold.events if e.optional}
    assert {g for g, _ in s.optional_matched} == optional
    assert s.state.system == len(ex.acts) - len(optional)
    assert s.state.precision == 1.0


def test_evaluate_optional_event_missed_is_not_counted():
    gold, _, ex = example()
    s = score(drop_act(drop_act(ex, "e18"), "e19"), gold)
    assert s.state.recall == 1.0 and s.state.f1 == 1.0
    assert not s.misses


def test_evaluate_each_gold_event_matched_once():
    gold, _, ex = example()
    twin = dataclasses.replace(next(a for a in ex.acts if a.key == "e4"), key="e4-twin")
    s = score(dataclasses.replace(ex, acts=ex.acts + (twin,)), gold)
    assert [g for g, _ in s.matches_state].count("e4") == 1
    assert s.state.tp_gold == 17 and s.state.system == 18
    assert s.state.precision == pytest.approx(17 / 18)
    assert [f.event for f in s.false_positives] == ["e4-twin"]


def _tiny(text: str, events: list[tuple[str, str, str]]) -> Gold:
    actors = (GoldActor("a", "Alpha", "state", ("Alpha",), None, None),
              GoldActor("b", "Beta", "state", ("Beta",), None, None))
    gevents = tuple(GoldEvent(i, t, (), ("a",), None, (), None, (), None, None, ev, (), False)
                    for i, t, ev in events)
    return Gold("tiny", None, actors, gevents, ())


def _sys(text: str, acts: list[tuple[str, str, str]]) -> Extraction:
    article = Article("tiny", text)
    spans = {k: Span(text.index(ev), text.index(ev) + len(ev), ev) for k, _, ev in acts}
    return Extraction(article, (Actor("state/A", "Alpha", "state"),),
                      tuple(Act(k, t, "state/A", (spans[k],)) for k, t, _ in acts))


def test_evaluate_matching_is_maximal_not_only_greedy():
    text = "Alpha asked Beta twice. Alpha asked again later."
    # g2's evidence covers both sentences; g1's only the first
    gold = _tiny(text, [("g2", "request", text), ("g1", "request", "Alpha asked Beta twice.")])
    ex = _sys(text, [("s1", "request", "Alpha asked Beta twice."),
                     ("s2", "request", "Alpha asked again later.")])
    s = score_article(*rows_from_extraction(ex), gold, text)
    assert s.state.tp_gold == 2 and s.state.precision == 1.0
    assert dict(s.matches_state) == {"g1": _iri("s1", "tiny"), "g2": _iri("s2", "tiny")}


# ---------------------------------------------------------------- addressee and responses

def test_evaluate_addressee_member_is_right_at_state_level_only():
    gold, _, ex = example()
    s = score(replace_act(ex, "e10", addressee=akey("biden_admin")), gold)  # gold to: usa
    assert s.to_state.value == 1.0
    assert s.to_exact.correct == s.to_exact.total - 1
    assert any(f.what == "to" and "same state" in f.note for f in s.flaws)


def test_evaluate_wrong_response_lowers_responds_to_accuracy():
    gold, _, ex = example()
    s = score(replace_act(ex, "e2", responds_to="e11"), gold)  # gold: e1
    assert (s.responds_to.correct, s.responds_to.total) == (3, 4)
    s = score(replace_act(ex, "e14", responds_to="e13"), gold)  # gold: any of e10, e12, e13
    assert s.responds_to.value == 1.0


# ---------------------------------------------------------------- inputs

def test_evaluate_names_compare_without_case_and_punctuation():
    assert normalise_name("U.S.") == normalise_name("us")
    assert (normalise_name("China\u2019s  Foreign Ministry")
            == normalise_name("china's foreign ministry"))
    assert normalise_name("Washington") != normalise_name("Washington Post")


def test_evaluate_gold_evidence_found_after_normalising_quotes():
    text = "Alpha called the move \u201can obvious  overreaction\u201d on Monday."
    gold = _tiny(text, [("g1", "accusation", 'the move "an obvious overreaction"')])
    spans, warnings = gold_spans(gold, text)
    start, end = spans["g1"][0]
    assert text[start:end] == "the move \u201can obvious  overreaction\u201d"
    assert warnings and "normalising" in warnings[0]
    gold = _tiny(text, [("g1", "accusation", "words that are not there")])
    assert "not found" in gold_spans(gold, text)[1][0]


def test_evaluate_store_rows_with_rdf_terms_and_class_types():
    gold, _, ex = example()
    events, actors = rows_from_extraction(ex)

    def rdf(row: dict) -> dict:
        out = {}
        for k, v in row.items():
            if v is None:
                out[k] = None
            elif k in ("event", "article", "by", "via", "to", "respondsTo", "actor", "memberOf"):
                out[k] = URIRef(v)
            elif k == "type":
                out[k] = DKG[v.capitalize()]
            else:
                out[k] = Literal(v)
        return out

    noise = [dict(events[0], article="https://w3id.org/dkg/article/other", event="x:other")]
    rows = rows_for_article([rdf(r) for r in events] + noise, EXAMPLE)
    assert len(rows) == len(events)
    s = score_article(rows, [rdf(r) for r in actors], gold, ex.article.text)
    assert s.state.f1 == s.exact.f1 == s.responds_to.value == 1.0


def test_evaluate_corpus_is_micro_averaged():
    gold, _, ex = example()
    full = score(ex, gold)
    half = score(dataclasses.replace(ex, acts=()), gold)
    corpus = score_corpus([full, half])
    assert corpus.state.recall == pytest.approx(0.5)
    assert corpus.state.precision == 1.0
    assert half.state.precision is None and half.state.f1 == 0.0
    table = score_table(corpus)
    assert "TOTAL (micro)" in table and "not scored" in table
    data = json.loads(json.dumps(score_dict(corpus)))
    assert data["total"]["state"]["recall"] == pytest.approx(0.5)
    assert data["articles"][1]["misses"][0]["gold_id"] == "e1"


# ---------------------------------------------------------------- the command

def run_dkg(argv: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def test_evaluate_cli_build_prints_a_table(tmp_path, capsys, monkeypatch):
    import kg.extract

    def extract_gold(articles, **_):  # the gold as the extractor's output: no model needed
        gold = read_gold(DATA / f"{EXAMPLE}.yaml")
        return (gold_extraction(gold, article) for article in articles)

    monkeypatch.setattr(kg.extract, "extract_articles", extract_gold)
    report = tmp_path / "scores.json"
    code, out, err = run_dkg(["eval", "--build", str(DATA / f"{EXAMPLE}.yaml"),
                              "--json", str(report), "--verbose"], capsys)
    assert code == 0, err
    assert EXAMPLE in out and "TOTAL (micro)" in out and "type (state level)" in out
    assert f"== {EXAMPLE}" in out and "OPT  e18 <- e18" in out
    total = next(line for line in out.splitlines() if line.startswith("TOTAL"))
    assert total.split("|")[1:3] == [" 1.00 1.00 1.00 ", " 1.00 1.00 1.00 "]
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["articles"][0]["article"] == EXAMPLE
    assert data["total"]["state"]["gold"] == 17


def test_evaluate_cli_reads_the_store(tmp_path, capsys):
    from kg.build import extraction_graph
    from kg.store import open_store

    gold, article, ex = example()
    store = tmp_path / "store"
    with open_store(store) as st:
        st.ensure_ontology()
        st.put_article(article.id, extraction_graph(ex, "test"))
    code, out, err = run_dkg(["eval", "--store", str(store), str(DATA / f"{EXAMPLE}.yaml")],
                             capsys)
    assert code == 0, err
    total = next(line for line in out.splitlines() if line.startswith("TOTAL"))
    assert total.split("|")[1:3] == [" 1.00 1.00 1.00 ", " 1.00 1.00 1.00 "]

    other = tmp_path / "other.yaml"
    other.write_text("article: other\nevents: []\n", encoding="utf-8")
    (tmp_path / "other.txt").write_text("Nothing happened.\n", encoding="utf-8")
    code, out, err = run_dkg(["eval", "--store", str(store), str(other)], capsys)
    assert code == 1
    assert err.splitlines()[0] == (f"Error: article 'other' is not in the store {store}; "
                                   f"build it first (dkg build), or use --build")


def test_evaluate_cli_missing_path_is_one_line(tmp_path, capsys):
    code, out, err = run_dkg(["eval", "--build", str(tmp_path / "nowhere")], capsys)
    assert code == 1
    assert err.strip().splitlines() == [
        f"Error: {tmp_path / 'nowhere'}: no such file or directory",
        "Error: no gold file could be read"]


def test_evaluate_cli_gold_without_text(tmp_path, capsys):
    (tmp_path / "lonely.yaml").write_text("article: lonely\nevents: []\n", encoding="utf-8")
    code, _, err = run_dkg(["eval", "--build", str(tmp_path)], capsys)
    assert code == 1 and "no article text beside it (lonely.txt)" in err


# ---------------------------------------------------------------- the dev set

@pytest.mark.skipif(not DEV.is_dir(), reason="the shared dev set is not beside the repository")
def test_evaluate_dev_gold_against_itself_scores_one():
    """Every dev gold file reads, its evidence is in its text, and it scores 1 against itself."""
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "eval_dev.py"), "--gold",
                             str(DEV)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    total = next(line for line in result.stdout.splitlines() if line.startswith("TOTAL"))
    assert total.split("|")[1].split() == ["1.00", "1.00", "1.00"]
    assert total.split("|")[2].split() == ["1.00", "1.00", "1.00"]


def _iri(key: str, article: str = EXAMPLE) -> str:
    return f"https://w3id.org/dkg/article/{article}/act/{key}"
