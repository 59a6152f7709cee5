"""Read-only SPARQL in killable worker processes: a private snapshot, a deadline, a row cap.

Why processes: a pyoxigraph query cannot be cancelled once started (an aggregate or
``ORDER BY`` runs to the end inside one native call), so each query runs in a worker
process that is killed when it overruns. Why a snapshot: pyoxigraph documents reading a
store that another process is writing as undefined behaviour, so workers never open the
live store; they read a private copy taken while no build holds it.

How a query ends:

- it answers within ``timeout_s``: the result, at most ``max_rows`` rows (solutions or
  triples); beyond that it is cut to ``max_rows`` and marked ``truncated``;
- it is still producing rows at the deadline: the worker stops it itself -> 503;
- it is stuck in one native call at the deadline (plus a short grace): the worker
  process is killed and replaced -> 503; the query never finishes in the background;
- it contains ``SERVICE`` and federation is off -> 403 before anything runs; the worker
  processes also run without network access where the system allows it (Linux
  network namespaces), so no outbound connection can be made even by mistake;
- it is malformed -> 400 with the parser's message (``line:column``).
"""
from __future__ import annotations

import atexit
import ctypes
import json
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Iterator

from .errors import StoreError, StoreLockedError

try:
    import fcntl
except ImportError:  # not a POSIX system: no lock to look at
    fcntl = None

__all__ = ["Outcome", "Job", "Snapshots", "QueryPool", "service_refusal", "choose_format",
           "answer", "RESULT_FORMATS", "GRAPH_FORMATS"]

TEXT = "text/plain; charset=utf-8"

#: Formats of SELECT/ASK results: short name -> (media type, other media types accepted).
RESULT_FORMATS = {
    "json": ("application/sparql-results+json", ("application/json", "text/javascript",
                                                  "application/javascript")),
    "xml": ("application/sparql-results+xml", ("application/xml", "text/xml")),
    "csv": ("text/csv; charset=utf-8", ("text/csv",)),
    "tsv": ("text/tab-separated-values; charset=utf-8", ("text/tab-separated-values",)),
}
#: Formats of CONSTRUCT/DESCRIBE results: short name -> (media type, other media types).
GRAPH_FORMATS = {
    "turtle": ("text/turtle", ("application/x-turtle", "application/turtle")),
    "ntriples": ("application/n-triples", ("text/plain",)),
    "jsonld": ("application/ld+json", ("application/json",)),
    "rdfxml": ("application/rdf+xml", ("application/xml", "text/xml")),
}
#: ``?format=`` words and what they mean for results / for graphs.
_FORMAT_WORDS = {
    "json": ("json", "jsonld"), "srj": ("json", None), "xml": ("xml", "rdfxml"),
    "srx": ("xml", None), "csv": ("csv", None), "tsv": ("tsv", None),
    "turtle": (None, "turtle"), "ttl": (None, "turtle"), "ntriples": (None, "ntriples"),
    "nt": (None, "ntriples"), "n-triples": (None, "ntriples"), "jsonld": (None, "jsonld"),
    "json-ld": (None, "jsonld"), "rdfxml": (None, "rdfxml"), "rdf": (None, "rdfxml"),
}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_CHECK_EVERY = 256        # rows between two looks at the clock
_GRACE_S = 0.5            # time a worker gets past the deadline to stop by itself
_CLONE_NEWUSER, _CLONE_NEWNET = 0x10000000, 0x40000000


@dataclass(frozen=True)
class Outcome:
    """What a query came to: an HTTP status, a body and how many rows it holds."""

    status: int
    media_type: str
    body: bytes
    rows: int = 0
    truncated: bool = False

    @classmethod
    def text(cls, status: int, message: str) -> "Outcome":
        """A one-line plain-text answer (errors and refusals)."""
        return cls(status, TEXT, (message.rstrip() + "\n").encode("utf-8"))


@dataclass(frozen=True)
class Job:
    """One query for a worker: the text, what the client accepts, and the limits.

    With ``named``, ``query`` is ignored: the named question runs with ``params``
    (strings, read as :func:`kg.queries.bind_params` reads them).
    """

    query: str
    accept: str = ""
    format: str | None = None
    timeout_s: float = 30.0
    max_rows: int = 10_000
    allow_service: bool = False
    substitutions: dict = field(default_factory=dict)
    prefixes: dict = field(default_factory=dict)
    named: str | None = None
    params: dict = field(default_factory=dict)
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    path: str = ""


# ---------------------------------------------------------------- SERVICE

_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _unescape(query: str) -> str:
    def one(m: re.Match) -> str:
        try:
            return chr(int(m.group(1) or m.group(2), 16))
        except ValueError:
            return m.group(0)
    return _CODEPOINT.sub(one, query)


def _contains(node, name: str) -> bool:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue
    if isinstance(node, CompValue):
        return node.name == name or any(_contains(v, name) for v in node.values())
    if isinstance(node, (list, tuple, ParseResults)):
        return any(_contains(v, name) for v in node)
    return False


def service_refusal(query: str) -> Outcome | None:
    """Why ``query`` may not run with federation off (403 or 400), or None if it may.

    A query that never spells ``service`` (after SPARQL's ``\\u`` escapes are undone)
    cannot hold a SERVICE clause. Otherwise it is parsed, and refused if the parse
    tree holds one, or if it cannot be parsed (then it cannot be checked).
    """
    text = _unescape(query)
    if "service" not in text.lower():
        return None
    from rdflib.plugins.sparql.parser import parseQuery
    try:
        tree = parseQuery(text)
    except Exception as exc:  # pyparsing's ParseException and friends
        return Outcome.text(400, f"malformed query (it mentions SERVICE, so it was checked "
                                 f"before running): {_one_line(str(exc))}")
    if _contains(tree, "ServiceGraphPattern"):
        return Outcome.text(403, "SERVICE (federated query) is disabled on this endpoint: "
                                 "it would make the server connect elsewhere. Start the "
                                 "server with --allow-service to allow it.")
    return None


# ---------------------------------------------------------------- formats

def _media_ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        ranges.append((fields[0].lower(), q, -i))
    ranges.sort(key=lambda r: (r[1], r[2]), reverse=True)
    return [(r[0], r[1]) for r in ranges if r[1] > 0]


def choose_format(kind: str, accept: str, override: str | None) -> str | None:
    """The short name of the format to answer in, or None if the client accepts none.

    ``kind`` is ``"results"`` (SELECT, ASK) or ``"graph"`` (CONSTRUCT, DESCRIBE);
    ``override`` is the ``?format=`` word or media type, which wins over ``accept``.
    No Accept header, or ``*/*``, means SPARQL JSON results or Turtle.
    """
    table = RESULT_FORMATS if kind == "results" else GRAPH_FORMATS
    if override:
        word = override.strip().lower()
        if word in _FORMAT_WORDS:
            return _FORMAT_WORDS[word][0 if kind == "results" else 1]
        accept = word
    if not accept.strip():
        return next(iter(table))
    for media, _q in _media_ranges(accept):
        if media in ("*/*", "*"):
            return next(iter(table))
        for name, (main, others) in table.items():
            types = (main.split(";")[0],) + others
            if media in types or (media.endswith("/*") and
                                  any(t.startswith(media[:-1]) for t in types)):
                return name
    return None


def _not_acceptable(kind: str) -> Outcome:
    table = RESULT_FORMATS if kind == "results" else GRAPH_FORMATS
    names = ", ".join(f"{m.split(';')[0]} (format={n})" for n, (m, _o) in table.items())
    what = "SELECT/ASK results" if kind == "results" else "CONSTRUCT/DESCRIBE graphs"
    return Outcome.text(406, f"none of the accepted media types is available; "
                             f"{what} come as {names}")


# ---------------------------------------------------------------- answering

def _term_json(term) -> dict:
    import pyoxigraph as ox
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": _term_json(term.subject),
                                        "predicate": _term_json(term.predicate),
                                        "object": _term_json(term.object)}}


def _timed_out(job: Job) -> Outcome:
    return Outcome.text(503, f"query stopped: it ran longer than the {job.timeout_s:g} s "
                             f"this endpoint allows; narrow it or add a LIMIT")


def answer(store, job: Job) -> Outcome:
    """Run ``job`` on an open pyoxigraph ``store`` and encode the answer.

    The default graph is the union of all graphs, unless the job names graphs
    (the protocol's ``default-graph-uri`` and ``named-graph-uri``).

    Works in any process; the deadline is only checked between rows here, the
    :class:`QueryPool` enforces it for queries stuck inside one native call.
    """
    import pyoxigraph as ox
    deadline = time.monotonic() + job.timeout_s
    query, substitutions = job.query, dict(job.substitutions)
    if job.named is not None:
        from .errors import QueryError
        from .queries import bind_params, load_query
        try:
            named = load_query(job.named)
            substitutions.update(bind_params(store, named, job.params))
        except QueryError as exc:
            return Outcome.text(404 if str(exc).startswith("unknown query") else 400, str(exc))
        query = named.text
    if not job.allow_service:
        refused = service_refusal(query)
        if refused is not None:
            return refused
    try:
        dataset = {"use_default_graph_as_union": True}
        if job.default_graphs:
            dataset = {"default_graph": [ox.NamedNode(g) for g in job.default_graphs]}
        if job.named_graphs:
            dataset["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
        result = store.query(query, substitutions={ox.Variable(k): v
                                                   for k, v in substitutions.items()} or None,
                             **dataset)
        if isinstance(result, ox.QueryBoolean):
            return _boolean(result, job)
        if isinstance(result, ox.QuerySolutions):
            return _solutions(result, job, deadline)
        return _triples(result, job, deadline)
    except SyntaxError as exc:
        return Outcome.text(400, f"malformed query: {_one_line(str(exc))}")
    except ValueError as exc:  # a bad graph IRI
        return Outcome.text(400, f"bad request: {_one_line(str(exc))}")
    except Exception as exc:  # evaluation errors from the engine
        return Outcome.text(500, f"query failed: {type(exc).__name__}: {_one_line(str(exc))}")


def _one_line(message: str, limit: int = 400) -> str:
    text = " ".join(message.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _boolean(result, job: Job) -> Outcome:
    import pyoxigraph as ox
    fmt = choose_format("results", job.accept, job.format)
    if fmt is None:
        return _not_acceptable("results")
    ox_format = getattr(ox.QueryResultsFormat, fmt.upper())
    return Outcome(200, RESULT_FORMATS[fmt][0], result.serialize(format=ox_format), rows=1)


def _solutions(result, job: Job, deadline: float) -> Outcome:
    import pyoxigraph as ox
    fmt = choose_format("results", job.accept, job.format)
    if fmt is None:
        return _not_acceptable("results")
    names = [v.value for v in result.variables]
    rows, truncated = [], False
    for i, solution in enumerate(result):
        if i >= job.max_rows:
            truncated = True
            break
        if i % _CHECK_EVERY == 0 and time.monotonic() > deadline:
            return _timed_out(job)
        rows.append({n: _term_json(t) for n, t in zip(names, solution) if t is not None})
    body = json.dumps({"head": {"vars": names}, "results": {"bindings": rows}},
                      ensure_ascii=False).encode("utf-8")
    if fmt != "json":
        parsed = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        body = parsed.serialize(format=getattr(ox.QueryResultsFormat, fmt.upper()))
    return Outcome(200, RESULT_FORMATS[fmt][0], body, rows=len(rows), truncated=truncated)


def _triples(result, job: Job, deadline: float) -> Outcome:
    import pyoxigraph as ox
    fmt = choose_format("graph", job.accept, job.format)
    if fmt is None:
        return _not_acceptable("graph")
    triples, truncated = [], False
    for i, triple in enumerate(result):
        if i >= job.max_rows:
            truncated = True
            break
        if i % _CHECK_EVERY == 0 and time.monotonic() > deadline:
            return _timed_out(job)
        triples.append(triple)
    ox_format = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
                 "jsonld": getattr(ox.RdfFormat, "JSON_LD", None),
                 "rdfxml": ox.RdfFormat.RDF_XML}[fmt]
    if ox_format is None:  # a pyoxigraph without JSON-LD: rdflib writes it
        import rdflib
        graph = rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES),
                                     format="nt")
        body = graph.serialize(format="json-ld").encode("utf-8")
    else:
        prefixes = job.prefixes if fmt in ("turtle", "rdfxml") else None
        body = ox.serialize(triples, format=ox_format, prefixes=prefixes)
    return Outcome(200, GRAPH_FORMATS[fmt][0], body, rows=len(triples), truncated=truncated)


# ---------------------------------------------------------------- snapshots

_DB_FILE = re.compile(r"^(CURRENT|IDENTITY|MANIFEST-\d+|OPTIONS-\d+|\d+\.(sst|log|blob))$")


def _signature(directory: Path) -> tuple:
    """Name, size and time of each database file: changes whenever the store does."""
    out = []
    for entry in os.scandir(directory):
        if _DB_FILE.match(entry.name) and entry.is_file():
            st = entry.stat()
            out.append((entry.name, st.st_size, st.st_mtime_ns))
    return tuple(sorted(out))


def _flock_shared(fd: int) -> None:
    fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)


def _record_lock(fd: int, kind: int) -> None:
    """Set (``F_RDLCK``) or clear (``F_UNLCK``) an open-file-description lock on a file.

    The database's writer holds a classic record lock on its ``LOCK`` file. An
    open-file-description lock conflicts with it, even within this process, and
    clearing it leaves the writer's lock alone.
    """
    import struct
    flock = struct.pack("@hhqqi", kind, os.SEEK_SET, 0, 0, 0)
    flock += b"\0" * (32 - len(flock))
    fcntl.fcntl(fd, fcntl.F_OFD_SETLK, flock)


@dataclass
class _Snapshot:
    path: Path
    signature: tuple
    refs: int = 0
    retired: bool = False


class Snapshots:
    """The store as last seen whole: a private copy, retaken when the store has changed.

    A copy is taken only while no process holds the store for writing (the database's
    own lock file is locked shared for the few milliseconds of the copy, so a build
    cannot start in the middle of it). Immutable table files are hard-linked when the
    file system allows it, the rest is copied; the copy sits next to the store in a
    hidden directory, or in the temporary directory when that is not writable.
    While a build holds the store the last copy keeps being served; a build's
    articles appear once the build has closed the store, all at once.
    """

    def __init__(self, store_dir, *, refresh_s: float = 2.0) -> None:
        self.store_dir = Path(store_dir)
        self.refresh_s = refresh_s
        if not (self.store_dir / "CURRENT").is_file():
            what = "does not exist" if not self.store_dir.exists() else "is not a dkg store"
            raise StoreError(f"{self.store_dir} {what}; build one first (dkg build)")
        self._lock = threading.Lock()
        self._checked = time.monotonic()
        # The database's LOCK file stays open for the life of the process: closing any
        # descriptor of it would drop a classic record lock held by a writer in this
        # process (a POSIX rule). Without open-file-description locks (not Linux) only
        # dkg's own lock file is consulted, so only dkg writers are waited for.
        self._db_lock = None
        if fcntl is not None and hasattr(fcntl, "F_OFD_SETLK") and \
                (self.store_dir / "LOCK").exists():
            self._db_lock = os.open(self.store_dir / "LOCK", os.O_RDONLY)
        snap = self._take()
        if snap is None:
            raise StoreLockedError(
                f"{self.store_dir} is being written (by a build?); "
                f"serve it once that process has finished")
        self._current = snap
        atexit.register(self.close)

    def _take(self) -> _Snapshot | None:
        """A new copy of the store, or None while a writer holds it.

        Both locks a writer takes are held shared during the copy: dkg's own lock
        file (a dkg writer then waits for the copy to end) and the database's
        (any other writer fails to open instead of changing files under the copy);
        either one held by a writer means "busy".
        """
        from .store import LOCK_FILE
        dkg_lock, db_locked = None, False
        try:
            if fcntl is not None and (self.store_dir / LOCK_FILE).exists():
                dkg_lock = os.open(self.store_dir / LOCK_FILE, os.O_RDONLY)
                try:
                    fcntl.flock(dkg_lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
                except OSError:
                    return None
            if self._db_lock is not None:
                self._follow_lock_file()
                try:
                    _record_lock(self._db_lock, fcntl.F_RDLCK)
                except OSError:
                    return None
                db_locked = True
            signature = _signature(self.store_dir)
            target = self._new_dir()
            try:
                for name, _size, _mtime in signature:
                    src, dst = self.store_dir / name, target / name
                    if name.endswith(".sst"):
                        try:
                            os.link(src, dst)
                            continue
                        except OSError:
                            pass
                    shutil.copy2(src, dst)
            except BaseException:
                shutil.rmtree(target, ignore_errors=True)
                raise
            return _Snapshot(target, signature)
        finally:
            if db_locked:
                _record_lock(self._db_lock, fcntl.F_UNLCK)
            if dkg_lock is not None:
                os.close(dkg_lock)  # releases the shared flock, and only it

    def _follow_lock_file(self) -> None:
        """Reopen the database's LOCK file if the store was replaced by a new one."""
        try:
            if os.stat(self.store_dir / "LOCK").st_ino == os.fstat(self._db_lock).st_ino:
                return
            fresh = os.open(self.store_dir / "LOCK", os.O_RDONLY)
        except OSError:
            return
        os.close(self._db_lock)  # the old file is gone; no writer can hold it any more
        self._db_lock = fresh

    def _new_dir(self) -> Path:
        for parent in (self.store_dir.resolve().parent, None):
            try:
                return Path(tempfile.mkdtemp(prefix=f".{self.store_dir.name}.serving-",
                                             dir=parent))
            except OSError:
                continue
        raise StoreError("cannot make a directory for the served copy of the store")

    def _maybe_refresh(self) -> None:
        now = time.monotonic()
        if now - self._checked < self.refresh_s:
            return
        self._checked = now
        try:
            if _signature(self.store_dir) == self._current.signature:
                return
            snap = self._take()
        except OSError:
            return  # keep serving the copy we have
        if snap is not None:
            old, self._current = self._current, snap
            old.retired = True
            if old.refs == 0:
                shutil.rmtree(old.path, ignore_errors=True)

    @contextmanager
    def use(self) -> Iterator[str]:
        """The directory of the current copy, kept until the block ends."""
        with self._lock:
            self._maybe_refresh()
            snap = self._current
            snap.refs += 1
        try:
            yield str(snap.path)
        finally:
            with self._lock:
                snap.refs -= 1
                if snap.retired and snap.refs == 0:
                    shutil.rmtree(snap.path, ignore_errors=True)

    def close(self) -> None:
        """Remove the copy (call once no query runs any more); safe to call twice."""
        with self._lock:
            shutil.rmtree(self._current.path, ignore_errors=True)
        atexit.unregister(self.close)


# ---------------------------------------------------------------- workers

def _cut_network() -> str:
    """Leave every network (a new, empty network namespace); say whether it worked."""
    if not sys.platform.startswith("linux"):
        return "workers keep network access (no network namespaces on this system)"
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(_CLONE_NEWNET) == 0:
            return "workers have no network access"
        uid, gid = os.getuid(), os.getgid()
        if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) == 0:
            for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"),
                               ("gid_map", f"{gid} {gid} 1")):
                try:
                    Path(f"/proc/self/{name}").write_text(text)
                except OSError:
                    pass
            return "workers have no network access"
        return (f"workers keep network access (network namespace refused: "
                f"{os.strerror(ctypes.get_errno())}); SERVICE is still refused by parsing")
    except (OSError, AttributeError) as exc:
        return f"workers keep network access ({exc}); SERVICE is still refused by parsing"


def _worker_main(fd: int, isolate: bool) -> None:
    """Loop of a worker process: open the snapshot it is given, answer jobs.

    The worker talks over the socket ``fd`` (pickled :class:`Job` in, :class:`Outcome`
    out); it is started as a fresh interpreter, so it never re-runs the caller's script.
    """
    import signal
    from multiprocessing.connection import Connection
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the server; it stops us
    conn = Connection(fd)
    note = _cut_network() if isolate else "workers have network access (SERVICE allowed)"
    import pyoxigraph as ox
    conn.send(note)
    store, path = None, None
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            if job.path != path:
                store, path = None, None
                store, path = ox.Store.read_only(job.path), job.path
            outcome = answer(store, job)
        except Exception as exc:
            outcome = Outcome.text(500, f"query failed: {type(exc).__name__}: {exc}")
        conn.send(outcome)


class _Worker:
    def __init__(self, isolate: bool) -> None:
        ours, theirs = socket.socketpair()
        package_root = str(Path(__file__).resolve().parent.parent)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH"))
                                            if p)
        code = f"from kg.sandbox import _worker_main; _worker_main({theirs.fileno()}, {isolate})"
        self.process = subprocess.Popen([sys.executable, "-c", code], pass_fds=[theirs.fileno()],
                                        stdin=subprocess.DEVNULL, env=env)
        theirs.close()
        self.conn = Connection(ours.detach())
        self.note = ""

    def ready(self, timeout: float) -> bool:
        try:
            if self.conn.poll(timeout):
                self.note = self.conn.recv()
                return True
        except (EOFError, OSError):
            pass
        return False

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(5)
        self.conn.close()


class QueryPool:
    """A few worker processes answering jobs over a :class:`Snapshots`, one job each.

    :meth:`run` blocks (call it from a thread): it waits up to ``timeout_s`` for a free
    worker (503 if none), then up to ``timeout_s`` (plus a short grace) for the answer;
    a worker that overruns is killed and replaced in the background.
    """

    def __init__(self, snapshots: Snapshots, *, workers: int = 2, allow_service: bool = False,
                 start_timeout_s: float = 60.0) -> None:
        self.snapshots = snapshots
        self.size = max(1, workers)
        self.isolate = not allow_service
        self.start_timeout_s = start_timeout_s
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._guard = threading.Lock()
        self._closed = False
        self.note = ""

    def start(self) -> None:
        """Start the workers and wait until they are ready."""
        fresh = [self._spawn() for _ in range(self.size)]
        for w in fresh:
            if not w.ready(self.start_timeout_s):
                raise StoreError("the query workers did not start")
            self._idle.put(w)
        self.note = fresh[0].note

    def _spawn(self) -> _Worker:
        w = _Worker(self.isolate)
        with self._guard:
            self._all.add(w)
        return w

    def _replace(self, dead: _Worker) -> None:
        with self._guard:
            self._all.discard(dead)
        dead.kill()

        def start_one():
            if self._closed:
                return
            w = self._spawn()
            if w.ready(self.start_timeout_s) and not self._closed:
                self._idle.put(w)
            else:
                w.kill()
        threading.Thread(target=start_one, daemon=True).start()

    def run(self, job: Job) -> Outcome:
        """Answer ``job`` in a worker, within its deadline."""
        try:
            worker = self._idle.get(timeout=job.timeout_s)
        except queue.Empty:
            return Outcome.text(503, "all query workers are busy; try again shortly")
        with self.snapshots.use() as path:
            try:
                worker.conn.send(_with_path(job, path))
                if worker.conn.poll(job.timeout_s + _GRACE_S):
                    outcome = worker.conn.recv()
                    self._idle.put(worker)
                    return outcome
            except (EOFError, OSError):
                self._replace(worker)
                return Outcome.text(500, "the query worker died while answering")
            self._replace(worker)  # still inside the query: kill it before the copy may go
        return _timed_out(job)

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        with self._guard:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            try:
                w.conn.send(None)
            except OSError:
                pass
        for w in workers:
            try:
                w.process.wait(1)
            except subprocess.TimeoutExpired:
                pass
            w.kill()


def _with_path(job: Job, path: str) -> Job:
    return replace(job, path=path)
