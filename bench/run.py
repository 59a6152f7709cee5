"""Run every benchmark and write docs/benchmarks.md and docs/benchmarks-queries.png.

    python bench/run.py            # the whole protocol (see docs/benchmarks.md for its time)
    python bench/run.py --quick    # a smaller smoke run (a few minutes), same tables

Ingest (``dkg build`` against spaCy's bare ``nlp.pipe``), store (bulk load of the
synthetic event graph against rdflib parsing it), queries (every named question
at three sizes: dkg, raw pyoxigraph, rdflib), and where ingest time goes.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from common import ROOT, fmt_mb, fmt_ratio, fmt_s, median, run_process  # noqa: E402

__all__ = ["Plan", "FULL", "QUICK", "main"]


@dataclass(frozen=True)
class Plan:
    """What a run measures and how often."""

    articles: tuple[int, ...]
    jobs: tuple[int, ...]
    rounds: int  # runs of each figure (ingest, store)
    big_rounds: int  # runs of each ingest figure for corpora of 1,000 articles or more
    graph_sizes: tuple[int, ...]  # triples
    query_runs: int
    timeout: float  # seconds a question may run before it is stopped
    budget: float  # seconds per question and engine after which no further run starts
    rdflib_max: int  # the largest graph rdflib is asked questions on


FULL = Plan(articles=(200, 2000), jobs=(1, 2), rounds=3, big_rounds=1,
            graph_sizes=(10_000, 100_000, 1_000_000), query_runs=3, timeout=60.0, budget=10.0,
            rdflib_max=1_000_000)
QUICK = Plan(articles=(50, 200), jobs=(1, 2), rounds=3, big_rounds=3,
             graph_sizes=(10_000, 100_000),
             query_runs=3, timeout=20.0, budget=5.0, rdflib_max=100_000)

BENCH = ROOT / "bench"
DOCS = ROOT / "docs"


def _size_label(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k"


def _json_run(cmd: list[str], timeout: float | None = None):
    done = run_process(cmd, timeout=timeout)
    return json.loads(done.stdout), done


# --------------------------------------------------------------------------- measuring


def measure(plan: Plan, work: Path, log) -> dict:
    import ingest_bench
    import store_bench
    import synthetic_graph

    out: dict = {"plan": plan.__dict__, "machine": common.machine(),
                 "load_before": common.load_average()}
    started = time.perf_counter()

    spent = out["minutes"] = {}
    mark = time.perf_counter()

    def lap(what: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        spent[what] = spent.get(what, 0.0) + (now - mark) / 60
        mark = now

    log("ingest")
    out["ingest"] = ingest_bench.run(work, plan.articles, plan.jobs, plan.rounds, log=log,
                                     big_rounds=plan.big_rounds)
    lap("ingest")

    log("where ingest time goes")
    corpus = work / f"corpus-{plan.articles[0]}.jsonl"
    out["profile"], _ = _json_run([sys.executable, str(BENCH / "profile_ingest.py"),
                                   str(corpus), "--json"])

    log("synthetic graphs")
    files = {n: work / f"graph-{_size_label(n)}.nq" for n in plan.graph_sizes}
    written = synthetic_graph.write_sizes(files)
    out["graphs"] = {n: {"quads": q, "articles": a, "bytes": files[n].stat().st_size}
                     for n, (q, a) in written.items()}
    lap("ingest profile, synthetic graphs")

    biggest = max(plan.graph_sizes)
    rdflib_on_biggest = plan.rdflib_max >= biggest
    log(f"store: bulk load of {_size_label(biggest)}")
    # with questions for rdflib on the biggest graph, its process's parse is one more sample
    # rdflib's parse of the biggest graph takes half a minute: one load of its own, and its
    # query process's parse of the same file is the second sample
    out["store"] = store_bench.run(files[biggest], work, plan.rounds,
                                   rdflib_rounds=1 if rdflib_on_biggest else plan.rounds,
                                   log=log)
    lap("bulk load")

    out["queries"] = {}
    timed_out: dict[str, set[str]] = {"dkg": set(), "raw": set(), "rdflib": set()}
    previous: tuple[int, dict] | None = None  # the last size rdflib was asked on, its times
    for n in plan.graph_sizes:
        label = _size_label(n)
        log(f"queries on {label}")
        if n == biggest:
            store_dir = out["store"].pop("store_dir")
        else:
            store_dir = work / f"store-{label}"
            shutil.rmtree(store_dir, ignore_errors=True)
            _json_run([sys.executable, str(BENCH / "store_bench.py"), "dkg", str(files[n]),
                       str(store_dir)])
        lap(f"questions on {label}: dkg and raw pyoxigraph")
        common_args = ["--runs", str(plan.query_runs), "--timeout", str(plan.timeout),
                       "--budget", str(plan.budget)]
        skip = sorted(timed_out["dkg"] & timed_out["raw"])
        ox_result, ox_proc = _json_run(
            [sys.executable, str(BENCH / "query_bench.py"), "oxigraph", str(store_dir),
             *common_args, "--skip", *skip])
        lap(f"questions on {label}: dkg and raw pyoxigraph")
        entry = {"oxigraph": ox_result, "store_bytes": _du(store_dir)}
        if n <= plan.rdflib_max:
            # not run: stopped on a smaller graph, or bound to pass the limit here at the
            # pace it had there (time grows at least with the graph)
            skip = sorted(timed_out["rdflib"] | _bound_to_pass(previous, n, plan.timeout))
            rdf_result, rdf_proc = _json_run(
                [sys.executable, "-W", "ignore", str(BENCH / "query_bench.py"), "rdflib",
                 str(files[n]), *common_args, "--skip", *skip])
            entry["rdflib"] = rdf_result
            lap(f"questions on {label}: rdflib (parse included)")
            if n == biggest:
                load = rdf_result["_load"]
                out["store"]["rdflib_samples"].append(load["seconds"])
                out["store"]["rdflib_rss"] = max(out["store"]["rdflib_rss"], load["peak_rss"])
                out["store"]["rdflib_s"] = median(out["store"]["rdflib_samples"])
                out["store"]["speedup"] = out["store"]["rdflib_s"] / out["store"]["dkg_s"]
        for name, res in ox_result.items():
            for engine in ("dkg", "raw"):
                if res.get(engine, {}).get("timed_out"):
                    timed_out[engine].add(name)
        for name, res in entry.get("rdflib", {}).items():
            if name != "_load" and res.get("rdflib", {}).get("timed_out"):
                timed_out["rdflib"].add(name)
        if "rdflib" in entry:
            previous = (n, entry["rdflib"])
        out["queries"][n] = entry
        if n != biggest:
            shutil.rmtree(store_dir, ignore_errors=True)
    out["seconds"] = time.perf_counter() - started
    out["load_after"] = common.load_average()
    return out


def _bound_to_pass(previous: tuple[int, dict] | None, n: int, limit: float) -> set[str]:
    """The questions whose rdflib time on the previous graph, scaled by the ratio of the
    sizes, passes ``limit`` on a graph of ``n`` triples."""
    if previous is None:
        return set()
    size, results = previous
    out = set()
    for name, res in results.items():
        times = (res.get("rdflib") or {}).get("times") if name != "_load" else None
        if times and median(times) * n / size > limit:
            out.add(name)
    return out


def _du(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


# --------------------------------------------------------------------------- reporting


def _runs(n: int) -> str:
    """' (n)' when a figure is the median of fewer than 3 runs."""
    return f" ({n})" if 0 < n < 3 else ""


def _qtime(res: dict | None, limit: float) -> tuple[float | None, str]:
    """The median time of one engine on one question, and how to show it."""
    if res is None:
        return None, "-"
    if res.get("skipped"):
        return None, f"> {limit:g} s ²"
    if res.get("error"):
        return None, "error ³"
    times = res.get("times") or []
    if not times:
        return None, f"> {limit:g} s" if res.get("timed_out") else "-"
    m = median(times)
    text = fmt_s(m)
    if len(times) < 3:
        text += f" ({len(times)})"
    return m, text


def _engine(entry: dict, name: str, engine: str):
    if engine == "rdflib":
        res = entry.get("rdflib", {}).get(name)
        return None if res is None else (res if res.get("skipped") else res.get("rdflib"))
    res = entry["oxigraph"].get(name)
    return None if res is None else (res if res.get("skipped") else res.get(engine))


def query_table(entry: dict, limit: float) -> tuple[list[str], dict]:
    """Markdown rows for one size, and the ratios for the goals."""
    lines = ["| question | rows | dkg | raw pyoxigraph | dkg / raw | rdflib | rdflib / dkg |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    over_raw, over_rdflib, bounds = [], [], []
    names = sorted(k for k in entry["oxigraph"])
    for name in names:
        d, dtext = _qtime(_engine(entry, name, "dkg"), limit)
        r, rtext = _qtime(_engine(entry, name, "raw"), limit)
        res_rdf = _engine(entry, name, "rdflib")
        b, btext = _qtime(res_rdf, limit)
        dres = _engine(entry, name, "dkg") or {}
        rows = dres.get("rows") or []
        rows_text = ", ".join(str(x) for x in rows) or "-"
        rdf_rows = (res_rdf or {}).get("rows") or []
        if rdf_rows and rows and rdf_rows != rows:
            btext += f" [{', '.join(str(x) for x in rdf_rows)} rows]"
        ratio_raw = d / r if d and r else None
        if ratio_raw:
            over_raw.append(ratio_raw)
        if d and b:
            ratio_rdf, rtext_rdf = b / d, fmt_ratio(b / d)
            over_rdflib.append(ratio_rdf)
        elif d and res_rdf is not None and (res_rdf.get("timed_out") or res_rdf.get("skipped")):
            ratio_rdf, rtext_rdf = limit / d, fmt_ratio(limit / d, "> ")
            over_rdflib.append(ratio_rdf)
            bounds.append(name)
        else:
            rtext_rdf = "-"
        lines.append(f"| {name} | {rows_text} | {dtext} | {rtext} | {fmt_ratio(ratio_raw)} "
                     f"| {btext} | {rtext_rdf} |")
    medians = {"dkg_over_raw": median(over_raw) if over_raw else None,
               "rdflib_over_dkg": median(over_rdflib) if over_rdflib else None,
               "rdflib_bounds": bounds, "rdflib_compared": len(over_rdflib)}
    return lines, medians


def plot(result: dict, path: Path) -> None:
    """Time against size, log-log: each question (thin) and the median (thick), per engine."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    limit = result["plan"]["timeout"]
    sizes = sorted(int(n) for n in result["queries"])
    colours = {"dkg": "tab:blue", "raw": "tab:green", "rdflib": "tab:orange"}
    labels = {"dkg": "dkg (kg.queries through kg.store)", "raw": "raw pyoxigraph",
              "rdflib": "rdflib (in memory)"}
    fig, ax = plt.subplots(figsize=(8, 5.5))
    names = sorted(result["queries"][sizes[0]]["oxigraph"])
    for engine in ("rdflib", "raw", "dkg"):
        per_size = {}
        for name in names:
            xs, ys = [], []
            for n in sizes:
                entry = result["queries"][n]
                res = _engine(entry, name, engine)
                if res is None:
                    continue
                t, _ = _qtime(res, limit)
                if t is None and (res.get("timed_out") or res.get("skipped")):
                    t = limit
                if t is not None:
                    xs.append(n)
                    ys.append(t)
                    per_size.setdefault(n, []).append(t)
            if xs and engine != "raw":
                ax.plot(xs, ys, color=colours[engine], alpha=0.25, linewidth=0.8)
        xs = sorted(per_size)
        if xs:
            ax.plot(xs, [median(per_size[n]) for n in xs], color=colours[engine], linewidth=2.5,
                    marker="o", label=f"{labels[engine]}: median over the questions",
                    linestyle="--" if engine == "raw" else "-")
    ax.axhline(limit, color="grey", linewidth=0.8, linestyle=":")
    ax.text(sizes[-1], limit * 1.1, f"questions stopped at {limit:g} s", color="grey",
            fontsize=8, ha="right")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("triples in the store")
    ax.set_ylabel("seconds per question")
    ax.set_title("Named questions: time against store size (thin lines: each question)")
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def report(result: dict, plot_name: str, command: str) -> str:
    plan = result["plan"]
    limit = plan["timeout"]
    m = result["machine"]
    out = ["# Benchmarks", "",
           "Regenerate this page and its plot with `python bench/run.py` (from the "
           "repository's root, in the project's environment); `python bench/run.py --quick` "
           "is a smaller smoke run. The numbers below came from "
           f"`{command}`, which took {result['seconds'] / 60:.1f} minutes: "
           + "; ".join(f"{what} {m:.1f}" for what, m in result.get("minutes", {}).items()
                       if m >= 0.05) + ".", "",
           "## Machine", "", "| | |", "| --- | --- |"]
    out += [f"| {k} | {v} |" for k, v in m.items()]
    out += [f"| Load average (1 min) | {result['load_before']} before, "
            f"{result['load_after']} after |", "",
            "Every figure is the median of the runs shown (3 unless a number in brackets "
            "says fewer); every comparison is between runs made side by side in the same "
            "benchmark run, alternating which goes first.", ""]

    # ingest
    rows = result["ingest"]
    model = rows[0]["model"] if rows else "?"
    out += ["## Ingest: `dkg build` against the bare parser", "",
            f"A synthetic corpus from `bench/corpus.py` (sentence templates, seeded: states, "
            f"ministries, embassies, officials; requests, declines, protests, accusations, "
            f"denials, threats, meetings, quotes, dates), the example article first. The bare "
            f"parser is `bench/bare_parse.py`: spaCy's `nlp.pipe` over the same texts with the "
            f"same model ({model}), process count and batch size, nothing else. Both run as "
            f"whole processes (start-up and model loading included) and are timed the same "
            f"way, wall clock.", "",
            "| articles | jobs | dkg build | bare nlp.pipe | dkg / bare throughput | "
            "time ratio | CPU s dkg / bare |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        runs = _runs(r.get("runs", 3))
        out.append(f"| {r['articles']:,} | {r['jobs']} | {fmt_s(r['dkg_s'])}{runs} "
                   f"({r['dkg_rate']:.1f} articles/s) | {fmt_s(r['bare_s'])}{runs} "
                   f"({r['bare_rate']:.1f} articles/s) | {fmt_ratio(r['ratio'])} | "
                   f"{fmt_ratio(r['time_ratio'])} | {r['dkg_cpu']:.0f} / {r['bare_cpu']:.0f} |")
    prof = result["profile"]
    total = sum(s for _, s in prof["stages"])
    out += ["", f"Where the time of `dkg build` goes ({plan['articles'][0]} articles, one "
            "process, each stage timed over the corpus once, model loading left out):", "",
            "| stage | seconds | share |", "| --- | ---: | ---: |"]
    out += [f"| {name} | {s:.2f} | {100 * s / total:.0f}% |" for name, s in prof["stages"]]
    out += ["", "The extraction step's functions with the most time of their own (cProfile, "
            "which slows Python code more than compiled code):", "",
            "| function | own s | cumulative s |", "| --- | ---: | ---: |"]
    out += [f"| `{f}` | {own:.2f} | {cum:.2f} |" for f, own, cum in prof["hot_spots"][:8]]

    # store
    st = result["store"]
    biggest = max(int(n) for n in result["graphs"])
    g = result["graphs"][biggest]
    out += ["", "## Store: bulk load", "",
            f"`bench/synthetic_graph.py` writes {g['quads']:,} quads ({g['articles']:,} "
            f"synthetic articles' graphs and the ontology, {g['bytes'] / 1e6:.0f} MB of "
            f"N-Quads) made by dkg's own builder from records in the ontology's shape. dkg "
            f"loads it with `Store.bulk_load` into a store on disk (which also writes the "
            f"union of the graphs into the default graph, so twice the quads); rdflib parses "
            f"it into an in-memory `Dataset`. Each load in a process of its own: time of the "
            f"load, peak resident memory of the process.", "",
            "| | dkg store (on disk) | rdflib (in memory) | rdflib / dkg |",
            "| --- | ---: | ---: | ---: |",
            f"| load time | {fmt_s(st['dkg_s'])}{_runs(len(st.get('dkg_samples', [])))} | "
            f"{fmt_s(st['rdflib_s'])}{_runs(len(st.get('rdflib_samples', [])))} | "
            f"{fmt_ratio(st['speedup'])} |",
            f"| peak memory | {fmt_mb(st['dkg_rss'])} | {fmt_mb(st['rdflib_rss'])} | "
            f"{fmt_ratio(st['rdflib_rss'] / st['dkg_rss'])} |"]
    if biggest in result["queries"]:
        out.append(f"| size on disk | {fmt_mb(result['queries'][biggest]['store_bytes'])} "
                   f"| | |")

    # queries
    out += ["", "## Named questions", "",
            f"Every question of `queries/` on stores of each size (the graphs above, cut at "
            f"that many triples). **dkg**: `kg.queries.query` through `kg.store` on the store "
            f"opened read-only, rows of Python values. **raw pyoxigraph**: `Store.query` with "
            f"the same text and parameters on the same store files, every value read; "
            f"dkg / raw is dkg's own overhead. **rdflib**: the same text, parameters as "
            f"`initBindings`, on an in-memory `Dataset` parsed from the same N-Quads. Each "
            f"question runs in a process of its own, stopped after {limit:g} s. Up to "
            f"{plan['query_runs']} runs per engine, fewer where a question is slow: no further "
            f"run starts when, at the pace of the runs so far, it would end past "
            f"{plan['budget']:g} s of that question's time (then the figure is the median of "
            f"the runs in brackets, often a single run). `statements_by` is asked about China, "
            f"`evidence` about one act.",
            "", "² not run: it passed the limit on a smaller graph, or its time there, "
            "scaled by the ratio of the sizes, passes it here. "
            "³ rdflib cannot run it (Python's `re` has no `\\p{L}` classes). "
            "[N rows]: rdflib's row count where it differs from Oxigraph's; the questions "
            "concerned follow an alternative path such as `dkg:respondsTo|^dkg:hasResponse`, "
            "and where both branches hold rdflib returns a row for each (SPARQL's bag "
            "semantics), Oxigraph one.", ""]
    goals = {}
    for n in sorted(int(k) for k in result["queries"]):
        entry = result["queries"][n]
        lines, med = query_table(entry, limit)
        goals[n] = med
        peak = max((v.get("peak_rss", 0) for v in entry["oxigraph"].values()), default=0)
        med["peak_rss"] = peak
        out += [f"### {_size_label(n)} triples ({result['graphs'][n]['quads']:,} quads)", ""]
        out += lines
        extra = f"Median over the questions: dkg / raw {fmt_ratio(med['dkg_over_raw'])}"
        if med["rdflib_over_dkg"]:
            bound = " (a lower bound: rdflib was stopped on some)" if med["rdflib_bounds"] else ""
            extra += (f"; rdflib / dkg {fmt_ratio(med['rdflib_over_dkg'])} over the "
                      f"{med['rdflib_compared']} questions rdflib can run{bound}")
        out += ["", extra + f". Largest resident memory of a question's process (dkg's and "
                f"the raw store open together): {fmt_mb(peak)}.", ""]
        if "rdflib" in entry:
            load = entry["rdflib"]["_load"]
            out += [f"rdflib parsed this graph in {fmt_s(load['seconds'])} "
                    f"({fmt_mb(load['peak_rss'])} resident).", ""]
    out += [f"![time against size]({plot_name})", ""]

    # goals
    out += ["## Goals", "", "| goal | measured | met |", "| --- | --- | --- |"]
    for r in rows:
        out.append(f"| ingest ≥ 0.8x the bare parser's throughput ({r['articles']:,} articles, "
                   f"jobs {r['jobs']}) | {fmt_ratio(r['ratio'])} | "
                   f"{'yes' if r['ratio'] >= 0.8 else 'no'} |")
    for r in rows:
        if r["articles"] == 200:
            out.append(f"| 200 articles in ≤ 1.4x the bare parser's time (jobs {r['jobs']}) | "
                       f"{fmt_ratio(r['time_ratio'])} | "
                       f"{'yes' if r['time_ratio'] <= 1.4 else 'no'} |")
    big = goals.get(biggest)
    if big:
        ro = big["rdflib_over_dkg"]
        met = "-" if ro is None else ("yes" if ro >= 10 else
                                      ("not shown" if big["rdflib_bounds"] else "no"))
        out.append(f"| questions at {_size_label(biggest)} ≥ 10x faster than rdflib (median) | "
                   f"{fmt_ratio(ro, '≥ ' if big['rdflib_bounds'] else '')} | {met} |")
        dr = big["dkg_over_raw"]
        out.append(f"| questions at {_size_label(biggest)} within 1.2x of raw pyoxigraph "
                   f"(median) | {fmt_ratio(dr)} | {'yes' if dr and dr <= 1.2 else 'no'} |")
        out.append(f"| a {_size_label(biggest)}-triple store queried in < 1 GB resident | "
                   f"{fmt_mb(big['peak_rss'])} | {'yes' if big['peak_rss'] < 1e9 else 'no'} |")
    out.append(f"| this page regenerated in < 15 minutes | {result['seconds'] / 60:.1f} min | "
               f"{'yes' if result['seconds'] < 900 else 'no'} |")
    out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller smoke run")
    parser.add_argument("--out", type=Path, default=None,
                        help="the page to write (default docs/benchmarks.md; "
                             "docs/benchmarks-quick.md with --quick)")
    parser.add_argument("--json", type=Path, default=None, help="also save the raw results")
    parser.add_argument("--limit", type=float, default=None, metavar="SECONDS",
                        help="stop a question after this long (default 60; 20 with --quick)")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    if args.limit:
        plan = Plan(**{**plan.__dict__, "timeout": args.limit,
                       "budget": min(plan.budget, args.limit)})
    page = args.out or DOCS / ("benchmarks-quick.md" if args.quick else "benchmarks.md")
    picture = page.with_name(page.stem + "-queries.png")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="dkg-bench-") as tmp:
        result = measure(plan, Path(tmp), log)
    result["queries"] = {int(k): v for k, v in result["queries"].items()}
    result["graphs"] = {int(k): v for k, v in result["graphs"].items()}
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    plot(result, picture)
    command = "python bench/run.py" + (" --quick" if args.quick else "") \
        + (f" --limit {args.limit:g}" if args.limit else "")
    page.write_text(report(result, picture.name, command), encoding="utf-8")
    log(f"wrote {page} and {picture} in {result['seconds'] / 60:.1f} minutes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
