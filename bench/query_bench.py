"""Queries: every named question on stores of several sizes, three ways.

- dkg: ``kg.queries.query`` through ``kg.store`` (the store opened read-only), rows of
  Python values as the library returns them;
- raw pyoxigraph: ``Store.query`` with the same text and parameters on the same store
  files, every value of every row read; the difference is dkg's own overhead;
- rdflib: the same text and parameters (``initBindings``) on an in-memory rdflib
  ``Dataset`` (union default graph) parsed from the same N-Quads file.

Each question runs in a forked process of its own, so that one that runs too long can
be stopped (reported as "> T s") and its peak memory is its own. dkg and raw pyoxigraph
take turns within that process (each run alternately first). The parent of the rdflib
processes parses the file once; its children share the parsed graph.

    python bench/query_bench.py oxigraph STORE_DIR --runs 3 --timeout 60   # prints JSON
    python bench/query_bench.py rdflib FILE.nq --runs 3 --timeout 60       # prints JSON
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import select
import signal
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

__all__ = ["PARAMS", "query_names", "run_oxigraph", "run_rdflib"]

_ACTOR = "https://w3id.org/dkg/actor/"
_ARTICLE = "https://w3id.org/dkg/article/"
#: Values for the questions' required parameters (IRIs present at every size).
PARAMS = {
    "statements_by": {"actor": _ACTOR + "state/CHN"},
    "evidence": {"act": _ARTICLE + "graph-000001/act/a1"},
}


def query_names() -> list[str]:
    """The named questions, sorted."""
    from kg.queries import list_queries

    return [name for name, _ in list_queries()]


# ------------------------------------------------------------------------- forked runs


def _forked(work, timeout: float) -> dict:
    """Run ``work(emit)`` in a forked child; collect what it emits, one dict per call.

    A child that has emitted nothing for ``timeout`` seconds is killed. Returns
    ``{"lines": [...], "timed_out": bool, "peak_rss": bytes}``.
    """
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_fd)
        code = 0
        try:
            with os.fdopen(write_fd, "w") as out:
                def emit(item: dict) -> None:
                    out.write(json.dumps(item) + "\n")
                    out.flush()
                work(emit)
        except BaseException:  # noqa: BLE001 - reported by the parent as an error line
            traceback.print_exc()
            code = 1
        os._exit(code)
    os.close(write_fd)
    lines, buf, timed_out = [], b"", False
    deadline = time.monotonic() + timeout
    with os.fdopen(read_fd, "rb", buffering=0) as pipe:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                timed_out = True
                break
            ready, _, _ = select.select([pipe], [], [], left)
            if not ready:
                continue
            chunk = pipe.read(65536)
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                lines.append(json.loads(line))
                deadline = time.monotonic() + timeout
    _, _, usage = os.wait4(pid, 0)
    return {"lines": lines, "timed_out": timed_out, "peak_rss": usage.ru_maxrss * 1024}


def _summary(lines: list[dict], engine: str, timed_out: bool) -> dict:
    """Times and rows of one engine from a child's lines."""
    mine = [x for x in lines if x.get("engine") == engine]
    errors = [x["error"] for x in mine if "error" in x]
    times = [x["seconds"] for x in mine if "seconds" in x]
    rows = {x["rows"] for x in mine if "rows" in x}
    return {"times": times, "rows": sorted(rows), "error": errors[0] if errors else None,
            "timed_out": timed_out and not errors}


def _over(began: float, done: int, budget: float | None) -> bool:
    """Whether one more run would likely end past ``budget`` seconds (None: no budget)."""
    if budget is None:
        return False
    spent = time.perf_counter() - began
    return spent + spent / done > budget


# ------------------------------------------------------------------------- oxigraph


def run_oxigraph(store_dir: str, names: list[str], runs: int, timeout: float,
                 skip: set[str] = frozenset(), budget: float | None = None) -> dict:
    """Each named question on the store: dkg's and raw pyoxigraph's times and rows."""
    import pyoxigraph as ox

    from kg.queries import load_query

    out = {}
    for name in names:
        if name in skip:
            out[name] = {"skipped": True}
            continue
        q = load_query(name)
        params = {k: ox.NamedNode(v) for k, v in PARAMS.get(name, {}).items()}

        def work(emit, q=q, params=params, name=name):
            from kg.queries import query
            from kg.store import has_merged_default_graph, open_store

            st = open_store(store_dir, read_only=True)
            raw = ox.Store.read_only(store_dir)
            union = not has_merged_default_graph(raw)
            subs = {ox.Variable(k): v for k, v in params.items()} or None
            began = time.perf_counter()
            for r in range(runs):
                if r and _over(began, r, budget):
                    break
                for engine in (("dkg", "raw") if r % 2 == 0 else ("raw", "dkg")):
                    start = time.perf_counter()
                    if engine == "dkg":
                        count = len(query(st, name, **params))
                    else:
                        res = raw.query(q.text, use_default_graph_as_union=union,
                                        substitutions=subs)
                        names_ = list(res.variables)
                        count = 0
                        for sol in res:
                            for v in names_:
                                sol[v]
                            count += 1
                    emit({"engine": engine, "seconds": time.perf_counter() - start,
                          "rows": count})

        got = _forked(work, timeout)
        out[name] = {"dkg": _summary(got["lines"], "dkg", got["timed_out"]),
                     "raw": _summary(got["lines"], "raw", got["timed_out"]),
                     "peak_rss": got["peak_rss"]}
    return out


# ------------------------------------------------------------------------- rdflib


def run_rdflib(nquads: str, names: list[str], runs: int, timeout: float,
               skip: set[str] = frozenset(), budget: float | None = None) -> dict:
    """Parse the file once, then each named question in a forked child: times and rows."""
    import rdflib

    from kg.queries import load_query

    start = time.perf_counter()
    ds = rdflib.Dataset(default_union=True)
    ds.parse(nquads, format="nquads")
    load = time.perf_counter() - start
    load_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    out = {"_load": {"seconds": load, "peak_rss": load_rss}}
    for name in names:
        if name in skip:
            out[name] = {"skipped": True}
            continue
        q = load_query(name)
        bindings = {rdflib.Variable(k): rdflib.URIRef(v) for k, v in PARAMS.get(name, {}).items()}

        def work(emit, q=q, bindings=bindings):
            began = time.perf_counter()
            for r in range(runs):
                if r and _over(began, r, budget):
                    break
                start = time.perf_counter()
                try:
                    count = len(list(ds.query(q.text, initBindings=bindings)))
                except Exception as exc:  # noqa: BLE001 - e.g. a regex rdflib cannot read
                    emit({"engine": "rdflib", "error": f"{type(exc).__name__}: {exc}"[:200]})
                    return
                emit({"engine": "rdflib", "seconds": time.perf_counter() - start,
                      "rows": count})

        got = _forked(work, timeout)
        out[name] = {"rdflib": _summary(got["lines"], "rdflib", got["timed_out"]),
                     "peak_rss": got["peak_rss"]}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("engine", choices=["oxigraph", "rdflib"])
    parser.add_argument("source", help="the store directory (oxigraph) or .nq file (rdflib)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--budget", type=float, default=None,
                        help="seconds per question after which no further run starts")
    parser.add_argument("--skip", nargs="*", default=[], help="questions left out")
    parser.add_argument("--only", nargs="*", default=None, help="only these questions")
    args = parser.parse_args(argv)
    names = args.only or query_names()
    fn = run_oxigraph if args.engine == "oxigraph" else run_rdflib
    print(json.dumps(fn(args.source, names, args.runs, args.timeout, set(args.skip),
                        args.budget)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
