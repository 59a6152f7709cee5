"""The actor network: who did what to whom, as a networkx multigraph built from RDF."""
from __future__ import annotations

__all__ = ["EDGE_KINDS", "FOLDED_KINDS", "act_weights", "actor_network", "network_stats"]

from collections import defaultdict
from pathlib import Path
from typing import Iterable

import networkx as nx

from .build import ACT_CLASS, ACTOR_CLASS, SUBTYPE_CLASS
from .errors import InputError, QueryError
from .model import ACT_TYPES
from .namespaces import BASE, PREFIXES, article_iri, graph_iri

#: Kinds of edge: an act between two actors, a spokesman speaking for an actor,
#: an actor being part of another (person -> body -> state).
EDGE_KINDS = ("act", "speaks_for", "membership")

#: Actor kinds that ``fold_persons`` merges into their state.
FOLDED_KINDS = ("person", "group")

_WEIGHTS_FILE = Path(__file__).resolve().parent / "data" / "act_weights.tsv"
_ACTOR_BASE = BASE + "actor/"
_KIND_OF_CLASS = {str(cls): kind for kind, cls in ACTOR_CLASS.items()}
_TYPE_OF_CLASS = {str(cls): name for name, cls in ACT_CLASS.items()}
_SUBTYPE_OF_CLASS = {str(cls): name for name, cls in SUBTYPE_CLASS.items()}
_HEADER = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())

_Q_CLASSES = _HEADER + """
SELECT ?cls ?notation ?weight WHERE {
  { ?cls skos:notation ?notation OPTIONAL { ?cls dkg:goldstein ?weight } }
  UNION
  { ?cls dkg:goldstein ?weight FILTER NOT EXISTS { ?cls skos:notation ?any } }
}"""

_Q_SUBCLASSES = _HEADER + """
SELECT ?sub ?sup WHERE { ?sub skos:notation ?n ; rdfs:subClassOf+ ?sup . ?sup skos:notation ?m }"""

_Q_ARTICLES = _HEADER + """
SELECT ?article ?id ?title WHERE {
  ?article a dkg:Article .
  OPTIONAL { ?article dcterms:identifier ?id }
  OPTIONAL { ?article dcterms:title ?title }
}"""

_Q_ACTORS = _HEADER + """
SELECT ?actor ?cls ?label ?parent ?role WHERE {
  ?actor a ?cls .
  VALUES ?cls { %s }
  OPTIONAL { ?actor rdfs:label ?label }
  OPTIONAL { ?actor org:memberOf ?parent }
  OPTIONAL { ?actor dkg:role ?role }
}""" % " ".join(f"<{cls}>" for cls in ACTOR_CLASS.values())

_Q_ACTOR_MENTIONS = _HEADER + """
SELECT DISTINCT ?actor ?where WHERE {
  ?actor a ?cls ; dkg:evidence ?m . ?m dkg:inArticle ?where .
  VALUES ?cls { %s }
}""" % " ".join(f"<{cls}>" for cls in ACTOR_CLASS.values())

_Q_ACTOR_GRAPHS = _HEADER + """
SELECT DISTINCT ?actor ?where WHERE {
  GRAPH ?where { ?actor a ?cls . VALUES ?cls { %s } }
}""" % " ".join(f"<{cls}>" for cls in ACTOR_CLASS.values())

_Q_ACTS = _HEADER + """
SELECT ?act ?cls ?agent ?via ?addressee ?article ?quote ?content WHERE {
  ?act dkg:agent ?agent ; a ?cls .
  OPTIONAL { ?act dkg:reportedIn ?article }
  OPTIONAL { ?act dkg:via ?via }
  OPTIONAL { ?act dkg:addressee ?addressee }
  OPTIONAL { ?act dkg:quote ?quote }
  OPTIONAL { ?act dkg:content ?content }
}"""

_Q_EVIDENCE = _HEADER + """
SELECT ?act ?start ?sentence ?anchor WHERE {
  ?act dkg:agent ?agent ; dkg:evidence ?m .
  ?m dkg:start ?start .
  OPTIONAL { ?m dkg:sentence ?sentence }
  OPTIONAL { ?m dkg:anchorOf ?anchor }
}"""


# --------------------------------------------------------------------------- reading

def _term(value) -> str:
    """The lexical form or IRI of an rdflib or pyoxigraph term, as a plain str."""
    inner = getattr(value, "value", None)  # pyoxigraph terms
    return str(inner if isinstance(inner, str) else value)


def _select(source, text: str) -> list[dict[str, str]]:
    """Rows of a SELECT over the union of all graphs of ``source``, as str -> str dicts."""
    try:
        import pyoxigraph
    except ImportError:  # pragma: no cover - pyoxigraph is a dependency
        pyoxigraph = None
    try:
        from rdflib import Dataset, Graph
        if isinstance(source, Dataset) and not source.default_union:
            source = Dataset(store=source.store, default_union=True)
        if isinstance(source, Graph):
            result = source.query(text)
            names = [str(v) for v in result.vars]
            return [{n: _term(row[i]) for i, n in enumerate(names) if row[i] is not None}
                    for row in result]
        if pyoxigraph is not None and isinstance(source, pyoxigraph.Store):
            from .store import has_merged_default_graph

            result = source.query(text,
                                  use_default_graph_as_union=not has_merged_default_graph(source))
        elif hasattr(source, "query"):
            result = source.query(text, {})
        else:
            raise InputError(f"cannot read a network from a {type(source).__name__}")
    except InputError:
        raise
    except Exception as exc:
        raise QueryError(f"network query failed: {str(exc).splitlines()[0] if str(exc) else exc!r}"
                         ) from exc
    return _rows(result)


def _rows(result) -> list[dict[str, str]]:
    """Rows of pyoxigraph (or rdflib) SELECT results as str -> str dicts."""
    variables = getattr(result, "variables", None)
    if variables is None:  # rdflib result from a store wrapper
        names = [str(v) for v in result.vars]
        return [{n: _term(row[i]) for i, n in enumerate(names) if row[i] is not None}
                for row in result]
    names = [getattr(v, "value", str(v)) for v in variables]
    rows = []
    for solution in result:
        row = {}
        for name in names:
            value = solution[name]
            if value is not None:
                row[name] = _term(value)
        rows.append(row)
    return rows


def act_weights() -> dict[str, float]:
    """Which Goldstein weight each act type (and action subtype) has when no ontology says.

    Returns
    -------
    dict
        Notation (``"decline"``, ``"use_of_force"``...) -> weight in [-10, 10].

    Examples
    --------
    >>> act_weights()["decline"]
    -4.0
    """
    weights = {}
    for line in _WEIGHTS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("notation\t"):
            continue
        name, weight, *_ = line.split("\t")
        weights[name] = float(weight)
    return weights


def _key(iri: str) -> str:
    """The actor key (``state/CHN``) of an actor IRI; other IRIs unchanged."""
    return iri[len(_ACTOR_BASE):] if iri.startswith(_ACTOR_BASE) else iri


def _local(iri: str) -> str:
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _article_id(iri: str, ident: str | None) -> str:
    return ident or _local(iri)


# --------------------------------------------------------------------------- building

def _vocabulary(source) -> tuple[dict[str, str], dict[str, float], set[tuple[str, str]]]:
    """Act class IRI -> notation, notation -> weight, and (sub, super) class pairs."""
    notation = dict(_TYPE_OF_CLASS)
    notation.update(_SUBTYPE_OF_CLASS)
    weight = act_weights()
    for row in _select(source, _Q_CLASSES):
        name = row.get("notation") or _SUBTYPE_OF_CLASS.get(row["cls"], "")
        if name in ACT_TYPES or name in SUBTYPE_CLASS:
            notation[row["cls"]] = name
            if "weight" in row:
                try:
                    weight[name] = float(row["weight"])
                except ValueError:
                    pass
    subclass = {(r["sub"], r["sup"]) for r in _select(source, _Q_SUBCLASSES)}
    return notation, weight, subclass


def _act_type(classes: set[str], notation: dict[str, str],
              subclass: set[tuple[str, str]]) -> tuple[str, str]:
    """The act type and action subtype ("" if none) of an act typed with ``classes``."""
    types = {c for c in classes if notation.get(c) in ACT_TYPES}
    # a class that is a superclass of another of the act's classes is less specific
    specific = {c for c in types if not any((o, c) in subclass for o in types if o != c)}
    names = sorted(notation[c] for c in (specific or types))
    subtypes = sorted(notation[c] for c in classes if notation.get(c) in SUBTYPE_CLASS)
    return (names[0] if names else ""), (subtypes[0] if subtypes else "")


def _read_actors(source) -> dict[str, dict]:
    """Actor IRI -> {label, kind, parent, role}, one deterministic value each."""
    actors: dict[str, dict] = {}
    for row in _select(source, _Q_ACTORS):
        iri = row["actor"]
        info = actors.setdefault(iri, {"labels": set(), "kinds": set(), "parents": set(),
                                       "roles": set()})
        info["kinds"].add(_KIND_OF_CLASS[row["cls"]])
        for field, column in (("labels", "label"), ("parents", "parent"), ("roles", "role")):
            if column in row:
                info[field].add(row[column])
    out = {}
    for iri, info in actors.items():
        kinds = sorted(info["kinds"] - {"other"}) or ["other"]
        out[iri] = {"label": min(info["labels"], default="") or _local(iri),
                    "kind": kinds[0],
                    "parent": min(info["parents"], default=""),
                    "role": min(info["roles"], default="")}
    return out


def _read_acts(source, notation, subclass) -> dict[str, dict]:
    """Act IRI -> its type, agents, vias, addressees, article, quote, sentence."""
    acts: dict[str, dict] = {}
    for row in _select(source, _Q_ACTS):
        act = acts.setdefault(row["act"], {"classes": set(), "agents": set(), "vias": set(),
                                           "addressees": set(), "articles": set(),
                                           "quotes": set(), "contents": set()})
        act["classes"].add(row["cls"])
        act["agents"].add(row["agent"])
        for field, column in (("vias", "via"), ("addressees", "addressee"),
                              ("articles", "article"), ("quotes", "quote"),
                              ("contents", "content")):
            if column in row:
                act[field].add(row[column])
    evidence: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for row in _select(source, _Q_EVIDENCE):
        try:
            start = int(row["start"])
        except ValueError:
            continue
        evidence[row["act"]].append((start, row.get("sentence") or row.get("anchor") or ""))
    for iri, act in acts.items():
        act["type"], act["subtype"] = _act_type(act["classes"], notation, subclass)
        act["quote"] = min(act["quotes"], default="")
        act["content"] = min(act["contents"], default="")
        sentences = [text for _, text in sorted(evidence[iri]) if text]
        act["sentence"] = " … ".join(dict.fromkeys(sentences))
    return {iri: act for iri, act in acts.items() if act["type"]}


def _state_of(iri: str, actors: dict[str, dict]) -> str:
    """The IRI of the state an actor belongs to (itself for a state), or ""."""
    seen = set()
    while iri and iri not in seen:
        seen.add(iri)
        info = actors.get(iri)
        if info is None:
            return ""
        if info["kind"] == "state":
            return iri
        iri = info["parent"]
    return ""


def _ancestors(iri: str, actors: dict[str, dict]) -> list[str]:
    """The chain of bodies an actor is a member of, nearest first."""
    chain, seen = [], {iri}
    parent = actors.get(iri, {}).get("parent", "")
    while parent and parent not in seen:
        chain.append(parent)
        seen.add(parent)
        parent = actors.get(parent, {}).get("parent", "")
    return chain


def _weight(act: dict, weights: dict[str, float]) -> float:
    """Goldstein weight of one act: its action subtype's if known, else its type's."""
    if act["subtype"] in weights:
        return weights[act["subtype"]]
    return weights.get(act["type"], 0.0)


def _edge_key(source: str, label: str, target: str) -> str:
    return f"{source}|{label}|{target}"


def actor_network(graph_or_store, *, article: str | None = None,
                  act_types: Iterable[str] | None = None,
                  fold_persons: bool = False) -> nx.MultiDiGraph:
    """Who did what to whom: the actors of a graph and the acts between them.

    Parameters
    ----------
    graph_or_store : rdflib.Graph, rdflib.Dataset, pyoxigraph.Store or dkg store
        The RDF to read; a dataset or store is read as the union of its graphs.
    article : str, optional
        Identifier of one article; by default every article.
    act_types : iterable of str, optional
        Act types to keep (``"request"``, ``"decline"``...); by default all. When
        given, only actors taking part in those acts (and the bodies and states
        they belong to) are kept.
    fold_persons : bool
        Merge persons and groups of officials into the state they belong to.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes are actor keys (``state/CHN``) with ``label``, ``kind``, ``state``
        (label of the actor's state, "" if none), ``role``, ``iri``, ``acts``
        (acts done as agent), ``degree`` (acts and spokesman edges at the node,
        counted with their multiplicity) and ``folded`` (actors merged into it).
        Edges have ``kind`` (one of :data:`EDGE_KINDS`): ``act`` edges run agent ->
        addressee, one per (agent, addressee, act type), with ``act_type``,
        ``count``, ``weight`` (= count), ``goldstein`` (the type's weight),
        ``goldstein_total``, ``quote``, ``sentence`` and ``act`` of the first act,
        ``acts`` (all act IRIs, space-separated) and ``articles``; ``speaks_for``
        edges run from the actor an act was made through (``dkg:via``) to its agent;
        ``membership`` edges run member -> body (``org:memberOf``). Every attribute
        is a str, int or float. Graph attributes: ``title``, ``article``,
        ``articles`` (how many articles were read), ``act_types``, ``fold_persons``.

    Raises
    ------
    kg.errors.InputError
        If the article is not in the graph or an act type is unknown.
    kg.errors.QueryError
        If the graph cannot be queried.

    Examples
    --------
    >>> from rdflib import Graph
    >>> actor_network(Graph()).number_of_nodes()
    0
    """
    wanted = None
    if act_types is not None:
        wanted = {t.strip().lower() for t in act_types if t and t.strip()}
        unknown = sorted(wanted - set(ACT_TYPES))
        if unknown:
            raise InputError(f"unknown act type {unknown[0]!r} (known: {', '.join(ACT_TYPES)})")

    notation, weights, subclass = _vocabulary(graph_or_store)
    articles = {row["article"]: row for row in _select(graph_or_store, _Q_ARTICLES)}
    actors = _read_actors(graph_or_store)
    acts = _read_acts(graph_or_store, notation, subclass)

    article_ids = {iri: _article_id(iri, row.get("id")) for iri, row in articles.items()}
    title = f"All articles ({len(articles)})" if len(articles) != 1 else ""
    if article is not None:
        matches = [iri for iri, ident in article_ids.items()
                   if ident == article or iri == str(article_iri(article))]
        if not matches:
            raise InputError(f"no article {article!r} in the graph")
        a_iri = matches[0]
        acts = {iri: a for iri, a in acts.items() if a_iri in a["articles"]}
        if getattr(graph_or_store, "context_aware", True):  # named graphs: one per article
            g_iri = str(graph_iri(article_ids[a_iri]))
            in_scope = {row["actor"] for row in _select(graph_or_store, _Q_ACTOR_GRAPHS)
                        if row["where"] == g_iri}
        elif len(articles) == 1:  # a plain graph of that one article
            in_scope = set(actors)
        else:
            in_scope = set()
        in_scope |= {row["actor"] for row in _select(graph_or_store, _Q_ACTOR_MENTIONS)
                     if row["where"] == a_iri}
        title = articles[a_iri].get("title") or article_ids[a_iri]
    else:
        in_scope = set(actors)
        if len(articles) == 1:
            (only,) = articles.values()
            title = only.get("title") or _article_id(only["article"], only.get("id"))
    if wanted is not None:
        acts = {iri: a for iri, a in acts.items() if a["type"] in wanted}
        in_scope = set()
    for act in acts.values():
        in_scope |= act["agents"] | act["vias"] | act["addressees"]
    for iri in list(in_scope):
        in_scope.update(_ancestors(iri, actors))
    for iri in in_scope:  # an actor named by an act but never typed
        actors.setdefault(iri, {"label": _local(iri), "kind": "other", "parent": "", "role": ""})

    # where each actor ends up: itself, or its state when folded
    home = {}
    for iri in in_scope:
        state = _state_of(iri, actors)
        fold = fold_persons and actors[iri]["kind"] in FOLDED_KINDS and state
        home[iri] = state if fold else iri

    G = nx.MultiDiGraph()
    G.graph.update(title=title, article=article or "", articles=len(articles),
                   act_types=",".join(sorted(wanted)) if wanted is not None else "",
                   fold_persons=int(bool(fold_persons)))
    for iri in sorted(set(home.values())):
        info = actors[iri]
        state = _state_of(iri, actors)
        G.add_node(_key(iri), label=info["label"], kind=info["kind"],
                   state=actors[state]["label"] if state else "", role=info["role"],
                   iri=iri, acts=0, degree=0, folded=0)
    for iri in sorted(in_scope):
        if home[iri] != iri:
            G.nodes[_key(home[iri])]["folded"] += 1

    # act edges, one per (agent, addressee, type), acts in IRI order
    grouped: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    spoke: dict[tuple[str, str], list[str]] = defaultdict(list)
    for iri in sorted(acts):
        act = acts[iri]
        for agent in sorted(act["agents"]):
            G.nodes[_key(home[agent])]["acts"] += 1
            for target in sorted(act["addressees"]):
                grouped[(home[agent], home[target], act["type"])].append(iri)
            for via in sorted(act["vias"]):
                if home[via] != home[agent]:
                    spoke[(home[via], home[agent])].append(iri)
    for (u, v, act_type), iris in sorted(grouped.items()):
        first = acts[iris[0]]
        total = sum(_weight(acts[i], weights) for i in iris)
        quote = next((acts[i]["quote"] for i in iris if acts[i]["quote"]), "")
        sentence = next((acts[i]["sentence"] for i in iris if acts[i]["sentence"]), "")
        arts = sorted({article_ids.get(a, _local(a)) for i in iris for a in acts[i]["articles"]})
        G.add_edge(_key(u), _key(v), key=_edge_key(_key(u), act_type, _key(v)),
                   kind="act", act_type=act_type, label=act_type, count=len(iris),
                   weight=float(len(iris)), goldstein=round(total / len(iris), 3),
                   goldstein_total=float(total), quote=quote, sentence=sentence,
                   content=first["content"], act=iris[0], acts=" ".join(iris),
                   articles=" ".join(arts))
    for (u, v), iris in sorted(spoke.items()):
        G.add_edge(_key(u), _key(v), key=_edge_key(_key(u), "speaks_for", _key(v)),
                   kind="speaks_for", act_type="", label="speaks for", count=len(iris),
                   weight=float(len(iris)), goldstein=0.0, goldstein_total=0.0,
                   quote="", sentence=acts[iris[0]]["sentence"], content="",
                   act=iris[0], acts=" ".join(iris), articles="")
    for iri in sorted(in_scope):
        parent = actors[iri]["parent"]
        if home[iri] != iri or not parent or parent not in home:
            continue
        u, v = _key(iri), _key(home[parent])
        if u != v:
            G.add_edge(u, v, key=_edge_key(u, "membership", v), kind="membership",
                       act_type="", label="member of", count=1, weight=1.0, goldstein=0.0,
                       goldstein_total=0.0, quote="", sentence="", content="", act="",
                       acts="", articles="")
    for u, v, data in G.edges(data=True):
        if data["kind"] != "membership":
            G.nodes[u]["degree"] += data["count"]
            if v != u:
                G.nodes[v]["degree"] += data["count"]
    return G


# --------------------------------------------------------------------------- measuring

def _interaction_graph(G: nx.MultiDiGraph) -> nx.Graph:
    """Undirected simple graph of acts and spokesman links (membership left out)."""
    H = nx.Graph()
    H.add_nodes_from(G.nodes)
    for u, v, data in G.edges(data=True):
        if data.get("kind") != "membership" and u != v:
            H.add_edge(u, v)
    return H


def network_stats(G: nx.MultiDiGraph, *, top: int = 10) -> dict:
    """Who is central and which pairs act most, and most conflictually, in an actor network.

    Centrality is measured on the undirected graph of acts and spokesman links
    (membership left out), unweighted.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A network from :func:`actor_network`; not modified.
    top : int
        Rows kept in each list of pairs.

    Returns
    -------
    dict
        ``nodes``, ``edges`` (act edges), ``acts`` (acts on them) and three tables
        as lists of dicts: ``actors`` (every actor: ``actor``, ``label``, ``kind``,
        ``degree``, ``degree_centrality``, ``betweenness``; most central first),
        ``active_pairs`` (unordered pairs: ``source``, ``target`` labels, ``acts``,
        ``goldstein`` total; most acts first) and ``conflictual_pairs`` (pairs whose
        Goldstein total is below zero, most conflictual first).

    Examples
    --------
    >>> network_stats(nx.MultiDiGraph())["nodes"]
    0
    """
    H = _interaction_graph(G)
    centrality = nx.degree_centrality(H) if len(H) > 1 else {n: 0.0 for n in H}
    between = nx.betweenness_centrality(H) if len(H) > 2 else {n: 0.0 for n in H}
    actors = [{"actor": n, "label": str(G.nodes[n].get("label", n)),
               "kind": str(G.nodes[n].get("kind", "")),
               "degree": int(G.nodes[n].get("degree", 0)),
               "degree_centrality": round(float(centrality[n]), 4),
               "betweenness": round(float(between[n]), 4)} for n in G.nodes]
    actors.sort(key=lambda r: (-r["betweenness"], -r["degree"], r["label"], r["actor"]))

    pairs: dict[tuple[str, str], dict] = {}
    n_edges = n_acts = 0
    for u, v, data in G.edges(data=True):
        if data.get("kind") != "act":
            continue
        n_edges += 1
        n_acts += int(data.get("count", 1))
        a, b = sorted((str(G.nodes[u].get("label", u)), str(G.nodes[v].get("label", v))))
        row = pairs.setdefault((a, b), {"source": a, "target": b, "acts": 0, "goldstein": 0.0})
        row["acts"] += int(data.get("count", 1))
        row["goldstein"] = round(row["goldstein"] + float(data.get("goldstein_total", 0.0)), 2)
    rows = list(pairs.values())
    active = sorted(rows, key=lambda r: (-r["acts"], r["goldstein"], r["source"], r["target"]))
    conflict = sorted((r for r in rows if r["goldstein"] < 0),
                      key=lambda r: (r["goldstein"], -r["acts"], r["source"], r["target"]))
    return {"nodes": G.number_of_nodes(), "edges": n_edges, "acts": n_acts,
            "actors": actors, "active_pairs": active[:top], "conflictual_pairs": conflict[:top]}
