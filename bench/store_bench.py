"""Store: bulk loading an N-Quads event graph into dkg's store, against rdflib parsing it
into memory. Each load runs in a process of its own; its peak resident memory is that
process's, and its time is the load's (interpreter start-up and imports left out).

    python bench/store_bench.py dkg FILE.nq STORE_DIR     # one load, prints JSON
    python bench/store_bench.py rdflib FILE.nq            # one load, prints JSON
"""
from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, median, run_process  # noqa: E402

__all__ = ["run"]


def _load_dkg(path: str, store_dir: str) -> dict:
    sys.path.insert(0, str(ROOT))
    from kg.store import open_store

    start = time.perf_counter()
    with open_store(store_dir) as st:
        st.bulk_load(path)
    return {"seconds": time.perf_counter() - start}


def _load_rdflib(path: str) -> dict:
    import rdflib

    start = time.perf_counter()
    ds = rdflib.Dataset(default_union=True)
    ds.parse(path, format="nquads")
    return {"seconds": time.perf_counter() - start}


def run(nquads: Path, work: Path, rounds: int = 3, rdflib_rounds: int | None = None,
        log=print) -> dict:
    """Median load time and largest peak memory of each, from alternating runs.

    ``rdflib_rounds`` (default ``rounds``) may be fewer when the caller adds samples of
    its own (``rdflib_samples``) from another process that parses the same file.
    """
    me = str(Path(__file__).resolve())
    store = work / "store-load"
    rdflib_rounds = rounds if rdflib_rounds is None else rdflib_rounds
    dkg, rdf = [], []
    for r in range(max(rounds, rdflib_rounds)):
        order = ("dkg", "rdflib") if r % 2 == 0 else ("rdflib", "dkg")
        for which in order:
            if which == "dkg" and r < rounds:
                shutil.rmtree(store, ignore_errors=True)
                done = run_process([sys.executable, me, "dkg", str(nquads), str(store)])
                dkg.append((json.loads(done.stdout)["seconds"], done))
            elif which == "rdflib" and r < rdflib_rounds:
                done = run_process([sys.executable, me, "rdflib", str(nquads)])
                rdf.append((json.loads(done.stdout)["seconds"], done))
        log(f"  load round {r + 1}: dkg {dkg[-1][0]:.1f} s"
            + (f", rdflib {rdf[-1][0]:.1f} s" if r < rdflib_rounds else ""))
    d = median(s for s, _ in dkg)
    samples = [s for s, _ in rdf]
    b = median(samples) if samples else float("nan")
    return {"runs": rounds, "dkg_s": d, "rdflib_s": b, "speedup": b / d,
            "rdflib_samples": samples, "dkg_samples": [s for s, _ in dkg],
            "dkg_rss": max(p.peak_rss for _, p in dkg),
            "rdflib_rss": max((p.peak_rss for _, p in rdf), default=0),
            "store_dir": store}


if __name__ == "__main__":
    what = sys.argv[1]
    out = _load_dkg(sys.argv[2], sys.argv[3]) if what == "dkg" else _load_rdflib(sys.argv[2])
    print(json.dumps(out))
