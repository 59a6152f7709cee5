"""Ingest: ``dkg build`` against spaCy's bare ``nlp.pipe`` on the same texts, model and jobs.

Both run as whole processes (start-up and model loading included), with the
same batch size (dkg's), timed the same way, alternately (dkg first in one round, the parser first in the next),
so that a change in the machine's load touches both.
"""
from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, load_average, median, run_process  # noqa: E402
from corpus import write_corpus  # noqa: E402

__all__ = ["default_model", "run"]


def _batch_size() -> int:
    sys.path.insert(0, str(ROOT))
    from kg.ingest import BATCH_SIZE

    return BATCH_SIZE


#: The parser's batch size in both programs: the one ``dkg build`` uses.
BATCH_SIZE = _batch_size()


def default_model() -> str:
    """The spaCy model ``dkg build`` loads when none is named."""
    sys.path.insert(0, str(ROOT))
    from kg.extract.nlp import DEFAULT_MODELS

    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise SystemExit(f"no spaCy model installed (tried {', '.join(DEFAULT_MODELS)})")


def run(work: Path, sizes=(200, 2000), jobs=(1, 2), rounds: int = 3, model: str | None = None,
        log=print, big_rounds: int | None = None) -> list[dict]:
    """One row per (articles, jobs): median seconds, articles/s and CPU seconds of each.

    ``big_rounds``, when given, is the number of rounds for corpora of 1,000 articles
    or more (a round of 2,000 articles takes minutes)."""
    model = model or default_model()
    rows = []
    for n in sizes:
        n_rounds = min(rounds, big_rounds) if big_rounds and n >= 1000 else rounds
        corpus = write_corpus(work / f"corpus-{n}.jsonl", n)
        for j in jobs:
            store = work / f"store-{n}-{j}"
            dkg_cmd = [sys.executable, "-m", "kg", "build", str(corpus), "--store", str(store),
                       "--jobs", str(j), "--model", model]
            bare_cmd = [sys.executable, str(ROOT / "bench" / "bare_parse.py"), str(corpus),
                        "--model", model, "--jobs", str(j), "--batch-size", str(BATCH_SIZE)]
            dkg, bare = [], []
            for r in range(n_rounds):
                order = ("dkg", "bare") if r % 2 == 0 else ("bare", "dkg")
                for which in order:
                    if which == "dkg":
                        shutil.rmtree(store, ignore_errors=True)
                        dkg.append(run_process(dkg_cmd))
                    else:
                        bare.append(run_process(bare_cmd))
                log(f"  ingest {n} articles, jobs {j}, round {r + 1}: dkg {dkg[-1].wall:.1f} s "
                    f"({dkg[-1].cpu:.1f} s CPU), bare {bare[-1].wall:.1f} s "
                    f"({bare[-1].cpu:.1f} s CPU), load average {load_average()}")
            shutil.rmtree(store, ignore_errors=True)
            d, b = median(x.wall for x in dkg), median(x.wall for x in bare)
            rows.append({
                "articles": n, "jobs": j, "runs": n_rounds, "model": model,
                "dkg_s": d, "bare_s": b, "dkg_rate": n / d, "bare_rate": n / b,
                "ratio": b / d,  # dkg's throughput over the bare parser's
                "time_ratio": d / b,
                "dkg_cpu": median(x.cpu for x in dkg), "bare_cpu": median(x.cpu for x in bare),
                "dkg_rss": max(x.peak_rss for x in dkg), "bare_rss": max(x.peak_rss for x in bare),
            })
    return rows


if __name__ == "__main__":  # pragma: no cover
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 2000])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for row in run(Path(tmp), args.sizes, args.jobs, args.rounds):
            print(row)
