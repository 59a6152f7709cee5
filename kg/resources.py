"""The one place that knows where dkg's data files live, installed or not."""
from __future__ import annotations

from importlib import resources as _res
from pathlib import Path

__all__ = ["ontology_dir", "ontology_path", "shapes_path", "queries_dir", "query_path", "examples_dir",
           "extract_data_path"]

_ROOT = Path(__file__).resolve().parent.parent


def _package_dir(package: str, fallback: str) -> Path:
    """Directory of a data package (``dkg_ontology``...), or its source folder."""
    try:
        path = Path(str(_res.files(package)))
        if path.is_dir():
            return path
    except ModuleNotFoundError:
        pass
    return _ROOT / fallback


def ontology_dir() -> Path:
    """The folder holding the ontology and shapes (Turtle)."""
    return _package_dir("dkg_ontology", "ontology")


def ontology_path() -> Path:
    """The OWL ontology, ``dkg.ttl``."""
    return ontology_dir() / "dkg.ttl"


def shapes_path() -> Path:
    """The SHACL shapes, ``shapes.ttl``."""
    return ontology_dir() / "shapes.ttl"


def queries_dir() -> Path:
    """The folder of named SPARQL questions (``NAME.rq``)."""
    return _package_dir("dkg_queries", "queries")


def query_path(name: str) -> Path:
    """The file of the named query ``name``."""
    return queries_dir() / f"{name}.rq"


def examples_dir() -> Path:
    """The bundled sample articles."""
    return Path(__file__).resolve().parent / "examples"


def extract_data_path(name: str) -> Path:
    """A lexicon or gazetteer file of the extractor, by file name."""
    return Path(__file__).resolve().parent / "extract" / "data" / name
