"""Stress: the robustness properties of tests/test_robustness.py over many examples.

Three properties, each checked per example:

- iri: any article id, actor key or topic gives a valid IRI;
- hostile: an article whose id and every name, key and literal are hostile strings
  builds, and every export parses back (rdflib and pyoxigraph) to the stored graph;
- text: random Unicode text, read as a .jsonl object, is refused with an InputError
  or builds through the real extractor, is stored whole, and every export parses back.
  Examples are drawn one at a time, as in the tests; texts then go through the
  extractor and into the store in batches (one store a batch), and a batch whose
  export fails is checked again one text at a time.

Usage: python bench/stress.py [--examples N] [--batch B] [--seed S]
Prints, per property, how many examples were tried and how many failed (and the
first failures); exits 1 if any failed.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import test_robustness as props  # noqa: E402  (the properties and their strategies)


def _run(name: str, examples: int, batch: int, strategy, check, rng_seed: int) -> tuple[int, list]:
    """Draw ``examples`` examples one at a time (as the test does) and check them in batches."""
    tried, failures, pending = [0], [], []

    def flush():
        tried[0] += len(pending)
        failures.extend(check(list(pending)))
        pending.clear()

    @seed(rng_seed)
    @settings(max_examples=examples, deadline=None, database=None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(item):
        pending.append(item)
        if len(pending) >= batch:
            flush()

    start = time.monotonic()
    run()
    flush()
    seconds = time.monotonic() - start
    print(f"{name}: {tried[0]} tried, {len(failures)} failed ({seconds:.0f} s)", flush=True)
    for line in failures[:10]:
        print(f"  {line[:400]}", flush=True)
    return tried[0], failures


def _check_iris(names: list[str]) -> list[str]:
    failures = []
    for name in names:
        try:
            props.test_namespaces_any_id_or_key_gives_a_valid_iri.hypothesis.inner_test(name)
        except Exception as exc:  # noqa: BLE001
            failures.append(f"{name!r}: {type(exc).__name__}: {exc}")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=10_000,
                        help="examples per property (default 10,000)")
    parser.add_argument("--batch", type=int, default=100, help="texts per store build")
    parser.add_argument("--seed", type=int, default=20231)
    parser.add_argument("--only", choices=("iri", "hostile", "text"), action="append")
    args = parser.parse_args()

    from kg.extract import load_nlp

    nlp = load_nlp()
    ids = st.text(st.characters(codec="utf-8"), min_size=1, max_size=20).filter(
        lambda s: s.strip() and s != "ontology")
    names = st.text(min_size=1, max_size=20) | st.sampled_from(
        [props.HOSTILE, "\n", "\\", "<>"])
    hostile = st.tuples(ids, names, st.text(min_size=1, max_size=60))
    runs = {
        "iri": (st.text(min_size=1, max_size=40), _check_iris, args.batch),
        "hostile": (hostile, props.check_hostile, 10),
        "text": (props.RANDOM_TEXT, lambda texts: props.check_random_texts(texts, nlp=nlp),
                 args.batch),
    }
    total_tried = total_failed = 0
    for name, (strategy, check, batch) in runs.items():
        if args.only and name not in args.only:
            continue
        tried, failures = _run(name, args.examples, batch, strategy, check, args.seed)
        total_tried += tried
        total_failed += len(failures)
    print(f"total: {total_tried} tried, {total_failed} failed")
    return 1 if total_failed else 0


if __name__ == "__main__":
    sys.exit(main())
