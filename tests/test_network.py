"""The actor network of the example article, its pictures and files, and ``dkg network``."""
from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Dataset

from kg.build import extraction_graph
from kg.cli import main
from kg.draw import draw_png, write_gexf, write_graphml, write_html, write_json
from kg.errors import InputError
from kg.gold import gold_extraction, read_gold
from kg.namespaces import ONTOLOGY_GRAPH, graph_iri
from kg.network import act_weights, actor_network, network_stats
from kg.read import read_text_file
from kg.resources import ontology_path

DATA = Path(__file__).parent / "data"
EXAMPLE = "balloon-call-declined"


@functools.lru_cache(maxsize=None)
def gold_graph():
    """The example's gold annotation as one article's RDF graph."""
    gold = read_gold(DATA / f"{EXAMPLE}.yaml")
    article = read_text_file(DATA / f"{EXAMPLE}.txt")
    return extraction_graph(gold_extraction(gold, article), "test")


def gold_names() -> set[str]:
    return {a.name for a in read_gold(DATA / f"{EXAMPLE}.yaml").actors}


def gold_network(**options) -> nx.MultiDiGraph:
    return actor_network(gold_graph(), **options)


def node_by_label(G, label: str) -> str:
    (node,) = [n for n, d in G.nodes(data=True) if d["label"] == label]
    return node


def edges_between(G, source: str, target: str, **attrs) -> list[dict]:
    u, v = node_by_label(G, source), node_by_label(G, target)
    return [d for _, w, d in G.out_edges(u, data=True)
            if w == v and all(d.get(k) == x for k, x in attrs.items())]


def with_ontology(graph) -> Dataset:
    """The graph in its article's named graph, with the ontology beside it."""
    ds = Dataset()
    article_graph = ds.graph(graph_iri(EXAMPLE))
    for triple in graph:
        article_graph.add(triple)
    ds.graph(ONTOLOGY_GRAPH).parse(ontology_path())
    return ds


# ---------------------------------------------------------------- the network

def test_network_gold_has_every_actor_and_the_decline():
    G = gold_network()
    assert {d["label"] for _, d in G.nodes(data=True)} == gold_names()
    (decline,) = edges_between(G, "China", "United States", kind="act", act_type="decline")
    assert decline["goldstein"] == -4.0 and decline["count"] == 1
    assert "declined" in decline["sentence"]
    assert decline["act"].endswith("/act/e2")
    assert edges_between(G, "United States", "China", kind="act", act_type="request")
    assert G.graph["title"].startswith("China declined U.S. call")


def test_network_gold_spokesman_and_membership_edges_are_distinct():
    G = gold_network()
    assert edges_between(G, "United States Department of Defense", "United States",
                         kind="speaks_for")
    assert edges_between(G, "Ministry of Foreign Affairs of China", "China", kind="speaks_for")
    assert edges_between(G, "Lloyd Austin", "United States Department of Defense",
                         kind="membership")
    assert not edges_between(G, "United States Department of Defense", "China", kind="act")
    austin = G.nodes[node_by_label(G, "Lloyd Austin")]
    assert austin["kind"] == "person" and austin["state"] == "United States"


def test_network_attributes_are_plain_values():
    G = gold_network()
    values = list(G.graph.values())
    values += [v for _, d in G.nodes(data=True) for v in d.values()]
    values += [v for _, _, d in G.edges(data=True) for v in d.values()]
    assert values and all(type(v) in (str, int, float) for v in values)


def test_network_one_article_and_unknown_article():
    assert set(gold_network(article=EXAMPLE)) == set(gold_network())
    with pytest.raises(InputError, match="no article 'nowhere'"):
        gold_network(article="nowhere")


def test_network_act_types_keep_only_those_acts():
    G = gold_network(act_types=["decline"])
    acts = [d for _, _, d in G.edges(data=True) if d["kind"] == "act"]
    assert [d["act_type"] for d in acts] == ["decline"]
    assert {d["label"] for _, d in G.nodes(data=True)} == {"China", "United States"}
    with pytest.raises(InputError, match="unknown act type 'bogus'"):
        gold_network(act_types=["decline", "bogus"])


def test_network_fold_persons_into_their_state():
    G = gold_network(fold_persons=True)
    assert not [n for n, d in G.nodes(data=True) if d["kind"] in ("person", "group")]
    assert edges_between(G, "United States", "NBC News", kind="act", act_type="claim")
    assert G.nodes[node_by_label(G, "United States")]["folded"] == 5  # 4 persons, 1 group
    assert G.nodes[node_by_label(G, "China")]["folded"] == 1


def test_network_same_from_dataset_and_pyoxigraph_store_with_ontology():
    import pyoxigraph

    ds = with_ontology(gold_graph())
    store = pyoxigraph.Store()
    store.load(ds.serialize(format="nquads").encode(), format=pyoxigraph.RdfFormat.N_QUADS)
    expected = nx.node_link_data(gold_network(article=EXAMPLE), edges="edges")
    for source in (ds, store):
        got = nx.node_link_data(actor_network(source, article=EXAMPLE), edges="edges")
        assert got == expected


def test_network_weight_table_agrees_with_the_ontology():
    from rdflib import Graph, URIRef

    onto = Graph().parse(ontology_path())
    goldstein = URIRef("https://w3id.org/dkg/ontology#goldstein")
    notation = URIRef("http://www.w3.org/2004/02/skos/core#notation")
    from_ontology = {str(onto.value(cls, notation)): float(w)
                     for cls, w in onto.subject_objects(goldstein)
                     if onto.value(cls, notation) is not None}
    table = act_weights()
    assert from_ontology and {k: table[k] for k in from_ontology} == from_ontology


def test_network_stats_central_actors_and_conflictual_pairs():
    stats = network_stats(gold_network())
    assert stats["nodes"] == len(gold_names()) and stats["acts"] == 8
    assert stats["actors"][0]["label"] in ("United States", "Ministry of Foreign Affairs of China")
    assert stats["active_pairs"][0] == {"source": "China", "target": "United States",
                                        "acts": 4, "goldstein": 6.0}
    worst = stats["conflictual_pairs"][0]
    assert (worst["source"], worst["target"], worst["goldstein"]) == (
        "Ministry of Foreign Affairs of China", "United States", -8.0)


# ---------------------------------------------------------------- pictures and files

def coloured_pixels(path: Path, box=None) -> tuple[tuple[int, int], int]:
    """Size of a picture and how many of its pixels are clearly coloured (not grey)."""
    import numpy as np
    from PIL import Image

    with Image.open(path) as image:
        rgb = image.convert("RGB")
        if box:
            rgb = rgb.crop(box)
        pixels = np.asarray(rgb, dtype=int)
        size = image.size
    return size, int(((pixels.max(axis=2) - pixels.min(axis=2)) > 60).sum())


def test_draw_png_is_large_coloured_and_deterministic(tmp_path):
    G = gold_network()
    before = nx.node_link_data(G, edges="edges")
    draw_png(G, tmp_path / "a.png")
    draw_png(G, tmp_path / "b.png")
    size, coloured = coloured_pixels(tmp_path / "a.png")
    assert size[0] >= 1200 and size[1] >= 900
    assert coloured > 10_000
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    assert nx.node_link_data(G, edges="edges") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png", "b.png"]


def test_draw_svg(tmp_path):
    draw_png(gold_network(), tmp_path / "n.svg", fmt="svg", title="Balloon")
    text = (tmp_path / "n.svg").read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text


def test_graphml_read_back_has_every_actor_and_the_decline(tmp_path):
    write_graphml(gold_network(), tmp_path / "n.graphml")
    G = nx.read_graphml(tmp_path / "n.graphml", force_multigraph=True)
    assert {d["label"] for _, d in G.nodes(data=True)} == gold_names()
    decline = edges_between(G, "China", "United States", act_type="decline")
    assert decline and decline[0]["goldstein"] == -4.0 and decline[0]["count"] == 1


def test_gexf_and_json_read_back(tmp_path):
    G = gold_network()
    write_gexf(G, tmp_path / "n.gexf")
    write_json(G, tmp_path / "n.json")
    gexf = nx.read_gexf(tmp_path / "n.gexf")
    assert gexf.number_of_nodes() == G.number_of_nodes()
    assert gexf.number_of_edges() == G.number_of_edges()
    data = json.loads((tmp_path / "n.json").read_text(encoding="utf-8"))
    back = nx.node_link_graph(data, edges="edges")
    assert edges_between(back, "China", "United States", act_type="decline")


def test_write_into_missing_directory_is_an_error(tmp_path):
    from kg.errors import DkgError

    with pytest.raises(DkgError, match="no such directory"):
        write_graphml(gold_network(), tmp_path / "nowhere" / "n.graphml")


_WEB_REFERENCE = re.compile(
    r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:url\(\s*["']?\s*(?:https?:)?//)|(?:@import\s+(?:url\()?\s*["']?\s*(?:https?:)?//)""",
    re.I)


def test_html_is_one_offline_file(tmp_path):
    write_html(gold_network(), tmp_path / "n.html")
    text = (tmp_path / "n.html").read_text(encoding="utf-8")
    assert not _WEB_REFERENCE.search(text)
    assert "<script src" not in text and "<link" not in text
    assert "vis.Network" in text and "hoverEdge" in text
    assert "strong dissatisfaction and protest over the use of force" in text  # a quote


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _run_chromium(binary: str, *args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={profile}", "--window-size=1200,900",
             "--virtual-time-budget=5000", *args],
            capture_output=True, text=True, timeout=180)


def test_html_renders_the_nodes_in_chromium(tmp_path):
    binary = _chromium()
    if binary is None:
        pytest.skip("no Chromium on this machine (install the 'chromium' package)")
    page = tmp_path / "n.html"
    write_html(gold_network(), page)
    dom = _run_chromium(binary, "--dump-dom", page.as_uri())
    assert 'data-drawn="yes"' in dom.stdout, dom.stderr[-2000:]
    shot = tmp_path / "shot.png"
    _run_chromium(binary, f"--screenshot={shot}", page.as_uri())
    assert shot.is_file()
    # the drawing area only (the side panel holds the legend): nodes are coloured dots
    size, coloured = coloured_pixels(shot, box=(0, 70, 840, 900))
    assert size == (1200, 900)
    assert coloured > 1500


# ---------------------------------------------------------------- the command

def run_dkg(argv: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def gold_store(tmp_path: Path) -> Path:
    from kg.store import open_store

    location = tmp_path / "store"
    with open_store(location) as store:
        store.ensure_ontology()
        store.put_article(EXAMPLE, gold_graph())
    return location


def test_network_cli_writes_graphml_from_the_extension(tmp_path, capsys):
    store = gold_store(tmp_path)
    out_file = tmp_path / "n.graphml"
    code, out, err = run_dkg(["network", "--store", str(store), "--article", EXAMPLE,
                              "-o", str(out_file)], capsys)
    assert code == 0, err
    assert out == "" and "Wrote" in err
    G = nx.read_graphml(out_file, force_multigraph=True)
    assert {d["label"] for _, d in G.nodes(data=True)} == gold_names()
    assert edges_between(G, "China", "United States", act_type="decline")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n.graphml", "store"]


def test_network_cli_format_option_and_types(tmp_path, capsys):
    store = gold_store(tmp_path)
    code, _, err = run_dkg(["network", "--store", str(store), "--format", "json",
                            "--types", "decline,request", "--fold-persons",
                            "-o", str(tmp_path / "n.out")], capsys)
    assert code == 0, err
    data = json.loads((tmp_path / "n.out").read_text(encoding="utf-8"))
    assert {e["act_type"] for e in data["edges"] if e["kind"] == "act"} == {"decline", "request"}


def test_network_cli_stats_prints_a_table(tmp_path, capsys):
    code, out, err = run_dkg(["network", "--store", str(gold_store(tmp_path)), "--stats"],
                             capsys)
    assert code == 0, err
    assert "Most central actors:" in out and "Most conflictual pairs:" in out
    assert "Ministry of Foreign Affairs of China - United States" in out


def test_network_cli_missing_directory_is_one_line(tmp_path, capsys):
    store = gold_store(tmp_path)
    code, out, err = run_dkg(["network", "--store", str(store),
                              "-o", str(tmp_path / "nowhere" / "n.png")], capsys)
    assert code == 1
    assert err.strip().splitlines() == [f"Error: {tmp_path / 'nowhere'}: no such directory"]


def test_network_cli_unknown_extension_and_no_output_are_usage_errors(tmp_path, capsys):
    store = gold_store(tmp_path)
    code, _, err = run_dkg(["network", "--store", str(store), "-o", str(tmp_path / "n.foo")],
                           capsys)
    assert code == 2 and "use --format" in err
    code, _, err = run_dkg(["network", "--store", str(store)], capsys)
    assert code == 2 and "--stats" in err


def test_network_cli_unknown_type_is_one_line(tmp_path, capsys):
    code, _, err = run_dkg(["network", "--store", str(gold_store(tmp_path)), "--types", "bogus",
                            "-o", str(tmp_path / "n.png")], capsys)
    assert code == 1 and err.startswith("Error: unknown act type 'bogus'")
    assert len(err.strip().splitlines()) == 1


# ---------------------------------------------------------------- with the real extractor

def test_network_from_extractor_has_china_declining_the_united_states():
    """The same checks on the extractor's graph of the example (not the gold annotation)."""
    from kg.extract import extract_article

    article = read_text_file(DATA / f"{EXAMPLE}.txt")
    G = actor_network(extraction_graph(extract_article(article), "test"))
    labels = {d["label"] for _, d in G.nodes(data=True)}
    assert {"China", "United States"} <= labels
    assert edges_between(G, "China", "United States", kind="act", act_type="decline")
