"""The named SPARQL questions of ``queries/``: reading them, binding parameters, running them."""
from __future__ import annotations

import datetime as _dt
import difflib
import os
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Mapping

from .errors import QueryError
from .model import ACT_TYPES
from .namespaces import PREFIXES
from .resources import queries_dir

__all__ = ["Param", "Query", "list_queries", "load_query", "parse_query", "resolve_actor", "bind_params", "run",
           "query", "rows", "python_value", "shorten"]

_XSD = PREFIXES["xsd"]
_INTEGER_TYPES = {_XSD + t for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
    "unsignedByte")}
_FLOAT_TYPES = {_XSD + "double", _XSD + "float", _XSD + "decimal"}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(//|[^\s]*$)")
_PARAM_LINE = re.compile(r"^#\s*param\s+([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(.*)$")
_VAR = re.compile(r"\?([A-Za-z_][A-Za-z0-9_]*)")
_HEADER_PREFIX = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
_ACTOR_CLASSES = " ".join(f"dkg:{c}" for c in (
    "State", "GovernmentBody", "Organisation", "Person", "MediaOutlet", "OfficialsGroup", "Actor"))

# The actors whose name or other name equals ``?needle`` (case and punctuation aside).
_Q_ACTOR_BY_LABEL = _HEADER_PREFIX + f"""
SELECT DISTINCT ?actor ?name ?how ?label ?needle WHERE {{
  {{
    SELECT ?actor ?name ?how WHERE {{
      {{ VALUES ?cls {{ {_ACTOR_CLASSES} }} ?actor a ?cls ; rdfs:label ?name BIND("label" AS ?how) }}
      UNION
      {{ VALUES ?cls {{ {_ACTOR_CLASSES} }} ?actor a ?cls ; skos:altLabel ?name BIND("alias" AS ?how) }}
    }}
  }}
  FILTER(REPLACE(LCASE(STR(?name)), "[^\\\\p{{L}}\\\\p{{N}}]", "")
         = REPLACE(LCASE(STR(?needle)), "[^\\\\p{{L}}\\\\p{{N}}]", ""))
  OPTIONAL {{ ?actor rdfs:label ?label }}
}}"""

# Every name of every actor, for suggestions when a name is unknown.
_Q_ACTOR_NAMES = _HEADER_PREFIX + f"""
SELECT DISTINCT ?name WHERE {{
  VALUES ?cls {{ {_ACTOR_CLASSES} }}
  ?actor a ?cls ; rdfs:label|skos:altLabel ?name .
}}"""


@dataclass(frozen=True)
class Param:
    """A parameter of a question: its name, how its value is read, whether it is required."""

    name: str
    kind: str  # actor | iri | act_type | date | integer | text
    required: bool
    description: str


@dataclass(frozen=True)
class Query:
    """A SPARQL question: its name, text and what its header says.

    A question is a file ``queries/NAME.rq`` that opens with a comment header::

        # One-line summary (what ``dkg queries`` shows).
        #
        # Question: the question in plain words.
        #
        # param actor: IRI of an actor (or its label), optional; what it restricts.
        #
        # Columns:
        #   ?event ?article   what each returned variable holds

    A parameter is a variable of the query that is substituted with an RDF term
    before it runs (never pasted into the text), so it is also one of the returned
    columns. What a ``param`` line's description starts with says how a value is
    read: ``IRI of an actor`` (an IRI, a prefixed name such as ``actor:state/CHN``,
    or a name looked up among the actors' labels), ``IRI`` (an IRI or prefixed
    name), ``act type`` (one of the eleven type words), ``ISO date``, ``integer``;
    anything else is plain text. A parameter is required unless its description
    says ``optional``.
    """

    name: str
    text: str
    summary: str = ""
    question: str = ""
    params: tuple[Param, ...] = ()
    columns: tuple[str, ...] = ()
    path: Path | None = None

    def param(self, name: str) -> Param | None:
        """The declared parameter called ``name``, if any."""
        return next((p for p in self.params if p.name == name), None)


# --------------------------------------------------------------------------- reading

def _param_kind(description: str) -> str:
    d = description.strip().lower()
    if d.startswith("iri of an actor") or d.startswith("iri of the actor"):
        return "actor"
    if d.startswith("iri"):
        return "iri"
    if d.startswith("act type"):
        return "act_type"
    if d.startswith("iso date") or d.startswith("date"):
        return "date"
    if d.startswith("integer"):
        return "integer"
    return "text"


def _parse_header(text: str) -> tuple[str, str, tuple[Param, ...], tuple[str, ...]]:
    """Summary, question, parameters and columns of a query's leading comment."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            lines.append("#")
            continue
        if not stripped.startswith("#"):
            break
        lines.append(stripped)
    summary = ""
    for line in lines:
        body = line.lstrip("#").strip()
        if body:
            summary = body
            break
    question, params, columns = [], [], []
    section = ""
    for line in lines:
        body = line.lstrip("#")
        stripped = body.strip()
        m = _PARAM_LINE.match(line)
        if m:
            desc = m.group(2).strip()
            required = not re.search(r"\boptional\b", desc, re.I)
            params.append(Param(m.group(1), _param_kind(desc), required, desc))
            section = "param"
            continue
        low = stripped.lower()
        if low.startswith("question:"):
            section = "question"
            question.append(stripped.split(":", 1)[1].strip())
        elif low.startswith("columns"):
            section = "columns"
        elif low.startswith("parameters"):
            section = "parameters"
        elif not stripped:
            if section == "question":
                section = ""
        elif section == "question":
            question.append(stripped)
        elif section == "columns" and stripped.startswith("?"):
            for word in stripped.split():
                if not word.startswith("?"):
                    break
                columns.append(word[1:])
    return summary, " ".join(question), tuple(params), tuple(columns)


def _from_text(name: str, text: str, path: Path | None = None) -> Query:
    summary, question, params, columns = _parse_header(text)
    return Query(name, text, summary, question, params, columns, path)


def parse_query(text: str, name: str = "sparql") -> Query:
    """A question from SPARQL text; its comment header, if any, declares its parameters."""
    return _from_text(name, text)


def list_queries() -> list[tuple[str, str]]:
    """Which named questions there are: ``(name, one-line summary)``, sorted by name."""
    out = []
    for path in sorted(queries_dir().glob("*.rq")):
        summary = _parse_header(path.read_text(encoding="utf-8"))[0]
        out.append((path.stem, summary))
    return out


def _looks_like_sparql(text: str) -> bool:
    return bool(re.search(r"[\s{}]", text.strip())) or text.lstrip().startswith("#")


def load_query(name_or_path: str | os.PathLike) -> Query:
    """The question called ``name`` (``queries/NAME.rq``), or read from a ``.rq`` file.

    Raises :class:`~kg.errors.QueryError` naming the known questions when there
    is no such name.
    """
    if isinstance(name_or_path, Path) or (isinstance(name_or_path, str) and (
            name_or_path.endswith(".rq") or os.sep in name_or_path or "/" in name_or_path)):
        path = Path(name_or_path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise QueryError(f"cannot read query file {path}: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise QueryError(f"query file {path} is not UTF-8 text") from exc
        return _from_text(path.stem, text, path)
    name = str(name_or_path)
    path = queries_dir() / f"{name}.rq"
    if _NAME.match(name) and path.is_file():
        return _from_text(name, path.read_text(encoding="utf-8"), path)
    if Path(name).is_file():
        return load_query(Path(name))
    known = ", ".join(n for n, _ in list_queries())
    raise QueryError(f"unknown query {name!r}; known queries: {known}")


def _as_query(name_or_text: str | os.PathLike | Query) -> Query:
    if isinstance(name_or_text, Query):
        return name_or_text
    if isinstance(name_or_text, str) and _looks_like_sparql(name_or_text) \
            and not name_or_text.strip().endswith(".rq"):
        return _from_text("sparql", name_or_text)
    return load_query(name_or_text)


# --------------------------------------------------------------------------- executing

def _oxigraph():
    import pyoxigraph

    return pyoxigraph


def _syntax_message(label: str, exc: BaseException, text: str = "") -> str:
    """One line from a SPARQL parser error: where (line, column), what was expected, and near what."""
    msg = str(exc)
    m = re.search(r"error at (\d+):(\d+):\s*(.*)", msg, re.S)
    if not m:
        body = re.sub(r"^\s*bad SPARQL:\s*", "", msg.strip())
        first = body.splitlines()[0] if body else type(exc).__name__
        return f"SPARQL syntax error in {label}: {first}"
    line, col, detail = int(m.group(1)), int(m.group(2)), " ".join(m.group(3).split())
    if detail.startswith("expected one of"):
        items, depth, cur = [], 0, ""
        for ch in detail[len("expected one of"):]:
            if ch == "[":
                depth += 1
            elif ch == "]":
                depth = max(0, depth - 1)
            if ch == "," and depth == 0:
                items.append(cur.strip())
                cur = ""
            else:
                cur += ch
        items.append(cur.strip())
        tokens = [i for i in items if i and not i.startswith("[")
                  and (i.startswith('"') or re.fullmatch(r"[A-Z_]+", i))]
        notes = [i for i in items if i and not i.startswith("[") and i not in tokens]
        detail = "expected one of " + ", ".join(tokens[:12]) if tokens else "unexpected input"
        if len(tokens) > 12:
            detail += ", ..."
        if notes:
            detail += f" ({'; '.join(notes)})"
    lines = text.splitlines()
    near = ""
    if 0 < line <= len(lines):
        before = lines[line - 1][:max(col - 1, 0)].strip()
        if before:
            near = f" (after {before[-30:]!r})"
    return f"SPARQL syntax error in {label} at line {line}, column {col}: {detail}{near}"


def _queryable(store):
    """``store`` itself, or for an rdflib graph an in-memory Oxigraph copy with the ontology.

    A plain graph goes into one named graph, a dataset keeps its graphs, so that
    questions looking within one article's graph work on both.
    """
    try:
        import rdflib
    except ImportError:  # pragma: no cover
        return store
    if not isinstance(store, rdflib.Graph):
        return store
    from .namespaces import BASE, ONTOLOGY_GRAPH
    from .resources import ontology_path

    ox = _oxigraph()
    copy = ox.Store()
    if isinstance(store, rdflib.Dataset):
        copy.load(store.serialize(format="nquads", encoding="utf-8"), format=ox.RdfFormat.N_QUADS)
    else:
        copy.load(store.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES,
                  to_graph=ox.NamedNode(BASE + "graph/rdflib"))
    notation = ox.NamedNode(PREFIXES["skos"] + "notation")
    if not any(True for _ in copy.quads_for_pattern(None, notation, None)) \
            and ontology_path().is_file():
        copy.load(path=str(ontology_path()), format=ox.RdfFormat.TURTLE,
                  to_graph=ox.NamedNode(str(ONTOLOGY_GRAPH)))
    return copy


def _execute(store, q: Query, bindings: Mapping[str, Any]):
    """Raw results of ``q`` on ``store`` with ``bindings`` substituted."""
    ox = _oxigraph()
    try:
        if isinstance(store, ox.Store):
            from .store import has_merged_default_graph  # the union, each triple once

            union = not has_merged_default_graph(store)
            return store.query(q.text, use_default_graph_as_union=union,
                               substitutions={ox.Variable(k): v for k, v in bindings.items()})
        if hasattr(store, "query"):
            return store.query(q.text, dict(bindings))
    except SyntaxError as exc:
        raise QueryError(_syntax_message(_label(q), exc, q.text)) from exc
    except QueryError as exc:
        if re.search(r"error at \d+:\d+", str(exc)):
            raise QueryError(_syntax_message(_label(q), exc, q.text)) from exc
        m = re.search(r"variable \?(\w+) in its SELECT projection", str(exc))
        if m:
            raise QueryError(f"{_label(q)} has no parameter {m.group(1)!r} "
                             f"(not one of its returned columns)") from exc
        raise
    except RuntimeError as exc:
        m = re.search(r"variable \?(\w+) in its SELECT projection", str(exc))
        if m:
            raise QueryError(f"{_label(q)} has no parameter {m.group(1)!r} "
                             f"(not one of its returned columns)") from exc
        raise QueryError(f"{_label(q)} failed: {_first_line(exc)}") from exc
    except (OSError, ValueError) as exc:
        raise QueryError(f"{_label(q)} failed: {_first_line(exc)}") from exc
    raise QueryError(f"cannot query a {type(store).__name__}: it has no query(text, bindings)")


def _label(q: Query) -> str:
    if q.path is not None and q.path.parent != queries_dir():
        return f"query file {q.path}"
    return "the given query" if q.name == "sparql" and q.path is None else f"query {q.name!r}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# --------------------------------------------------------------------------- parameters

def _expand(value: str) -> str | None:
    """The full IRI of ``value`` (an IRI or a prefixed name of dkg's prefixes), else None."""
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    if _IRI.match(value) and not re.search(r"\s", value):
        return value
    return None


def _convert_rdflib(value):
    """An rdflib term as a pyoxigraph term; anything else unchanged."""
    try:
        from rdflib.term import BNode, Literal, URIRef
    except ImportError:  # pragma: no cover
        return value
    ox = _oxigraph()
    if isinstance(value, URIRef):
        return ox.NamedNode(str(value))
    if isinstance(value, BNode):
        return ox.BlankNode(str(value))
    if isinstance(value, Literal):
        if value.language:
            return ox.Literal(str(value), language=value.language)
        if value.datatype:
            return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
        return ox.Literal(str(value))
    return value


def _is_term(value) -> bool:
    ox = _oxigraph()
    return isinstance(value, (ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple))


def resolve_actor(store, name: str) -> Any:
    """Which actor is called ``name``: the IRI (a pyoxigraph ``NamedNode``) of the one actor
    whose name or other name equals it, case and punctuation aside.

    A name (``rdfs:label``) matching exactly, ignoring case, wins over an other
    name (``skos:altLabel``), and both over a match that also ignores
    punctuation. Raises :class:`~kg.errors.QueryError` listing the candidates
    when several actors answer to the name, or similar names when none does.
    """
    ox = _oxigraph()
    store = _queryable(store)
    needle = name.strip()
    if not re.search(r"\w", needle):
        raise QueryError(f"{name!r} is not an actor name")
    q = Query("actor names", _Q_ACTOR_BY_LABEL)
    found: dict[str, tuple[int, str]] = {}
    for sol in _execute(store, q, {"needle": ox.Literal(needle)}):
        actor = sol["actor"].value
        exact = sol["name"].value.casefold() == needle.casefold()
        rank = (0 if exact else 2) + (0 if sol["how"].value == "label" else 1)
        label = sol["label"].value if sol["label"] is not None else actor
        best = found.get(actor)
        if best is None or (rank, label) < best:
            found[actor] = (rank, label)
    if not found:
        names = sorted({sol["name"].value for sol in _execute(
            store, Query("actor names", _Q_ACTOR_NAMES), {})})
        close = difflib.get_close_matches(needle, names, n=5, cutoff=0.6)
        hint = f"; did you mean: {', '.join(close)}" if close else ""
        raise QueryError(f"no actor is called {needle!r}{hint} (give a name or an actor IRI)")
    top = min(rank for rank, _ in found.values())
    best = sorted((label, actor) for actor, (rank, label) in found.items() if rank == top)
    if len(best) > 1:
        listed = "; ".join(f"{shorten(actor)} ({label})" for label, actor in best[:8])
        if len(best) > 8:
            listed += f"; and {len(best) - 8} more"
        raise QueryError(f"{needle!r} names several actors: {listed}; give one of their IRIs")
    return ox.NamedNode(best[0][1])


def _bind_one(store, q: Query, name: str, value) -> Any:
    ox = _oxigraph()
    value = _convert_rdflib(value)
    if _is_term(value):
        return value
    p = q.param(name)
    kind = p.kind if p else None
    if kind is None:  # an undeclared parameter: read the value as what it looks like
        if isinstance(value, bool):
            return ox.Literal(str(value).lower(), datatype=ox.NamedNode(_XSD + "boolean"))
        if isinstance(value, int):
            kind = "integer"
        elif isinstance(value, (_dt.date, _dt.datetime)):
            kind = "date"
        elif isinstance(value, str) and _expand(value) and (
                "://" in value or value.split(":", 1)[0] in PREFIXES or value.startswith("urn:")):
            kind = "iri"
        else:
            kind = "text"
    if kind in ("actor", "iri"):
        if isinstance(value, str):
            iri = _expand(value)
            if iri and ("://" in value or value.split(":", 1)[0] in PREFIXES
                        or value.startswith(("urn:", "<"))):
                try:
                    return ox.NamedNode(iri)
                except ValueError as exc:
                    raise QueryError(f"parameter {name}: {value!r} is not a valid IRI "
                                     f"({exc})") from None
            if kind == "actor":
                return resolve_actor(store, value)
        raise QueryError(f"parameter {name}: {value!r} is not an IRI")
    if kind == "act_type":
        word = str(value).strip().lower()
        if word not in ACT_TYPES:
            raise QueryError(f"parameter {name}: {value!r} is not an act type; "
                             f"one of {', '.join(ACT_TYPES)}")
        return ox.Literal(word)
    if kind == "date":
        if isinstance(value, _dt.datetime):
            value = value.date()
        try:
            day = value if isinstance(value, _dt.date) else _dt.date.fromisoformat(str(value))
        except ValueError as exc:
            raise QueryError(f"parameter {name}: {value!r} is not an ISO date "
                             f"(YYYY-MM-DD)") from exc
        return ox.Literal(day.isoformat(), datatype=ox.NamedNode(_XSD + "date"))
    if kind == "integer":
        try:
            number = int(str(value).strip())
        except ValueError as exc:
            raise QueryError(f"parameter {name}: {value!r} is not an integer") from exc
        return ox.Literal(str(number), datatype=ox.NamedNode(_XSD + "integer"))
    return ox.Literal(str(value))


def bind_params(store, q: Query | str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Which RDF term each parameter stands for: names looked up, words checked, dates read.

    Raises :class:`~kg.errors.QueryError` for an unknown or missing parameter
    and for a value that cannot be read.
    """
    q = _as_query(q)
    params = {k: v for k, v in (params or {}).items() if v is not None}
    if q.params:
        declared = {p.name for p in q.params}
        unknown = sorted(set(params) - declared)
        if unknown:
            raise QueryError(f"{_label(q)} has no parameter {unknown[0]!r}; "
                             f"its parameters: {', '.join(sorted(declared))}")
    elif params and q.path is not None and q.columns:
        raise QueryError(f"{_label(q)} takes no parameters")
    missing = [p.name for p in q.params if p.required and p.name not in params]
    if missing:
        raise QueryError(f"{_label(q)} needs parameter {missing[0]!r} "
                         f"({q.param(missing[0]).description})")
    for name in params:
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name):
            raise QueryError(f"{name!r} is not a parameter name")
    return {name: _bind_one(store, q, name, value) for name, value in params.items()}


def run(store, name_or_text: str | os.PathLike | Query, params: Mapping[str, Any] | None = None):
    """The raw results of a question: pyoxigraph solutions, a boolean or triples.

    ``store`` is anything with a ``query(text, bindings)`` method returning
    pyoxigraph results (a dkg store), a ``pyoxigraph.Store`` (queried over
    the union of its graphs), or an rdflib graph or dataset (copied into one,
    with the ontology). ``name_or_text`` is a question's name, a ``.rq`` file,
    or SPARQL text.
    """
    q = _as_query(name_or_text)
    store = _queryable(store)
    return _execute(store, q, bind_params(store, q, params))


# --------------------------------------------------------------------------- values

def python_value(term) -> Any:
    """A pyoxigraph term as a plain Python value: str, int, float, bool, date or None.

    IRIs become their string; blank nodes ``_:id``; literals their value by
    datatype (integers ``int``, decimals and doubles ``float``, ``xsd:date``
    ``datetime.date``...), anything else their lexical form.
    """
    if term is None:
        return None
    ox = _oxigraph()
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if not isinstance(term, ox.Literal):
        return str(term)
    text, dtype = term.value, term.datatype.value
    try:
        if dtype in _INTEGER_TYPES:
            return int(text)
        if dtype in _FLOAT_TYPES:
            return float(Decimal(text)) if dtype == _XSD + "decimal" else float(text)
        if dtype == _XSD + "boolean":
            return text.strip() in ("true", "1")
        if dtype == _XSD + "date":
            return _dt.date.fromisoformat(text[:10]) if len(text) >= 10 else text
        if dtype == _XSD + "dateTime":
            return _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, InvalidOperation):
        return text
    return text


def rows(results) -> list[dict[str, Any]]:
    """Raw results as rows of plain values: one dict per solution, every column present.

    An ``ASK`` gives ``[{"result": bool}]``; a ``CONSTRUCT`` one row per triple
    (``subject``, ``predicate``, ``object``).
    """
    ox = _oxigraph()
    if isinstance(results, ox.QueryBoolean) or isinstance(results, bool):
        return [{"result": bool(results)}]
    if isinstance(results, ox.QueryTriples):
        return [{"subject": python_value(t.subject), "predicate": python_value(t.predicate),
                 "object": python_value(t.object)} for t in results]
    names = [v.value for v in results.variables]
    return [{n: python_value(sol[n]) for n in names} for sol in results]


def query(store, name_or_text: str | os.PathLike | Query, /, **params) -> list[dict[str, Any]]:
    """The answer to a question as rows of plain values, ready for ``pandas.DataFrame(rows)``.

    ``params`` are the question's parameters: an actor by IRI, prefixed name
    (``actor:state/CHN``) or name (``"China"``), act type words, ISO dates.

    Examples
    --------
    >>> import pyoxigraph
    >>> query(pyoxigraph.Store(), "declined_requests")
    []
    """
    results = run(store, name_or_text, params)
    try:
        return rows(results)
    except (OSError, RuntimeError, ValueError) as exc:
        raise QueryError(f"{_label(_as_query(name_or_text))} failed: {_first_line(exc)}") from exc


def shorten(iri: str) -> str:
    """``iri`` as a prefixed name with dkg's prefixes (``actor:state/CHN``), else unchanged."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri
