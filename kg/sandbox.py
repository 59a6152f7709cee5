"""Read-only SPARQL in killable worker processes, with a deadline, a row cap and no network.

Why processes: a pyoxigraph query cannot be cancelled once started (an aggregate or
``ORDER BY`` runs to the end inside one native call), so each query runs in a worker
process that is killed when it overruns. Workers read a private copy of the store
(:class:`kg.snapshot.Snapshots`), never the live one.

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

import ctypes
import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from pathlib import Path

from .errors import StoreError
from .snapshot import Snapshots
from .sparql_formats import (GRAPH_FORMATS, RESULT_FORMATS, choose_format, term_json,
                             unacceptable, write_boolean, write_solutions, write_triples)

__all__ = ["Outcome", "Job", "QueryPool", "answer", "service_refusal", "TEXT"]

TEXT = "text/plain; charset=utf-8"

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

_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_SERVICE = re.compile(r"(?<![\w:?$\\-])service(?![\w:-])", re.IGNORECASE)
_SERVICE_LETTERS = re.compile("service", re.IGNORECASE)


def _code_of(query: str) -> str:
    """``query`` with comments, strings, IRIs and escaped name characters blanked out.

    Lexed the way the engine lexes it: ``\\u`` escapes count only inside strings and
    IRIs (they are not undone across the text, unlike rdflib's parser), a backslash
    in a prefixed name escapes the next character (``ex:a\\#b`` holds no comment),
    and ``<`` opens an IRI only when a whole IRI follows (else it is "less than").
    """
    out, i, n = [], 0, len(query)
    while i < n:
        c = query[i]
        if c == "#":
            ends = [j for j in (query.find("\n", i), query.find("\r", i)) if j >= 0]
            i = min(ends) if ends else n
            out.append(" ")
        elif c in "'\"":
            quote = query[i:i + 3] if query[i:i + 3] in ("'''", '"""') else c
            j = i + len(quote)
            while j < n and not query.startswith(quote, j):
                j += 2 if query[j] == "\\" else 1
            i = j + len(quote)
            out.append(" ")
        elif c == "<" and _IRIREF.match(query, i):
            i = _IRIREF.match(query, i).end()
            out.append(" ")
        elif c == "\\":
            i += 2
            out.append(" ")
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _contains(node, name: str) -> bool:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue
    if isinstance(node, CompValue):
        return node.name == name or any(_contains(v, name) for v in node.values())
    if isinstance(node, (list, tuple, ParseResults)):
        return any(_contains(v, name) for v in node)
    return False


def _rdflib_sees_service(query: str) -> bool:
    """Whether rdflib's parser finds a SERVICE clause (False if it cannot parse the query)."""
    from rdflib.plugins.sparql.parser import parseQuery
    try:
        return _contains(parseQuery(query), "ServiceGraphPattern")
    except Exception:  # pyparsing's ParseException and friends
        return False


def service_refusal(query: str) -> Outcome | None:
    """The 403 for a query holding a SERVICE clause, or None if it holds none.

    Decided by lexing the query as the engine does and looking for the keyword
    outside comments, strings, IRIs and names (over-cautious: a bare word
    ``service`` anywhere in the code counts), and, as a second opinion, by
    rdflib's parser. rdflib alone is not enough: it undoes ``\\u`` escapes across
    the whole text, so an escaped newline in a comment can make it read as a string
    what the engine runs as a SERVICE clause.
    """
    if not _SERVICE_LETTERS.search(query):  # the keyword has to be spelled out
        return None
    if _SERVICE.search(_code_of(query)) or _rdflib_sees_service(query):
        return Outcome.text(403, "SERVICE (federated query) is disabled on this endpoint: "
                                 "it would make the server connect elsewhere. Start the "
                                 "server with --allow-service to allow it.")
    return None


# ---------------------------------------------------------------- answering

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
        from .store import has_merged_default_graph  # the union, each triple once

        dataset = {"use_default_graph_as_union": not has_merged_default_graph(store)}
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
    fmt = choose_format("results", job.accept, job.format)
    if fmt is None:
        return Outcome.text(406, unacceptable("results"))
    return Outcome(200, RESULT_FORMATS[fmt][0], write_boolean(result, fmt), rows=1)


def _solutions(result, job: Job, deadline: float) -> Outcome:
    fmt = choose_format("results", job.accept, job.format)
    if fmt is None:
        return Outcome.text(406, unacceptable("results"))
    names = [v.value for v in result.variables]
    rows, truncated = [], False
    for i, solution in enumerate(result):
        if i >= job.max_rows:
            truncated = True
            break
        if i % _CHECK_EVERY == 0 and time.monotonic() > deadline:
            return _timed_out(job)
        rows.append({n: term_json(t) for n, t in zip(names, solution) if t is not None})
    return Outcome(200, RESULT_FORMATS[fmt][0], write_solutions(names, rows, fmt),
                   rows=len(rows), truncated=truncated)


def _triples(result, job: Job, deadline: float) -> Outcome:
    fmt = choose_format("graph", job.accept, job.format)
    if fmt is None:
        return Outcome.text(406, unacceptable("graph"))
    triples, truncated = [], False
    for i, triple in enumerate(result):
        if i >= job.max_rows:
            truncated = True
            break
        if i % _CHECK_EVERY == 0 and time.monotonic() > deadline:
            return _timed_out(job)
        triples.append(triple)
    return Outcome(200, GRAPH_FORMATS[fmt][0], write_triples(triples, fmt, job.prefixes),
                   rows=len(triples), truncated=truncated)


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
                worker.conn.send(replace(job, path=path))
                if worker.conn.poll(job.timeout_s + _GRACE_S):
                    outcome = worker.conn.recv()
                    self._idle.put(worker)
                    return outcome
            except (EOFError, OSError):
                self._replace(worker)
                return Outcome.text(500, "the query worker died while answering")
            self._replace(worker)  # still inside the query: kill it before the copy may go
        return _timed_out(job)

    def alive(self) -> int:
        """How many worker processes are running (busy, idle or starting)."""
        with self._guard:
            return sum(1 for w in self._all if w.process.poll() is None)

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
