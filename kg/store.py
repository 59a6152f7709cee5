"""The store: embedded Oxigraph on disk, in memory, or a remote SPARQL 1.1 endpoint.

Each article's triples live in their own named graph (``graph_iri(id)``) and are
replaced in ONE transaction (a SPARQL Update: drop + insert), so a reader or a
crash only ever sees whole articles. ``put_articles`` writes the graphs of
several articles new to the store in one transaction (on an embedded store):
still whole articles only, with less per-write upkeep. Queries run over the
union of all graphs.

The store also keeps that union, as a set of triples, in its default graph,
written in the same transaction as the article. Oxigraph 0.5's own
union default graph matches a triple once for every graph holding it, and an
actor's name, type and memberships are in the graph of every article naming it:
over the union a question about China would find one row per article that
names China, and a join of a few actors one row per combination of those. So
queries read the default graph (the union, each triple once); a store built
before the default graph was kept gets it at its first write (until then it is
read through the engine's union).

Where the store is:

- a directory (the default): embedded Oxigraph (RocksDB) files, plus ``dkg.lock``
  that lets one writer in at a time; readers open it read-only and never wait;
- ``memory=True``: an in-memory store, thrown away when closed;
- an ``http://`` or ``https://`` URL: the *query* URL of a SPARQL 1.1 endpoint
  with update. Updates go to the sibling ``.../update`` when the URL ends in
  ``/query`` (Oxigraph: ``http://HOST:7878/query``; Fuseki: ``http://HOST:3030/DS/query``),
  otherwise to the URL itself (or pass ``update_url``). Queries ask for the union
  default graph (Oxigraph's ``union-default-graph`` parameter; other servers must be
  configured so). The server does its own locking.
"""
from __future__ import annotations

import fcntl
import itertools
import os
import time
import urllib.parse
from pathlib import Path
from typing import Iterable, Iterator, Mapping

import pyoxigraph as ox
import rdflib

from .errors import DkgError, InputError, QueryError, StoreError, StoreLockedError
from .namespaces import BASE, ONTOLOGY_GRAPH, PREFIXES, activity_iri, article_iri, graph_iri
from .resources import ontology_path
from .serialization import (FORMATS, canonical_quads, check_format, serialize_quads,
                            write_atomically)

__all__ = [
    "FORMATS", "LOCK_FILE", "DEFAULT_LOCK_TIMEOUT", "Store", "open_store", "update_url_for",
    "serialize_quads", "write_atomically", "has_merged_default_graph", "article_graph",
    "provenance_key",
]

#: What Store.bulk_load reads, by file name suffix (formats that keep named graphs).
_LOAD_FORMATS = {".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}
_BULK_SLICE = 100_000  # quads given to the bulk loader at a time

#: The lock file a writer holds in a store directory.
LOCK_FILE = "dkg.lock"
#: Seconds a second writer waits for the first before giving up.
DEFAULT_LOCK_TIMEOUT = 30.0

_GRAPH_PREFIX = BASE + "graph/"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_DKG = PREFIXES["dkg"]
_PROV = PREFIXES["prov"]
_RO_ATTEMPTS = 40  # read-only opens retried while a writer compacts files
#: A writer on disk flushes its log to table files after this many triples written
#: (as many quads again go into the union), so that a reader, which replays the log
#: when it opens, opens quickly mid-build. Each flush costs a few table files and
#: tens of milliseconds, so not after every few articles.
_FLUSH_EVERY = 10000


# ----------------------------------------------------------------------------- opening


def open_store(location: str | os.PathLike | None, *, read_only: bool = False,
               create: bool = True, memory: bool = False,
               lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
               update_url: str | None = None) -> "Store":
    """Open the store at ``location`` (directory or endpoint URL); use it as a context manager.

    ``read_only`` opens for reading without waiting for a writer; ``create=False``
    refuses to make a new store. Both raise StoreError when there is no store yet.
    A writer waits up to ``lock_timeout`` seconds for another writer, then raises
    StoreLockedError.
    """
    if memory:
        return _LocalStore(ox.Store(), "memory", read_only=False)
    if location is None:
        raise StoreError("no store given")
    text = str(location)
    if text.startswith(("http://", "https://")):
        from .remote_store import RemoteStore  # imports this module: only when asked for

        return RemoteStore(text, update_url or update_url_for(text), read_only=read_only,
                            probe=read_only or not create)
    return _open_directory(Path(location), read_only=read_only, create=create,
                           lock_timeout=lock_timeout)


def update_url_for(query_url: str) -> str:
    """The update URL of an endpoint: ``.../query`` -> ``.../update``, else the URL itself."""
    parts = urllib.parse.urlsplit(query_url)
    if parts.path.endswith("/query"):
        parts = parts._replace(path=parts.path[: -len("query")] + "update")
    return urllib.parse.urlunsplit(parts)


def _is_store_dir(path: Path) -> bool:
    return (path / "CURRENT").is_file()


def _check_foreign(path: Path) -> None:
    """Refuse a directory that holds other files than a store's."""
    if path.is_dir() and any(p.name != LOCK_FILE for p in path.iterdir()):
        raise StoreError(f"{path} is not a dkg store (a directory with other files in it)")


def _open_directory(path: Path, *, read_only: bool, create: bool,
                    lock_timeout: float) -> "Store":
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path} is a file, not a store directory")
    if (read_only or not create) and not _is_store_dir(path):
        _check_foreign(path)
        raise StoreError(f"no store at {path}; build one with dkg build")
    if read_only:
        return _LocalStore(_open_read_only(path), str(path), read_only=True, path=path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the store {path}: {exc.strerror}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise StoreError(f"the store {path} is not writable")
    lock = _acquire_lock(path, lock_timeout)
    if not _is_store_dir(path):  # checked under the lock: another writer may be creating it
        try:
            _check_foreign(path)
        except StoreError:
            _release_lock(lock)
            raise
    try:
        inner = ox.Store(str(path))
    except (OSError, RuntimeError) as exc:
        _release_lock(lock)
        message = _one_line(exc)
        if "lock" in message.lower():
            raise StoreLockedError(f"the store {path} is in use by another program "
                                   f"({message})") from None
        raise StoreError(f"cannot open the store {path}: {message}") from None
    return _LocalStore(inner, str(path), read_only=False, path=path, lock=lock)


def _open_read_only(path: Path) -> ox.Store:
    """A read-only view of a store; retried while a writer replaces files under it."""
    last: Exception | None = None
    for _ in range(_RO_ATTEMPTS):
        try:
            return ox.Store.read_only(str(path))
        except (OSError, RuntimeError) as exc:
            last = exc
            time.sleep(0.05)
    raise StoreError(f"cannot read the store {path}: {_one_line(last)}")


def _acquire_lock(path: Path, timeout: float):
    """Hold ``dkg.lock`` in ``path`` exclusively, waiting up to ``timeout`` seconds."""
    lock_path = path / LOCK_FILE
    try:
        fh = open(lock_path, "a+")
    except OSError as exc:
        raise StoreError(f"cannot lock the store {path}: {exc.strerror}") from None
    deadline = time.monotonic() + max(timeout, 0.0)
    while True:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                fh.seek(0)
                holder = fh.read().strip()
                fh.close()
                who = f" (pid {holder})" if holder.isdigit() else ""
                raise StoreLockedError(
                    f"the store {path} is busy: another dkg process{who} is writing to it; "
                    f"waited {timeout:g} s, try again when it has finished") from None
            time.sleep(0.05)
    fh.seek(0)
    fh.truncate()
    fh.write(str(os.getpid()))
    fh.flush()
    return fh


def _release_lock(fh) -> None:
    try:
        fh.seek(0)
        fh.truncate()
    except OSError:
        pass
    fcntl.flock(fh, fcntl.LOCK_UN)
    fh.close()


def _one_line(exc: BaseException | None) -> str:
    text = str(exc or "").strip()
    return text.splitlines()[0] if text else type(exc).__name__


# ----------------------------------------------------------------------------- terms


def _ox_term(value) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A pyoxigraph term from a pyoxigraph term, an rdflib term or a Python value."""
    if isinstance(value, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        return value
    if isinstance(value, rdflib.URIRef):
        return ox.NamedNode(str(value))
    if isinstance(value, rdflib.BNode):
        return ox.BlankNode(str(value))
    if isinstance(value, rdflib.Literal):
        if value.language:
            return ox.Literal(str(value), language=value.language)
        if value.datatype:
            return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
        return ox.Literal(str(value))
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(_XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(_XSD + "integer"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=ox.NamedNode(_XSD + "double"))
    if isinstance(value, str):
        return ox.Literal(value)
    raise QueryError(f"cannot use {value!r} as an RDF term")


def _rdflib_term(term):
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD + "string":  # a simple literal: rdflib tells them apart
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    raise TypeError(f"unexpected term {term!r}")


def _substitutions(bindings: Mapping | None) -> dict:
    if not bindings:
        return {}
    out = {}
    for key, value in bindings.items():
        name = key.value if isinstance(key, ox.Variable) else str(key).lstrip("?$")
        out[ox.Variable(name)] = _ox_term(value)
    return out


def _triples_of(graph: rdflib.Graph | Iterable) -> list[ox.Triple]:
    """pyoxigraph triples of an rdflib graph (or of pyoxigraph triples/quads)."""
    out = []
    for item in graph:
        if isinstance(item, ox.Quad):
            item = item.triple
        if isinstance(item, ox.Triple):
            out.append(item)
        else:
            s, p, o = item[:3]
            out.append(ox.Triple(_ox_term(s), _ox_term(p), _ox_term(o)))
    return out


def _as_stored(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads as Oxigraph stores them (canonical numbers, lower-case language tags)."""
    scratch = ox.Store()
    scratch.extend(quads)
    return list(scratch)


# ----------------------------------------------------------------------------- the store


_PROVENANCE = """
PREFIX dkg: <%s>
PREFIX prov: <%s>
SELECT ?g ?article ?hash ?version ?model WHERE {
  GRAPH ?g {
    ?article dkg:contentHash ?hash ; prov:wasGeneratedBy ?run .
    ?run dkg:dkgVersion ?version .
    OPTIONAL { ?run dkg:model ?model }
  }
}""" % (_DKG, _PROV)

_ARTICLE_IDS = """
PREFIX dkg: <%s>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?g ?id WHERE {
  GRAPH ?g { ?article a dkg:Article ; dcterms:identifier ?id }
}""" % _DKG


class Store:
    """A dkg store; made by :func:`open_store`, closed by ``close()`` or ``with``."""

    location: str
    read_only: bool

    # -- what each backend provides

    def _run_query(self, sparql: str, substitutions: dict, union: bool):
        raise NotImplementedError

    def _run_update(self, update: str) -> None:
        raise NotImplementedError

    def _quads_of(self, graphs: list[ox.NamedNode] | None) -> list[ox.Quad]:
        """Quads of these graphs, or of every dkg graph (articles and ontology) if None."""
        raise NotImplementedError

    # -- life cycle

    def close(self) -> None:
        """Release the store (and the writer's lock)."""

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"<{type(self).__name__} {self.location} {mode}>"

    # -- reading

    def query(self, sparql: str, bindings: Mapping | None = None):
        """The answer to a SPARQL query over the union of all graphs.

        ``bindings`` maps variable names to values (RDF terms, rdflib terms, str,
        int...), passed to the engine as substitutions, never formatted into the
        text. Returns pyoxigraph results: QuerySolutions, QueryBoolean or triples.
        """
        return self._run_query(sparql, _substitutions(bindings), not self._has_merge())

    def article_ids(self) -> list[str]:
        """The ids of the articles in the store, sorted."""
        ids = {sol["id"].value for sol in self._run_query(_ARTICLE_IDS, {}, False)
               if str(sol["g"].value).startswith(_GRAPH_PREFIX)}
        return sorted(ids)

    def is_current(self, article_id: str, content_hash: str, dkg_version: str,
                   model: str | None) -> bool:
        """Whether the stored graph of this article was built from this text, dkg and model."""
        subs = _substitutions({"g": ox.NamedNode(str(graph_iri(article_id))),
                               "article": ox.NamedNode(str(article_iri(article_id)))})
        wanted = provenance_key(article_id, content_hash, dkg_version, model)
        return any(_provenance_row(sol) == wanted
                   for sol in self._run_query(_PROVENANCE, subs, False))

    def provenance(self) -> dict[str, set[tuple[str, str, str, str]]]:
        """What each graph's articles were built from, read in one query: graph IRI ->
        {(article IRI, content hash "sha256:...", dkg version, model or "")}.

        ``provenance_key(id, hash, version, model) in provenance().get(graph_iri(id))``
        answers :meth:`is_current` for many articles at the cost of one question.
        """
        out: dict[str, set[tuple[str, str, str, str]]] = {}
        for sol in self._run_query(_PROVENANCE, {}, False):
            out.setdefault(sol["g"].value, set()).add(_provenance_row(sol))
        return out

    def graph(self, article_id: str) -> rdflib.Graph:
        """The triples of one article's graph (empty if it is not in the store)."""
        out = rdflib.Graph()
        for name, iri in PREFIXES.items():
            out.bind(name, iri, override=True)
        for q in self._quads_of([ox.NamedNode(str(graph_iri(article_id)))]):
            out.add((_rdflib_term(q.subject), _rdflib_term(q.predicate), _rdflib_term(q.object)))
        return out

    def dataset(self) -> rdflib.Dataset:
        """An rdflib Dataset of the store (its default graph is the union of all graphs)."""
        ds = rdflib.Dataset(default_union=True)
        for name, iri in PREFIXES.items():
            ds.bind(name, iri, override=True)
        for q in self._quads_of(None):
            ds.add((_rdflib_term(q.subject), _rdflib_term(q.predicate), _rdflib_term(q.object),
                    _rdflib_term(q.graph_name)))
        return ds

    def export(self, format: str = "turtle", article: str | None = None,
               with_ontology: bool = False) -> bytes:
        """The store (or one article's graph) serialized in ``format``, byte-stable.

        Without ``with_ontology`` the ontology graph is left out.
        """
        check_format(format)
        if article is not None:
            graphs = [ox.NamedNode(str(graph_iri(article)))]
            if with_ontology:
                graphs.append(ox.NamedNode(str(ONTOLOGY_GRAPH)))
            quads = self._quads_of(graphs)
            if not any(q.graph_name == graphs[0] for q in quads):
                raise StoreError(f"no article {article!r} in the store {self.location}")
        else:
            onto = str(ONTOLOGY_GRAPH)
            quads = [q for q in self._quads_of(None)
                     if with_ontology or q.graph_name.value != onto]
        return serialize_quads(quads, format)

    # -- writing

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"the store {self.location} is open read-only")

    def put_article(self, article_id: str, graph: rdflib.Graph | Iterable[ox.Triple],
                    content_hash: str | None = None,
                    versions: Mapping[str, str] | None = None) -> bool:
        """Replace the article's named graph by ``graph``, atomically; whether anything changed.

        ``graph`` is an rdflib graph or pyoxigraph triples (as
        :func:`kg.build.extraction_triples` makes them, the faster way).
        ``content_hash`` ("sha256:..." or hex) and ``versions`` (``{"dkg": ..., "model": ...}``),
        when given, are recorded as the article's provenance if the graph lacks them
        (graphs from :func:`kg.build.extraction_graph` carry them already).
        """
        self._check_writable()
        name = article_graph(article_id)
        triples = _triples_of(graph)
        triples += _provenance(article_id, content_hash, versions)
        changed = self._replace_graph(name, triples)
        if changed:
            self._wrote(len(triples))
        return changed

    def put_articles(self, articles: Iterable[tuple[str, rdflib.Graph | Iterable[ox.Triple]]]
                     ) -> list[bool]:
        """Replace the named graphs of several ``(article_id, graph)``; whether each changed.

        As :meth:`put_article` for each, with fewer transactions: the graphs of
        articles new to the store go in together, in one transaction (on an
        embedded store), a graph that replaces an older one in its own. Either way
        a reader, or a build killed mid-write, sees each article whole or not at
        all. A reserved id raises InputError before anything is written.
        """
        self._check_writable()
        given = [(article_graph(article_id), _triples_of(graph)) for article_id, graph in articles]
        changed = [False] * len(given)
        fresh: dict[str, tuple[int, ox.NamedNode, list[ox.Triple]]] = {}
        written = 0
        for i, (name, triples) in enumerate(given):
            if name.value in fresh:  # the same graph twice: the later one wins
                written += self._insert_fresh(fresh, changed)
            old = self._quads_of([name])
            if not old:  # a new graph: it goes in with the other new ones
                if triples:
                    fresh[name.value] = (i, name, triples)
                continue
            if self._replace_old(name, triples, old):
                changed[i] = True
                written += len(triples)
        written += self._insert_fresh(fresh, changed)
        if written:
            self._wrote(written)
        return changed

    def _insert_fresh(self, fresh: dict, changed: list[bool]) -> int:
        """Write the pending new graphs of put_articles; how many triples went in."""
        if not fresh:
            return 0
        graphs = [(name, triples) for _, name, triples in fresh.values()]
        self._insert_graphs(graphs)
        for i, _, _ in fresh.values():
            changed[i] = True
        fresh.clear()
        return sum(len(triples) for _, triples in graphs)

    def _insert_graphs(self, graphs: list[tuple[ox.NamedNode, list[ox.Triple]]]) -> None:
        """Write several graphs that are empty (and their triples into the union), each
        whole; here one transaction each."""
        for name, triples in graphs:
            self._merge_existing()
            self._run_update(_replace_update(name, triples) + _union_update([], triples))

    def _wrote(self, quads: int) -> None:
        """Called after an article is written, with its number of triples."""

    def bulk_load(self, path: str | os.PathLike) -> None:
        """Load an N-Quads or TriG file (a ``dkg export -f nq`` dump, say) into the store,
        graphs as they are: the fast way to restore or fill a big store.

        Not one transaction: a load that is killed leaves part of the file in the
        store, so load into a new store. Only an embedded store on disk or in memory.
        """
        self._check_writable()
        raise StoreError(f"the store {self.location} cannot bulk load; "
                         f"load into an embedded store")

    def ensure_ontology(self) -> bool:
        """Load the ontology into its named graph unless it is there already; whether it changed.

        Does nothing (returns False) when the ontology file is missing.
        """
        self._check_writable()
        path = ontology_path()
        if not path.is_file():
            return False
        try:
            triples = [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
        except (SyntaxError, OSError) as exc:
            raise DkgError(f"{path}: cannot read the ontology: {_one_line(exc)}") from None
        return self._replace_graph(ox.NamedNode(str(ONTOLOGY_GRAPH)), triples)

    def _replace_graph(self, name: ox.NamedNode, triples: list[ox.Triple]) -> bool:
        old = self._quads_of([name])
        if not old:  # a new graph: nothing to drop, nothing to compare
            if not triples:
                return False
            self._insert_graphs([(name, triples)])
            return True
        return self._replace_old(name, triples, old)

    def _replace_old(self, name: ox.NamedNode, triples: list[ox.Triple],
                     old: list[ox.Quad]) -> bool:
        """Replace the ``old`` quads of graph ``name`` by ``triples`` unless they are the
        same graph; whether it changed."""
        new = [ox.Quad(t.subject, t.predicate, t.object, name) for t in triples]
        if canonical_quads(_as_stored(new)) == canonical_quads(_as_stored(old)):
            return False
        self._replace_existing(name, triples, old)
        return True

    def _replace_existing(self, name: ox.NamedNode, triples: list[ox.Triple],
                          old: list[ox.Quad]) -> None:
        """Replace the ``old`` quads of graph ``name`` by ``triples``, and the union with
        them, in one transaction."""
        self._merge_existing()
        self._run_update(_replace_update(name, triples)
                         + _union_update([q.triple for q in old], triples))

    # -- the union of the graphs, kept in the default graph (see the module's notes)

    _merged = False  # seen to keep the union
    _merge_checked = False  # made sure it does, before writing

    def _has_merge(self) -> bool:
        """Whether the default graph holds the union of the graphs."""
        if not self._merged:
            self._merged = bool(self._run_query("ASK { ?s ?p ?o }", {}, False))
        return self._merged

    def _merge_existing(self) -> None:
        """Before the first write: give a store built without it its default graph (the union)."""
        if self._merge_checked:
            return
        if not self._has_merge() and bool(self._run_query("ASK { GRAPH ?g { ?s ?p ?o } }",
                                                          {}, False)):
            self._run_update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        self._merge_checked = True


def provenance_key(article_id: str, content_hash: str, dkg_version: str,
                   model: str | None) -> tuple[str, str, str, str]:
    """The entry of :meth:`Store.provenance` that says an article was built from this
    text (its hash, with or without "sha256:"), dkg version and model."""
    if not content_hash.startswith("sha256:"):
        content_hash = "sha256:" + content_hash
    return str(article_iri(article_id)), content_hash, dkg_version, model or ""


def _provenance_row(sol) -> tuple[str, str, str, str]:
    """A solution of _PROVENANCE as a provenance_key."""
    return (sol["article"].value, sol["hash"].value, sol["version"].value,
            sol["model"].value if sol["model"] is not None else "")


def article_graph(article_id: str) -> ox.NamedNode:
    """The named graph that holds an article; InputError for an id that would name the
    ontology's graph."""
    g = graph_iri(article_id)
    if g == ONTOLOGY_GRAPH:
        raise InputError(f"{article_id}: this article id is reserved; rename the article")
    return ox.NamedNode(str(g))


def _provenance(article_id: str, content_hash: str | None,
                versions: Mapping[str, str] | None) -> list[ox.Triple]:
    """The provenance triples ``extraction_graph`` writes, from put_article's arguments."""
    art = ox.NamedNode(str(article_iri(article_id)))
    run = ox.NamedNode(str(activity_iri(article_id)))
    out = []
    if content_hash:
        if not content_hash.startswith("sha256:"):
            content_hash = "sha256:" + content_hash
        out.append(ox.Triple(art, ox.NamedNode(_DKG + "contentHash"), ox.Literal(content_hash)))
    if versions:
        out.append(ox.Triple(art, ox.NamedNode(_PROV + "wasGeneratedBy"), run))
        if versions.get("dkg"):
            out.append(ox.Triple(run, ox.NamedNode(_DKG + "dkgVersion"),
                                 ox.Literal(versions["dkg"])))
        if versions.get("model"):
            out.append(ox.Triple(run, ox.NamedNode(_DKG + "model"),
                                 ox.Literal(versions["model"])))
    return out


def has_merged_default_graph(store: ox.Store) -> bool:
    """Whether a pyoxigraph store of dkg keeps the union of its graphs in its default graph.

    Then ask it questions over its default graph (``use_default_graph_as_union=False``),
    where each triple is once, rather than over Oxigraph's union of the graphs, where a
    triple held by several graphs matches once for each.
    """
    return next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())),
                None) is not None


def _with_union(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    """Each quad, and after one in a named graph its triple in the default graph."""
    for q in quads:
        yield q
        if not isinstance(q.graph_name, ox.DefaultGraph):
            yield ox.Quad(q.subject, q.predicate, q.object)


def _union_update(old: list[ox.Triple], new: list[ox.Triple]) -> str:
    """The operations that follow a graph's replacement to keep the union in the default
    graph: ``old`` triples that no graph holds any more leave it, ``new`` ones go in."""
    ops = []
    ground = [t for t in old if not _blank_in(t)]
    if ground:
        rows = "\n".join(f"({t.subject} {t.predicate} {t.object})" for t in ground)
        ops.append("DELETE { ?s ?p ?o } WHERE {\nVALUES (?s ?p ?o) {\n" + rows
                   + "\n}\nFILTER NOT EXISTS { GRAPH ?h { ?s ?p ?o } }\n}")
    if new:
        # blank nodes get other labels than in the graph's own block (one request may not
        # share a label between two blocks); the union holds a copy of them
        ops.append("INSERT DATA {\n" + " .\n".join(str(_relabel(t)) for t in new) + " .\n}")
    return "".join(" ;\n" + op for op in ops)


def _nquads(graphs: list[tuple[ox.NamedNode, list[ox.Triple]]]) -> bytes:
    """N-Quads of ground triples in their graphs, and of each triple once in the default
    graph (the union)."""
    parts = []
    union: dict[str, None] = {}
    for name, triples in graphs:
        lines = [str(t) for t in triples]
        tail = f" {name} .\n"
        parts.append(tail.join(lines) + tail)
        union.update(dict.fromkeys(lines))
    parts.append(" .\n".join(union) + " .\n")
    return "".join(parts).encode("utf-8")


def _relabel(t: ox.Triple) -> ox.Triple:
    if not _blank_in(t):
        return t
    s, o = t.subject, t.object
    if isinstance(s, ox.BlankNode):
        s = ox.BlankNode(s.value + "u")
    if isinstance(o, ox.BlankNode):
        o = ox.BlankNode(o.value + "u")
    return ox.Triple(s, t.predicate, o)


def _blank_in(t: ox.Triple) -> bool:
    return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)


def _replace_update(name: ox.NamedNode, triples: list[ox.Triple]) -> str:
    """ONE SPARQL Update that replaces graph ``name`` by ``triples`` (a single transaction)."""
    head = f"DROP SILENT GRAPH {name}"
    if not triples:
        return head
    body = " .\n".join(str(t) for t in triples)
    return f"{head} ;\nINSERT DATA {{ GRAPH {name} {{\n{body} .\n}} }}"


# ----------------------------------------------------------------------------- embedded


class _LocalStore(Store):
    """Embedded Oxigraph: on disk (a directory) or in memory."""

    def __init__(self, inner: ox.Store, location: str, *, read_only: bool,
                 path: Path | None = None, lock=None) -> None:
        self._ox: ox.Store | None = inner
        self.location = location
        self.read_only = read_only
        self.path = path  # the store directory; None in memory
        self._lock = lock
        self._unflushed = 0

    def _inner(self) -> ox.Store:
        if self._ox is None:
            raise StoreError(f"the store {self.location} is closed")
        return self._ox

    def close(self) -> None:
        if self._ox is not None and not self.read_only and self.path is not None:
            try:
                self._ox.flush()  # so that readers need not replay the write-ahead log
            except (OSError, RuntimeError):
                pass
        self._ox = None
        if self._lock is not None:
            _release_lock(self._lock)
            self._lock = None

    def _wrote(self, quads: int) -> None:
        self._unflushed += quads
        if self.path is not None and self._unflushed >= _FLUSH_EVERY:
            self._unflushed = 0
            try:
                self._inner().flush()
            except (OSError, RuntimeError) as exc:
                raise StoreError(f"cannot write to the store {self.location}: "
                                 f"{_one_line(exc)}") from None

    def _reopen(self) -> None:
        """A fresh read-only view, after a writer replaced files under the old one."""
        self._ox = _open_read_only(self.path)

    def _has_merge(self) -> bool:
        # asked each time (cheap): a reader's view may be reopened after a writer's changes
        for attempt in range(3):
            try:
                return has_merged_default_graph(self._inner())
            except (OSError, RuntimeError) as exc:
                if not (self.read_only and self.path is not None) or attempt == 2:
                    raise StoreError(f"cannot read the store {self.location}: "
                                     f"{_one_line(exc)}") from None
                self._reopen()  # a writer compacted files away under this view
        raise AssertionError("unreachable")

    def _run_query(self, sparql, substitutions, union):
        try:
            return self._inner().query(sparql, use_default_graph_as_union=union,
                                       substitutions=substitutions or None, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise QueryError(f"bad SPARQL: {_one_line(exc)}") from None
        except RuntimeError as exc:
            if "SPARQL query" in str(exc):  # e.g. a parameter that is not projected
                raise QueryError(f"cannot bind the parameters: {_one_line(exc)}") from None
            raise StoreError(f"cannot query the store {self.location}: {_one_line(exc)}") from None
        except OSError as exc:
            raise StoreError(f"cannot query the store {self.location}: {_one_line(exc)}") from None

    def _run_update(self, update: str) -> None:
        try:
            self._inner().update(update)
        except (OSError, RuntimeError) as exc:
            raise StoreError(f"cannot write to the store {self.location}: "
                             f"{_one_line(exc)}") from None

    def bulk_load(self, path: str | os.PathLike) -> None:
        self._check_writable()
        path = Path(path)
        fmt = _LOAD_FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise InputError(f"{path}: bulk load reads N-Quads (.nq) or TriG (.trig) files")
        self._merge_existing()
        try:
            # the file's quads and, for those in named graphs, their triples in the
            # default graph (the union)
            # in slices, so that the loader's buffers stay small (a few hundred MB at most)
            quads = _with_union(ox.parse(path=str(path), format=fmt))
            while batch := list(itertools.islice(quads, _BULK_SLICE)):
                self._inner().bulk_extend(batch)
        except SyntaxError as exc:
            raise InputError(f"{path}: {_one_line(exc)}") from None
        except (OSError, RuntimeError) as exc:
            raise StoreError(f"cannot load {path} into the store {self.location}: "
                             f"{_one_line(exc)}") from None

    def _insert_graphs(self, graphs: list[tuple[ox.NamedNode, list[ox.Triple]]]) -> None:
        # All in ONE transaction, the graphs and their triples in the default graph (the
        # union), each once: as N-Quads text given to Store.load, which Oxigraph parses
        # without holding the interpreter (made far faster than as many Quad objects);
        # as Quad objects (Store.extend) when a blank node is among them, whose label a
        # parser need not keep.
        self._merge_existing()
        inner = self._inner()
        try:
            if any(_blank_in(t) for _, triples in graphs for t in triples):
                union = dict.fromkeys(t for _, triples in graphs for t in triples)
                inner.extend([ox.Quad(t.subject, t.predicate, t.object, name)
                              for name, triples in graphs for t in triples]
                             + [ox.Quad(t.subject, t.predicate, t.object) for t in union])
            else:
                inner.load(_nquads(graphs), ox.RdfFormat.N_QUADS)
        except (OSError, RuntimeError, SyntaxError) as exc:
            raise StoreError(f"cannot write to the store {self.location}: "
                             f"{_one_line(exc)}") from None

    def _replace_existing(self, name: ox.NamedNode, triples: list[ox.Triple],
                          old: list[ox.Quad]) -> None:
        super()._replace_existing(name, triples, old)
        # The update cannot name blank nodes: old triples with one (only the ontology has
        # any) that no graph holds any more leave the union one by one, after it.
        inner = self._inner()
        keep = set(triples)
        for q in old:
            t = q.triple
            if not _blank_in(t) or t in keep:
                continue
            if not any(isinstance(o.graph_name, (ox.NamedNode, ox.BlankNode))
                       for o in inner.quads_for_pattern(t.subject, t.predicate, t.object, None)):
                try:
                    inner.remove(ox.Quad(t.subject, t.predicate, t.object))
                except (OSError, RuntimeError) as exc:
                    raise StoreError(f"cannot write to the store {self.location}: "
                                     f"{_one_line(exc)}") from None

    def _quads_of(self, graphs):
        for attempt in range(3):
            try:
                inner = self._inner()
                if graphs is None:  # the named graphs, not the union in the default graph
                    return [q for g in inner.named_graphs()
                            if isinstance(g, ox.NamedNode) and g.value.startswith(_GRAPH_PREFIX)
                            for q in inner.quads_for_pattern(None, None, None, g)]
                return [q for g in graphs for q in inner.quads_for_pattern(None, None, None, g)]
            except (OSError, RuntimeError) as exc:
                if not (self.read_only and self.path is not None) or attempt == 2:
                    raise StoreError(f"cannot read the store {self.location}: "
                                     f"{_one_line(exc)}") from None
                self._reopen()
        raise AssertionError("unreachable")

    def dataset(self) -> rdflib.Dataset:
        """An rdflib Dataset of the store's graphs; default graph = union of all.

        A live view (oxrdflib) of a store without the union in its default graph,
        else a copy of its named graphs (a live view would show that union as one
        more graph, and over the union match a triple once per graph holding it).
        """
        if self._has_merge():
            return Store.dataset(self)
        from oxrdflib import OxigraphStore

        ds = rdflib.Dataset(store=OxigraphStore(store=self._inner()), default_union=True)
        for name, iri in PREFIXES.items():
            ds.bind(name, iri, override=True)
        return ds
