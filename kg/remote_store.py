"""The store as a remote SPARQL 1.1 endpoint with update, over HTTP (the SPARQL
protocol): queries with their parameters bound by a VALUES block, the project's
prefixes added, updates posted to the endpoint's update URL."""
from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox

from . import __version__
from .errors import QueryError, StoreError
from .namespaces import PREFIXES
from .store import _GRAPH_PREFIX, Store, _one_line, _substitutions

__all__ = ["RemoteStore", "with_values"]

_WHERE_OR_BRACE = re.compile(
    r"""(?P<skip>\#[^\n]*
        |\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
        |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'
        |<[^<>"{}|^`\\\s]*>)
      |(?P<where>(?<![\w:?$])WHERE(?![\w:-]))
      |(?P<brace>\{)""", re.X | re.I)
_PREFIX_DECL = re.compile(r"(?<![\w:?$])PREFIX\s+([\w.-]*)\s*:", re.I)


def with_values(sparql: str, substitutions: dict) -> str:
    """The query with its variables bound by a VALUES block opening its WHERE clause.

    The values are RDF terms written by pyoxigraph's own term syntax (escaped),
    the remote counterpart of the embedded store's substitutions.
    """
    if not substitutions:
        return sparql
    after_where = False
    for match in _WHERE_OR_BRACE.finditer(sparql):
        if match.group("where"):
            after_where = True
        elif match.group("brace"):
            if after_where or not re.match(r"\s*CONSTRUCT\b", _strip_prologue(sparql), re.I):
                names = " ".join(f"?{v.value}" for v in substitutions)
                values = " ".join(str(t) for t in substitutions.values())
                pos = match.end()
                return f"{sparql[:pos]} VALUES ({names}) {{ ({values}) }} {sparql[pos:]}"
    raise QueryError("cannot bind parameters: the query has no WHERE clause")


def _strip_prologue(sparql: str) -> str:
    return re.sub(r"^(\s|#[^\n]*\n|(PREFIX\s+[\w.-]*:\s*<[^>]*>)|(BASE\s+<[^>]*>))*", "",
                  sparql, flags=re.I)


def _with_prefixes(sparql: str) -> str:
    """The query with the project's PREFIX lines for any prefix it does not declare."""
    declared = {m.group(1) for m in _PREFIX_DECL.finditer(sparql)}
    head = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items()
                   if name not in declared)
    return head + sparql


_QUADS = """SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER (STRSTARTS(STR(?g), "%s")) }"""
_GRAPH_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint with update, spoken to over HTTP (the SPARQL protocol)."""

    timeout = 120.0

    def __init__(self, query_url: str, update_url: str, *, read_only: bool,
                 probe: bool) -> None:
        self.location = query_url
        self.update_url = update_url
        self.read_only = read_only
        if probe:
            self._run_query("ASK {}", {}, False)

    def _post(self, url: str, body: str, content_type: str, accept: str | None,
              params: dict | None, is_query: bool) -> tuple[bytes, str]:
        if params:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
        headers = {"Content-Type": content_type + "; charset=utf-8",
                   "User-Agent": f"dkg/{__version__}"}
        if accept:
            headers["Accept"] = accept
        request = urllib.request.Request(url, data=body.encode("utf-8"), headers=headers,
                                         method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read(), response.headers.get_content_type()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip()
            detail = detail.splitlines()[0] if detail else exc.reason
            if is_query and exc.code == 400:
                raise QueryError(f"bad SPARQL: {detail}") from None
            raise StoreError(f"the SPARQL endpoint {url} answered {exc.code}: {detail}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreError(f"cannot reach the SPARQL endpoint {url}: {reason}") from None

    def _run_query(self, sparql, substitutions, union):
        text = with_values(_with_prefixes(sparql), substitutions)
        data, kind = self._post(self.location, text, "application/sparql-query",
                                "application/sparql-results+json, application/n-triples;q=0.9",
                                {"union-default-graph": ""} if union else None, True)
        try:
            if kind == "application/sparql-results+json":
                return ox.parse_query_results(data, ox.QueryResultsFormat.JSON)
            if kind == "application/n-triples":
                return iter([q.triple for q in ox.parse(data, ox.RdfFormat.N_TRIPLES)])
        except SyntaxError as exc:
            raise StoreError(f"unreadable answer from {self.location}: {_one_line(exc)}") from None
        raise StoreError(f"unexpected answer type {kind} from {self.location}")

    def _run_update(self, update: str) -> None:
        self._post(self.update_url, update, "application/sparql-update", None, None, False)

    def _quads_of(self, graphs):
        if graphs is None:
            solutions = self._run_query(_QUADS % _GRAPH_PREFIX, {}, False)
        else:
            solutions = []
            for g in graphs:
                solutions.extend(self._run_query(_GRAPH_QUADS, _substitutions({"g": g}), False))
        return [ox.Quad(s["s"], s["p"], s["o"], s["g"]) for s in solutions]
