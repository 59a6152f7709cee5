"""Shared fixtures: the spaCy pipeline (loaded once) and the example article."""
from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
EXAMPLE_ID = "balloon-call-declined"


@pytest.fixture(scope="session")
def nlp():
    """dkg's spaCy pipeline, loaded once for the whole run."""
    from kg.extract import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def example_article():
    """The bundled example article, read as dkg reads it (with its sidecar)."""
    from kg.read import read_text_file

    return read_text_file(DATA / f"{EXAMPLE_ID}.txt")


@pytest.fixture(scope="session")
def example_gold():
    """The gold annotation of the example article."""
    from kg.gold import read_gold

    return read_gold(DATA / f"{EXAMPLE_ID}.yaml")


@pytest.fixture(scope="session")
def example_extraction(nlp, example_article):
    """What the extractor finds in the example article."""
    from kg.extract import extract_article

    return extract_article(example_article, nlp=nlp)
