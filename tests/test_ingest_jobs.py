"""``dkg build --jobs N``: parsing in several processes gives the same store, byte for byte."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import kg
from kg.store import open_store

STATES = ["China", "Japan", "Russia", "France", "Germany", "India", "Brazil", "Canada"]
PEOPLE = ["Wang Yi", "Antony Blinken", "Sergei Lavrov", "Catherine Colonna"]
TEMPLATES = [
    "{a} declined a request from {b} for talks on Monday. {p} said the offer was not serious.",
    "{a} protested to {b} over the missile test. The foreign ministry of {a} said so on Tuesday.",
    "{p} met officials from {a} and {b} in Geneva. {a} accused {b} of spying; {b} denied it.",
]
COUNT = 70  # more than two of the parser's batches, so that both processes get some


def _write_corpus(folder: Path) -> Path:
    folder.mkdir()
    for i in range(COUNT):
        a, b = STATES[i % len(STATES)], STATES[(i * 3 + 1) % len(STATES)]
        text = TEMPLATES[i % len(TEMPLATES)].format(a=a, b=b, p=PEOPLE[i % len(PEOPLE)])
        (folder / f"art-{i:03d}.txt").write_text(text + "\n", encoding="utf-8")
    return folder


def _build(corpus: Path, store: Path, jobs: int) -> bytes:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(kg.__file__).resolve().parent.parent) + os.pathsep \
        + env.get("PYTHONPATH", "")
    done = subprocess.run([sys.executable, "-m", "kg", "build", str(corpus), "--store",
                           str(store), "--jobs", str(jobs)],
                          env=env, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr.decode().startswith(f"built {COUNT} articles (0 unchanged, 0 failed)")
    with open_store(store, read_only=True) as st:
        assert len(st.article_ids()) == COUNT
        return st.export("nq", with_ontology=True)


def test_ingest_jobs_two_processes_give_the_same_export_as_one(tmp_path):
    corpus = _write_corpus(tmp_path / "in")
    one = _build(corpus, tmp_path / "one", 1)
    two = _build(corpus, tmp_path / "two", 2)
    assert one == two
    assert one.count(b"\n") > COUNT * 20  # the articles have their acts and actors
