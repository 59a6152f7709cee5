"""SPARQL answers in the format a client asks for: choosing it, and writing it.

SELECT and ASK results as SPARQL JSON, XML, CSV or TSV; CONSTRUCT and DESCRIBE
graphs as Turtle, N-Triples, JSON-LD or RDF/XML. Chosen by the ``Accept`` header
or overridden by a ``format=`` word or media type.
"""
from __future__ import annotations

import json

__all__ = ["RESULT_FORMATS", "GRAPH_FORMATS", "choose_format", "unacceptable",
           "write_solutions", "write_boolean", "write_triples", "term_json"]

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


def unacceptable(kind: str) -> str:
    """What to tell a client that accepts none of the formats of ``kind``."""
    table = RESULT_FORMATS if kind == "results" else GRAPH_FORMATS
    names = ", ".join(f"{m.split(';')[0]} (format={n})" for n, (m, _o) in table.items())
    what = "SELECT/ASK results" if kind == "results" else "CONSTRUCT/DESCRIBE graphs"
    return f"none of the accepted media types is available; {what} come as {names}"


def term_json(term) -> dict:
    """A pyoxigraph term as a term of SPARQL JSON results."""
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
    return {"type": "triple", "value": {"subject": term_json(term.subject),
                                        "predicate": term_json(term.predicate),
                                        "object": term_json(term.object)}}


def write_solutions(names: list[str], rows: list[dict], fmt: str) -> bytes:
    """SELECT results in ``fmt``; ``rows`` map variable names to :func:`term_json` terms.

    SPARQL JSON is written here; the other formats by pyoxigraph, from that JSON.
    """
    import pyoxigraph as ox
    body = json.dumps({"head": {"vars": names}, "results": {"bindings": rows}},
                      ensure_ascii=False).encode("utf-8")
    if fmt == "json":
        return body
    parsed = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=getattr(ox.QueryResultsFormat, fmt.upper()))


def write_boolean(result, fmt: str) -> bytes:
    """An ASK result (pyoxigraph ``QueryBoolean``) in ``fmt``."""
    import pyoxigraph as ox
    return result.serialize(format=getattr(ox.QueryResultsFormat, fmt.upper()))


def write_triples(triples: list, fmt: str, prefixes: dict[str, str] | None = None) -> bytes:
    """Triples (pyoxigraph ``Triple``) in ``fmt``, with ``prefixes`` where the format has them."""
    import pyoxigraph as ox
    ox_format = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
                 "jsonld": getattr(ox.RdfFormat, "JSON_LD", None),
                 "rdfxml": ox.RdfFormat.RDF_XML}[fmt]
    if ox_format is None:  # a pyoxigraph without JSON-LD: rdflib writes it
        import rdflib
        graph = rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES),
                                     format="nt")
        return graph.serialize(format="json-ld").encode("utf-8")
    return ox.serialize(triples, format=ox_format,
                        prefixes=prefixes if fmt in ("turtle", "rdfxml") else None)
