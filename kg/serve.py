"""The read-only SPARQL endpoint: SPARQL 1.1 Protocol, named queries and a query page.

Routes:

- ``GET /sparql?query=``, ``POST /sparql`` (form ``query=`` or an
  ``application/sparql-query`` body): SPARQL 1.1 Protocol queries over the union of
  all graphs. Answers in SPARQL JSON, XML, CSV or TSV (SELECT, ASK) or in Turtle,
  N-Triples, JSON-LD or RDF/XML (CONSTRUCT, DESCRIBE), chosen by ``Accept`` or by
  ``?format=`` (json, xml, csv, tsv, turtle, ntriples, jsonld, rdfxml).
- ``GET /queries``: the named questions as JSON; ``GET /queries/NAME?param=value``
  runs one, with its parameters as query-string arguments.
- ``GET /``: a page to type a query and see the answer as a table (no outside resource).

Statuses: 400 malformed query (the parser's ``line:column`` message) or bad
parameter; 403 SPARQL Update, Graph Store writes, any write method, or ``SERVICE``
without ``allow_service``; 404 unknown route or named query; 406 no acceptable
format; 413 query text over ``max_query_bytes``; 415 unknown POST body type;
503 the query ran past ``timeout_s`` (it is stopped, see :mod:`kg.sandbox`) or every
worker stayed busy that long. A result over ``max_rows`` rows is cut to ``max_rows``
with status 200 and the header ``Dkg-Truncated: <max_rows>``.

The store is served from a private copy retaken when the store changes and no build
holds it (:class:`kg.snapshot.Snapshots`): a running build never shows half an article,
its articles appear once it has closed the store. Each request is logged as one line
on stderr: client, method, path, status, rows, milliseconds.
"""
from __future__ import annotations

import ipaddress
import os
import sys
import time
from contextlib import asynccontextmanager
from importlib import resources as _res
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from .errors import DkgError, StoreError
from .sandbox import TEXT, Job, Outcome, QueryPool
from .snapshot import Snapshots

__all__ = ["create_app", "serve", "exposure_warning", "is_loopback", "LOOPBACK_HOSTS"]

#: Host names a browser uses for this machine; other Host headers are refused when
#: the server listens on loopback only (so a rebinding web page cannot read it).
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")

_READ_ONLY = ("this endpoint is read-only: SPARQL Update and Graph Store writes are refused "
              "(queries go to GET or POST /sparql)")
_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'")


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or address to listen on) is this machine only."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, port: int) -> str | None:
    """The warning to print when listening on ``host`` reaches beyond this machine."""
    if is_loopback(host):
        return None
    bar = "!" * 72
    return (f"{bar}\n"
            f"WARNING: serving on {host}:{port}, reachable from other machines.\n"
            f"Anyone who can reach this port can read the whole store. There is no\n"
            f"authentication and no TLS; put it behind a proxy that adds them.\n"
            f"{bar}")


def _stderr_line(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _store_dir(store) -> Path:
    """The directory of ``store``: a path, or an opened dkg store kept in a directory."""
    location = store if isinstance(store, (str, os.PathLike)) else getattr(store, "location", None)
    text = str(location) if location is not None else ""
    if not text or text == "memory" or text.startswith(("http://", "https://")):
        raise StoreError("only a store directory can be served (not an in-memory store "
                         "or a remote endpoint)")
    return Path(location)


def _index_html() -> str:
    return (_res.files("kg") / "static" / "index.html").read_text(encoding="utf-8")


def _refuse_update() -> Response:
    return PlainTextResponse(_READ_ONLY + "\n", status_code=403)


async def _read_body(request: Request, limit: int) -> bytes | None:
    """The request body, or None when it is longer than ``limit`` bytes."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


class _Guard:
    """ASGI middleware: logs every request, refuses write methods, adds safe headers."""

    def __init__(self, app, log: Callable[[str], None]) -> None:
        self.app, self.log = app, log

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = [500]

        async def sending(message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [
                    (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
            await send(message)

        method, path = scope["method"], scope["path"]
        try:
            if method not in ("GET", "HEAD", "POST") or (method == "POST" and path != "/sparql"):
                await PlainTextResponse(_READ_ONLY + "\n", status_code=403)(scope, receive, sending)
            else:
                await self.app(scope, receive, sending)
        finally:
            rows = scope.get("state", {}).get("rows", 0)
            ms = (time.perf_counter() - start) * 1000
            client = (scope.get("client") or ("-",))[0]
            self.log(f"{client} {method} {path} {status[0]} rows={rows} ms={ms:.0f}")


def create_app(store, *, timeout_s: float = 30, max_rows: int = 10_000,
               allow_service: bool = False, workers: int | None = None,
               refresh_s: float = 2.0, max_query_bytes: int = 100_000,
               allowed_hosts: tuple[str, ...] | None = LOOPBACK_HOSTS,
               log: Callable[[str], None] | None = None) -> Starlette:
    """The endpoint over the store directory ``store`` as a Starlette app.

    Takes the first copy of the store now (:class:`~kg.errors.StoreLockedError` if a
    build holds it, :class:`~kg.errors.StoreError` if it is missing); the query workers
    start with the app and stop with it. ``allowed_hosts`` are the Host headers
    answered (None: any). ``log`` gets one line per request (default: stderr).
    """
    log = log or _stderr_line
    store_dir = _store_dir(store)
    snapshots = Snapshots(store_dir, refresh_s=refresh_s)
    workers = workers or max(1, min(4, os.cpu_count() or 1))
    pool = QueryPool(snapshots, workers=workers, allow_service=allow_service)
    prefixes = _prefixes()

    def job(query: str, request: Request, fmt: str | None = None, **named) -> Job:
        return Job(query, accept=request.headers.get("accept", ""),
                   format=fmt or request.query_params.get("format"), timeout_s=timeout_s,
                   max_rows=max_rows, allow_service=allow_service, prefixes=prefixes, **named)

    async def run(request: Request, j: Job) -> Response:
        import anyio.to_thread
        outcome: Outcome = await anyio.to_thread.run_sync(pool.run, j)
        request.state.rows = outcome.rows
        headers = {"Vary": "Accept"}
        if outcome.truncated:
            headers["Dkg-Truncated"] = str(max_rows)
        return Response(outcome.body, status_code=outcome.status,
                        media_type=outcome.media_type, headers=headers)

    async def sparql(request: Request) -> Response:
        params = request.query_params
        if "update" in params:
            return _refuse_update()
        query, fmt = params.get("query"), None
        graphs = {k: params.getlist(k) for k in ("default-graph-uri", "named-graph-uri")}
        if request.method == "POST":
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype == "application/sparql-update":
                return _refuse_update()
            body = await _read_body(request, max_query_bytes)
            if body is None:
                return _text(413, f"the query is longer than {max_query_bytes} bytes")
            if ctype == "application/x-www-form-urlencoded":
                form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
                if "update" in form:
                    return _refuse_update()
                query = (form.get("query") or [query])[0]
                fmt = (form.get("format") or [None])[0]
                for k in graphs:
                    graphs[k] += form.get(k, [])
            elif ctype == "application/sparql-query":
                query = body.decode("utf-8", "replace")
            else:
                return _text(415, "POST a form (application/x-www-form-urlencoded, field "
                                  "query=) or a query (application/sparql-query)")
        if not query or not query.strip():
            return _text(400, "no query: give ?query=..., a form field query=, or an "
                              "application/sparql-query body")
        if len(query.encode("utf-8")) > max_query_bytes:
            return _text(413, f"the query is longer than {max_query_bytes} bytes")
        return await run(request, job(query, request, fmt,
                                      default_graphs=tuple(graphs["default-graph-uri"]),
                                      named_graphs=tuple(graphs["named-graph-uri"])))

    async def query_list(request: Request) -> Response:
        try:
            return JSONResponse(_named_queries())
        except DkgError as exc:
            return _text(404, str(exc))

    async def named(request: Request) -> Response:
        args = {k: v for k, v in request.query_params.items() if k != "format"}
        return await run(request, job("", request, named=request.path_params["name"],
                                      params=args))

    async def index(request: Request) -> Response:
        return HTMLResponse(_index_html(), headers={"Content-Security-Policy": _CSP})

    @asynccontextmanager
    async def lifespan(app):
        import anyio.to_thread
        try:
            await anyio.to_thread.run_sync(pool.start)
            log(f"serving {store_dir}: {workers} query workers ({pool.note}); "
                f"timeout {timeout_s:g} s, at most {max_rows} rows"
                + ("; SERVICE allowed" if allow_service else ""))
            yield
        finally:
            pool.close()
            snapshots.close()

    app = Starlette(routes=[
        Route("/", index),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/queries", query_list),
        Route("/queries/{name}", named),
    ], lifespan=lifespan)
    if allowed_hosts is not None:
        from starlette.middleware.trustedhost import TrustedHostMiddleware
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts),
                           www_redirect=False)
    app.add_middleware(_Guard, log=log)
    app.state.snapshots, app.state.pool = snapshots, pool
    return app


def _text(status: int, message: str) -> Response:
    return Response((message + "\n").encode("utf-8"), status_code=status, media_type=TEXT)


def _prefixes() -> dict[str, str]:
    from .namespaces import PREFIXES
    return {prefix: str(ns) for prefix, ns in PREFIXES.items()}


def _named_queries() -> list[dict]:
    """Each named question: name, summary, question, parameters, columns, text, URL."""
    from .queries import list_queries, load_query
    out = []
    for name, _summary in list_queries():
        q = load_query(name)
        out.append({"name": q.name, "summary": q.summary, "question": q.question,
                    "parameters": [{"name": p.name, "kind": p.kind, "required": p.required,
                                    "description": p.description} for p in q.params],
                    "columns": list(q.columns), "text": q.text, "url": f"/queries/{q.name}"})
    return out


def serve(store, *, host: str = "127.0.0.1", port: int = 7878, timeout_s: float = 30,
          max_rows: int = 10_000, allow_service: bool = False, workers: int | None = None,
          log: Callable[[str], None] | None = None) -> None:
    """Serve ``store`` until interrupted; see :func:`create_app` for the rest.

    Listens on loopback unless ``host`` says otherwise, and then prints a warning.
    Raises :class:`~kg.errors.DkgError` when the port cannot be taken.
    """
    import socket

    import uvicorn

    log = log or _stderr_line
    app = create_app(store, timeout_s=timeout_s, max_rows=max_rows,
                     allow_service=allow_service, workers=workers,
                     allowed_hosts=LOOPBACK_HOSTS if is_loopback(host) else None, log=log)
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        app.state.snapshots.close()
        raise DkgError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    port = sock.getsockname()[1]
    warning = exposure_warning(host, port)
    if warning:
        log(warning)
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    log(f"SPARQL endpoint: http://{shown}:{port}/sparql  (query page: http://{shown}:{port}/)")
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on",
                            timeout_graceful_shutdown=2)
    uvicorn.Server(config).run(sockets=[sock])
