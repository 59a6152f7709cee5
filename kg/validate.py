"""Checking a graph: SHACL shapes (pySHACL) and the OWL reasoner (HermiT via owlready2)."""
from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from rdflib import OWL, RDF, RDFS, XSD, BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.graph import ConjunctiveGraph

from .errors import DkgError, InputError
from .namespaces import ONTOLOGY_GRAPH, PREFIXES
from .resources import ontology_path, shapes_path

__all__ = ["Violation", "Report", "Reasoning", "RDF_FORMATS", "read_rdf_files", "data_graph",
           "load_ontology", "load_shapes", "validate_graph", "reason", "java_available"]

SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES = Namespace("https://w3id.org/dkg/shapes#")

#: File extension -> rdflib parser name, for the files ``dkg validate`` reads.
RDF_FORMATS = {
    ".ttl": "turtle", ".turtle": "turtle", ".trig": "trig", ".nt": "nt", ".ntriples": "nt",
    ".nq": "nquads", ".nquads": "nquads", ".jsonld": "json-ld", ".json": "json-ld",
    ".rdf": "xml", ".owl": "xml",
}
_QUAD_FORMATS = {"trig", "nquads", "json-ld"}
_FORMAT_NAMES = {"turtle": "Turtle", "trig": "TriG", "nt": "N-Triples", "nquads": "N-Quads",
                 "json-ld": "JSON-LD", "xml": "RDF/XML"}

_TEMPDIR_LOCK = threading.Lock()
_PLAIN_DATATYPES = {XSD.integer, XSD.decimal, XSD.boolean, XSD.double}

JAVA_MISSING = ("the OWL reasoner needs a Java runtime: apt-get install default-jre-headless "
                "(or skip the reasoner with --no-reasoner)")


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL result: which node broke which rule, and what the rule says."""

    focus: str
    path: str
    rule: str
    message: str
    value: str = ""
    severity: str = "Violation"

    def text(self) -> str:
        """One line: ``node path: message (value: ...) [rule]``."""
        where = f"{self.focus} {self.path}".rstrip()
        value = f" (value: {self.value})" if self.value else ""
        return f"{where}: {self.message}{value} [{self.rule}]"


@dataclass(frozen=True)
class Reasoning:
    """What the OWL reasoner found: consistency, unsatisfiable classes, likely causes."""

    consistent: bool
    unsatisfiable: tuple[str, ...] = ()
    clashes: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the ontology and data are consistent and every class satisfiable."""
        return self.consistent and not self.unsatisfiable

    def summary(self) -> str:
        """A few words: ``ontology consistent`` or what is wrong."""
        if not self.consistent:
            return "ontology and data inconsistent"
        if self.unsatisfiable:
            return f"{len(self.unsatisfiable)} unsatisfiable classes"
        return "ontology consistent"

    def text(self) -> str:
        """The reasoner's findings, one per line."""
        lines = [f"reasoner: {self.summary()}"]
        lines += [f"  unsatisfiable class: {c}" for c in self.unsatisfiable]
        lines += [f"  {c}" for c in self.clashes]
        return "\n".join(lines)


@dataclass(frozen=True)
class Report:
    """The outcome of checking a graph against the shapes (and, if run, the reasoner)."""

    conforms: bool
    triples: int
    violations: tuple[Violation, ...] = ()
    reasoning: Reasoning | None = None

    @property
    def ok(self) -> bool:
        """True when the shapes hold and the reasoner (if run) found nothing wrong."""
        return self.conforms and (self.reasoning is None or self.reasoning.ok)

    def with_reasoning(self, reasoning: Reasoning) -> "Report":
        """This report with the reasoner's findings added."""
        return Report(self.conforms, self.triples, self.violations, reasoning)

    def summary(self) -> str:
        """One line: ``valid: 412 triples, 0 violations, ontology consistent``."""
        n = len(self.violations)
        parts = [f"{self.triples} triples", f"{n} violation{'' if n == 1 else 's'}"]
        parts.append(self.reasoning.summary() if self.reasoning else "reasoner not run")
        return f"{'valid' if self.ok else 'invalid'}: {', '.join(parts)}"

    def text(self) -> str:
        """The whole report: each violation (which node, which rule), then the summary."""
        lines = [v.text() for v in self.violations]
        if self.reasoning is not None and not self.reasoning.ok:
            lines.append(self.reasoning.text())
        lines.append(self.summary())
        return "\n".join(lines)


def _prefixes() -> list[tuple[str, str]]:
    """(prefix, namespace) pairs, longest namespace first, for compact IRIs."""
    pairs = dict(PREFIXES, sh=str(SH), dkgsh=str(SHAPES))
    return sorted(((p, str(ns)) for p, ns in pairs.items()), key=lambda pn: -len(pn[1]))


def _short(node, prefixes: list[tuple[str, str]]) -> str:
    """A node as a reader wants it: ``article:x/act/e2``, ``dkg:agent``, ``"text"``."""
    if node is None:
        return ""
    if isinstance(node, URIRef):
        for prefix, ns in prefixes:
            if node.startswith(ns) and len(node) > len(ns):
                return f"{prefix}:{node[len(ns):]}"
        return f"<{node}>"
    if isinstance(node, Literal):
        if node.datatype in _PLAIN_DATATYPES:
            return str(node)
        if node.datatype is not None:
            return f"{Literal(str(node)).n3()}^^{_short(node.datatype, prefixes)}"
        return node.n3()
    return "[]"


def read_rdf_files(paths: Iterable[str | Path]) -> Dataset:
    """The RDF in these files (format by extension), as one dataset.

    Raises ``InputError`` for a missing file, an unknown extension or bad syntax.
    """
    ds = Dataset()
    for raw in paths:
        path = Path(raw)
        fmt = RDF_FORMATS.get(path.suffix.lower())
        if fmt is None:
            known = ", ".join(sorted(RDF_FORMATS))
            raise InputError(f"{path}: unknown RDF file extension (known: {known})")
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        try:
            if fmt in _QUAD_FORMATS:
                ds.parse(path, format=fmt)
            else:
                ds.default_graph.parse(path, format=fmt)
        except Exception as exc:  # every parser has its own exception types
            raise InputError(f"{path}: cannot parse as {_FORMAT_NAMES[fmt]}: {_one_line(exc)}") from exc
    return ds


def _one_line(exc: Exception) -> str:
    """A parser's error message on one line, without its echo of the input."""
    text = " ".join(str(exc).split()).split(" at ^ in:")[0].replace(" of <>:", ":")
    return (text or type(exc).__name__)[:200]


def data_graph(data: Graph | Dataset) -> Graph:
    """The triples of ``data`` as one graph: all named graphs but the ontology's."""
    if isinstance(data, (Dataset, ConjunctiveGraph)):
        union = Graph()
        for s, p, o, ctx in data.quads((None, None, None, None)):
            if getattr(ctx, "identifier", ctx) != ONTOLOGY_GRAPH:
                union.add((s, p, o))
        return union
    return data


def load_ontology() -> Graph:
    """The dkg ontology (``dkg.ttl``) as a graph."""
    return Graph().parse(ontology_path(), format="turtle")


def load_shapes() -> Graph:
    """The SHACL shapes (``shapes.ttl``) as a graph."""
    return Graph().parse(shapes_path(), format="turtle")


def validate_graph(data: Graph | Dataset, ontology: Graph | None = None,
                   shapes: Graph | None = None) -> Report:
    """Does ``data`` satisfy the SHACL shapes? Each violation names its node and rule.

    The ontology is given to pySHACL as its ``ont_graph`` (class hierarchy for
    ``sh:class``); no inference is run over the data.
    """
    from pyshacl import validate

    graph = data_graph(data)
    conforms, results, _ = validate(
        graph, shacl_graph=shapes if shapes is not None else load_shapes(),
        ont_graph=ontology if ontology is not None else load_ontology(),
        inference="none", advanced=True, allow_warnings=True)
    nm = _prefixes()
    violations = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        value = results.value(result, SH.value)
        message = results.value(result, SH.resultMessage)
        severity = results.value(result, SH.resultSeverity)
        violations.append(Violation(
            focus=_short(focus, nm),
            path=_short(results.value(result, SH.resultPath), nm),
            rule=_rule(results, result, nm),
            message=str(message) if message is not None else "violates a shape",
            value="" if value is None or value == focus else _short(value, nm),
            severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation"))
    return Report(bool(conforms), len(graph), tuple(sorted(violations)))


def _rule(results: Graph, result, nm: list[tuple[str, str]]) -> str:
    """The rule a result breaks: its shape (or SPARQL constraint) and constraint kind."""
    source = results.value(result, SH.sourceConstraint)
    shape = source if isinstance(source, URIRef) else results.value(result, SH.sourceShape)
    component = results.value(result, SH.sourceConstraintComponent)
    name = str(component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent") if component else ""
    if isinstance(shape, URIRef):
        return f"{_short(shape, nm)} ({name})" if name else _short(shape, nm)
    return name


def java_available() -> bool:
    """Is there a Java runtime for the OWL reasoner?"""
    import owlready2

    exe = owlready2.JAVA_EXE
    return bool(shutil.which(exe) or Path(exe).is_file())


def _superclasses(ontology: Graph) -> dict[URIRef, set[URIRef]]:
    """Each named class -> itself and all its named superclasses."""
    parents: dict[URIRef, set[URIRef]] = {}
    for sub, sup in ontology.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            parents.setdefault(sub, set()).add(sup)
    closure: dict[URIRef, set[URIRef]] = {}

    def up(cls: URIRef) -> set[URIRef]:
        if cls not in closure:
            closure[cls] = {cls}
            for p in parents.get(cls, ()):
                closure[cls] |= up(p)
        return closure[cls]

    for cls in set(parents) | {c for ps in parents.values() for c in ps}:
        up(cls)
    return closure


def _disjoint_pairs(ontology: Graph) -> set[frozenset[URIRef]]:
    pairs = {frozenset((a, b)) for a, b in ontology.subject_objects(OWL.disjointWith)
             if isinstance(a, URIRef) and isinstance(b, URIRef)}
    for node in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        members = [m for m in Collection(ontology, ontology.value(node, OWL.members))
                   if isinstance(m, URIRef)]
        pairs |= {frozenset((a, b)) for i, a in enumerate(members) for b in members[i + 1:]}
    return pairs


def _clashes(graph: Graph, ontology: Graph) -> tuple[str, ...]:
    """Nodes typed with two classes the ontology declares disjoint (a usual cause)."""
    closure = _superclasses(ontology)
    disjoint = _disjoint_pairs(ontology)
    nm = _prefixes()
    found = []
    for node in set(graph.subjects(RDF.type, None)):
        if isinstance(node, BNode):
            continue
        types = set()
        for cls in graph.objects(node, RDF.type):
            if isinstance(cls, URIRef):
                types |= closure.get(cls, {cls})
        for pair in disjoint:
            if pair <= types:
                a, b = sorted(_short(c, nm) for c in pair)
                found.append(f"{_short(node, nm)} is both {a} and {b}, which are disjoint")
    return tuple(sorted(found))


def _run_hermit(owlready2, world) -> None:
    """HermiT over ``world``, its scratch file in a private folder removed afterwards.

    owlready2 leaves its scratch file behind when HermiT fails, so ``tempfile``
    is pointed at a folder of our own for the duration of the call.
    """
    with _TEMPDIR_LOCK, tempfile.TemporaryDirectory(prefix="dkg-reasoner-") as scratch:
        saved, tempfile.tempdir = tempfile.tempdir, scratch
        try:
            # xsd:date is outside the OWL 2 datatype map; SHACL checks the dates instead.
            owlready2.sync_reasoner_hermit(world, debug=0, ignore_unsupported_datatypes=True)
        finally:
            tempfile.tempdir = saved


def reason(data: Graph | Dataset, ontology: Graph | None = None) -> Reasoning:
    """Are the ontology and ``data`` consistent together, and is every class satisfiable?

    Runs HermiT (through owlready2) offline in a throw-away world. Raises
    ``DkgError`` when no Java runtime is installed or the reasoner fails.
    """
    import owlready2

    if not java_available():
        raise DkgError(JAVA_MISSING)
    onto_graph = ontology if ontology is not None else load_ontology()
    graph = data_graph(data)
    world = owlready2.World()
    try:
        world.get_ontology(str(PREFIXES["dkg"]).rstrip("#")).load(
            fileobj=io.BytesIO(onto_graph.serialize(format="nt", encoding="utf-8")),
            format="ntriples")
        world.get_ontology("https://w3id.org/dkg/data").load(
            fileobj=io.BytesIO(graph.serialize(format="nt", encoding="utf-8")),
            format="ntriples")
        started = time.perf_counter()
        try:
            _run_hermit(owlready2, world)
        except owlready2.OwlReadyInconsistentOntologyError:
            return Reasoning(False, (), _clashes(graph, onto_graph),
                             time.perf_counter() - started)
        except (owlready2.OwlReadyJavaError, OSError, subprocess.SubprocessError) as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])
            detail = first[1] if len(first) > 1 else first[0]
            raise DkgError(f"the OWL reasoner failed: {detail}") from exc
        seconds = time.perf_counter() - started
        nm = _prefixes()
        unsat = tuple(sorted(_short(URIRef(c.iri), nm) for c in world.inconsistent_classes()))
        return Reasoning(True, unsat, (), seconds)
    finally:
        world.close()
