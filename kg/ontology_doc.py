"""The ontology's human-readable reference (``docs/ontology.md``), rendered from ``dkg.ttl``."""
from __future__ import annotations

from rdflib import OWL, RDF, RDFS, SKOS, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS

from .namespaces import DKG, PREFIXES

__all__ = ["render_reference", "main"]

_NS = str(DKG._NS)
_EXTRA_PREFIXES = {
    "foaf": "http://xmlns.com/foaf/0.1/",
    "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
    "oa": "http://www.w3.org/ns/oa#",
}


def _curie(node) -> str:
    """``dkg:Request`` for an IRI of a known namespace, else ``<iri>``."""
    if isinstance(node, URIRef):
        pairs = sorted({**PREFIXES, **_EXTRA_PREFIXES}.items(), key=lambda pn: -len(pn[1]))
        for prefix, ns in pairs:
            if node.startswith(ns) and len(node) > len(ns):
                return f"{prefix}:{node[len(ns):]}"
        return f"<{node}>"
    return str(node)


def _en(graph: Graph, node, prop) -> str:
    """The English (or untagged) value of ``prop`` on ``node``, or ``""``."""
    values = sorted(graph.objects(node, prop), key=lambda v: (getattr(v, "language", None) != "en",
                                                              str(v)))
    return str(values[0]) if values else ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _class_expr(graph: Graph, node) -> str:
    """A class expression in words: ``dkg:Request``, ``dkg:Act or dkg:Actor``, ``dkg:agent some dkg:Actor``."""
    if isinstance(node, URIRef):
        return f"`{_curie(node)}`"
    union = graph.value(node, OWL.unionOf)
    if union is not None:
        return " or ".join(_class_expr(graph, m) for m in Collection(graph, union))
    prop = graph.value(node, OWL.onProperty)
    some = graph.value(node, OWL.someValuesFrom)
    if prop is not None and some is not None:
        return f"`{_curie(prop)}` some {_class_expr(graph, some)}"
    return "(an anonymous class)"


def _local(term: URIRef) -> str:
    return str(term)[len(_NS):]


def _terms(graph: Graph, kind: URIRef) -> list[URIRef]:
    return sorted((t for t in graph.subjects(RDF.type, kind)
                   if isinstance(t, URIRef) and str(t).startswith(_NS)), key=_local)


def _children(graph: Graph, classes: list[URIRef]) -> dict[URIRef | None, list[URIRef]]:
    tree: dict[URIRef | None, list[URIRef]] = {}
    for cls in classes:
        parents = [p for p in graph.objects(cls, RDFS.subClassOf) if p in classes]
        tree.setdefault(parents[0] if parents else None, []).append(cls)
    return tree


def _tree_lines(graph: Graph, tree, parent, depth: int) -> list[str]:
    lines = []
    for cls in tree.get(parent, []):
        notation = _en(graph, cls, SKOS.notation)
        note = f" — act type `{notation}`" if notation else ""
        lines.append(f"{'  ' * depth}- [`dkg:{_local(cls)}`](#{_local(cls).lower()}): "
                     f"{_en(graph, cls, RDFS.label)}{note}")
        lines += _tree_lines(graph, tree, cls, depth + 1)
    return lines


def _values(graph: Graph, node, prop) -> str:
    return ", ".join(sorted(f"`{v}`" for v in graph.objects(node, prop)))


def _class_section(graph: Graph, cls: URIRef) -> list[str]:
    lines = [f"### {_local(cls)}", "", f"`dkg:{_local(cls)}` — {_en(graph, cls, RDFS.label)}.",
             f"{_en(graph, cls, SKOS.definition)}", ""]
    facts = []
    supers = sorted(_class_expr(graph, s) for s in graph.objects(cls, RDFS.subClassOf))
    if supers:
        facts.append(("Subclass of", ", ".join(supers)))
    disjoint = sorted(_class_expr(graph, d) for d in graph.objects(cls, OWL.disjointWith))
    disjoint += sorted(_class_expr(graph, d) for d in graph.subjects(OWL.disjointWith, cls))
    if disjoint:
        facts.append(("Disjoint with", ", ".join(disjoint)))
    for label, prop in (("Act type (`skos:notation`)", SKOS.notation),
                        ("PLOVER type", DKG.ploverType), ("CAMEO codes", DKG.cameoCode),
                        ("Goldstein weight", DKG.goldstein)):
        if (cls, prop, None) in graph:
            facts.append((label, _values(graph, cls, prop)))
    for label, prop in (("Close match", SKOS.closeMatch), ("Related match", SKOS.relatedMatch)):
        matches = sorted(f"`{_curie(m)}`" for m in graph.objects(cls, prop))
        if matches:
            facts.append((label, ", ".join(matches)))
    note = _en(graph, cls, SKOS.scopeNote)
    if note:
        facts.append(("Note", note))
    lines += [f"- {k}: {v}" for k, v in facts]
    return lines + [""]


def _property_table(graph: Graph, props: list[URIRef]) -> list[str]:
    lines = ["| property | label | domain | range | characteristics | definition |",
             "| --- | --- | --- | --- | --- | --- |"]
    for prop in props:
        domain = ", ".join(sorted(_class_expr(graph, d) for d in graph.objects(prop, RDFS.domain)))
        rng = ", ".join(sorted(_class_expr(graph, r) for r in graph.objects(prop, RDFS.range)))
        traits = []
        if (prop, RDF.type, OWL.FunctionalProperty) in graph:
            traits.append("functional")
        for inv in sorted(graph.objects(prop, OWL.inverseOf)):
            traits.append(f"inverse of `{_curie(inv)}`")
        for inv in sorted(graph.subjects(OWL.inverseOf, prop)):
            traits.append(f"inverse of `{_curie(inv)}`")
        matches = sorted(f"`{_curie(m)}`" for m in graph.objects(prop, SKOS.closeMatch))
        if matches:
            traits.append("close match " + ", ".join(matches))
        lines.append(f"| `dkg:{_local(prop)}` | {_cell(_en(graph, prop, RDFS.label))} | "
                     f"{domain or '—'} | {rng or '—'} | {'; '.join(traits) or '—'} | "
                     f"{_cell(_en(graph, prop, SKOS.definition))} |")
    return lines


def _disjoint_groups(graph: Graph) -> list[str]:
    lines = []
    for node in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members = [_class_expr(graph, m)
                   for m in Collection(graph, graph.value(node, OWL.members))]
        lines.append("- pairwise disjoint: " + ", ".join(members))
    for a, b in graph.subject_objects(OWL.disjointWith):
        lines.append(f"- disjoint: {_class_expr(graph, a)} and {_class_expr(graph, b)}")
    return sorted(lines)


def render_reference(graph: Graph) -> str:
    """The Markdown reference of the ontology in ``graph``: every class and property."""
    onto = next((o for o in graph.subjects(RDF.type, OWL.Ontology)), None)
    classes = _terms(graph, OWL.Class)
    acts = sorted((c for c in classes if (c, SKOS.notation, None) in graph),
                  key=lambda c: _en(graph, c, SKOS.notation))
    out = [
        "# The dkg ontology",
        "",
        "<!-- Generated from ontology/dkg.ttl by `python -m kg.ontology_doc`; do not edit. -->",
        "",
        f"- IRI: `{onto}`" if onto is not None else "",
        f"- Version: {_en(graph, onto, OWL.versionInfo)}",
        "- Prefix: `dkg:` = `" + _NS + "`",
        "",
        _en(graph, onto, SKOS.definition),
        "",
        "## Sources",
        "",
        _en(graph, onto, RDFS.comment),
        "",
    ]
    out += [f"- <{s}>" for s in sorted(graph.objects(onto, DCTERMS.source))]
    out += ["", "## The eleven act types", "",
            "An act's type is the `skos:notation` of its class "
            "(`?act a ?cls . ?cls skos:notation ?type`); no other class carries one.", "",
            "| type | class | PLOVER | CAMEO | Goldstein | definition |",
            "| --- | --- | --- | --- | --- | --- |"]
    for cls in acts:
        out.append(f"| `{_en(graph, cls, SKOS.notation)}` | `dkg:{_local(cls)}` | "
                   f"{_values(graph, cls, DKG.ploverType)} | {_values(graph, cls, DKG.cameoCode)} | "
                   f"{_values(graph, cls, DKG.goldstein)} | "
                   f"{_cell(_en(graph, cls, SKOS.definition))} |")
    out += ["", "## Class hierarchy", ""]
    out += _tree_lines(graph, _children(graph, classes), None, 0)
    out += ["", "## Classes", ""]
    for cls in classes:
        out += _class_section(graph, cls)
    out += ["## Object properties", ""]
    out += _property_table(graph, _terms(graph, OWL.ObjectProperty))
    out += ["", "## Datatype properties", ""]
    out += _property_table(graph, _terms(graph, OWL.DatatypeProperty))
    out += ["", "## Annotation properties", "", "On the act classes, not on the data.", ""]
    out += _property_table(graph, _terms(graph, OWL.AnnotationProperty))
    out += ["", "## Disjointness", ""]
    out += _disjoint_groups(graph)
    text = "\n".join(line for line in out)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip() + "\n"


def main() -> None:
    """Print the reference of the installed ontology (``python -m kg.ontology_doc``)."""
    import sys

    from .resources import ontology_path

    graph = Graph().parse(ontology_path(), format="turtle")
    sys.stdout.write(render_reference(graph))


if __name__ == "__main__":
    main()
