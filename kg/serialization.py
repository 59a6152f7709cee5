"""Export serialisation: quads to bytes in a stable order, and writing files whole.

Equal graphs give equal bytes: blank nodes get canonical (RDFC-1.0) names, quads
are sorted, and the project's prefixes are declared in a fixed order.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from .errors import DkgError, InputError
from .namespaces import PREFIXES

__all__ = ["FORMATS", "canonical_quads", "check_format", "serialize_quads", "write_atomically"]

#: Export formats: name -> pyoxigraph format. Turtle and N-Triples merge all graphs.
FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}
_TRIPLE_FORMATS = {"turtle", "nt"}


def _has_blank(quads: list[ox.Quad]) -> bool:
    return any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)
               or isinstance(q.graph_name, ox.BlankNode) for q in quads)


def canonical_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads with blank nodes given canonical (RDFC-1.0) names, in a stable order."""
    quads = list(quads)
    if _has_blank(quads):
        dataset = ox.Dataset(quads)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        quads = list(dataset)
    keyed = {(str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)): q
             for q in quads}
    return [keyed[k] for k in sorted(keyed)]


def serialize_quads(quads: Iterable[ox.Quad], format: str = "turtle") -> bytes:
    """The quads in ``format`` (see FORMATS), in a stable order: equal input, equal bytes.

    Blank nodes are canonicalized, quads sorted, the project's prefixes declared
    in a fixed order. Turtle and N-Triples merge the graphs into their union.
    """
    check_format(format)
    quads = canonical_quads(quads)
    if format in _TRIPLE_FORMATS:
        seen = {}
        for q in quads:
            seen.setdefault((str(q.subject), str(q.predicate), str(q.object)), q.triple)
        items: list = [seen[k] for k in sorted(seen)]
    else:
        items = quads
    data = ox.serialize(items, format=FORMATS[format], prefixes=PREFIXES)
    if format in ("turtle", "trig"):
        data = _fixed_prefix_header(data)
    return data


def check_format(format: str) -> None:
    """Raise InputError unless ``format`` is one of FORMATS."""
    if format not in FORMATS:
        raise InputError(f"unknown export format {format!r}; use one of {', '.join(FORMATS)}")


def _fixed_prefix_header(data: bytes) -> bytes:
    """Put the ``@prefix`` lines in the order of PREFIXES, whatever order they came in."""
    lines = data.split(b"\n")
    count = 0
    while count < len(lines) and lines[count].startswith(b"@prefix "):
        count += 1
    if count != len(PREFIXES):
        return data
    header = [f"@prefix {name}: <{iri}> .".encode() for name, iri in PREFIXES.items()]
    return b"\n".join(header + lines[count:])


def write_atomically(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (temp file, then rename)."""
    path = Path(path)
    parent = path.parent
    if not parent.is_dir():
        raise DkgError(f"cannot write {path}: no directory {parent}")
    if path.is_dir():
        raise DkgError(f"cannot write {path}: it is a directory")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise DkgError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise DkgError(f"cannot write {path}: {exc.strerror}") from None
