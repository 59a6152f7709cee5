"""Where ``dkg build``'s time goes, stage by stage, in one process (jobs 1).

The stages, each timed over the whole corpus: reading the articles; spaCy's own
pipeline (tokenizer, tagger, parser, lemmatizer, NER: what the bare parser does);
dkg's extraction step on the parsed documents (``dkg_extract``, the extractor);
turning its output into records; building the triples; writing them to a store
on disk (several new articles a transaction, as ``dkg build`` does, though there
in a thread of its own while the parser works on). Then the extraction
step under cProfile, its functions with the most time of their own.

    python bench/profile_ingest.py CORPUS.jsonl
"""
from __future__ import annotations

import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

__all__ = ["stages", "hot_spots"]


def stages(corpus: Path, model: str | None = None) -> tuple[list[tuple[str, float]], list]:
    """(stage, seconds) in order, and the parsed documents with their articles."""
    from kg import __version__
    from kg.build import extraction_triples
    from kg.extract import load_nlp, model_id
    from kg.extract.components import RESULT_KEY
    from kg.extract.pipeline import records_from_result
    from kg.ingest import BATCH_SIZE
    from kg.read import read_articles
    from kg.store import open_store

    nlp = load_nlp(model)
    out = []
    t = time.perf_counter()
    articles = [a for a in read_articles([corpus]) if not isinstance(a, Exception)]
    out.append(("reading the articles", time.perf_counter() - t))

    t = time.perf_counter()
    with nlp.select_pipes(disable=["dkg_extract"]):
        docs = list(nlp.pipe((a.text for a in articles), batch_size=BATCH_SIZE))
    out.append(("spaCy's pipeline (the bare parser's work)", time.perf_counter() - t))

    step = nlp.get_pipe("dkg_extract")
    t = time.perf_counter()
    docs = [step(doc) for doc in docs]
    out.append(("dkg's extraction step (dkg_extract)", time.perf_counter() - t))

    name = model_id(nlp)
    t = time.perf_counter()
    records = [records_from_result(doc.user_data[RESULT_KEY], a, name)
               for doc, a in zip(docs, articles)]
    out.append(("extraction output to records", time.perf_counter() - t))

    t = time.perf_counter()
    triples = [extraction_triples(r, __version__) for r in records]
    out.append(("records to triples", time.perf_counter() - t))

    with tempfile.TemporaryDirectory() as tmp:
        with open_store(Path(tmp) / "store") as st:
            st.ensure_ontology()
            t = time.perf_counter()
            st.provenance()  # what dkg build asks once, to skip unchanged articles
            items = [(r.article.id, ts) for r, ts in zip(records, triples)]
            for i in range(0, len(items), BATCH_SIZE):  # at most this many a transaction
                st.put_articles(items[i:i + BATCH_SIZE])
            out.append((f"writing to the store (up to {BATCH_SIZE} articles a transaction)",
                        time.perf_counter() - t))
    return out, list(zip(docs, articles))


def hot_spots(docs: list, model: str | None = None, top: int = 12
              ) -> list[tuple[str, float, float]]:
    """The extraction step's functions with the most time of their own, run again on
    parsed documents (those of :func:`stages`): (function, own seconds, cumulative
    seconds), under cProfile (which slows Python code)."""
    from kg.extract import load_nlp

    step = load_nlp(model).get_pipe("dkg_extract")
    prof = cProfile.Profile()
    prof.enable()
    for doc in docs:
        step(doc)
    prof.disable()
    stats = pstats.Stats(prof, stream=io.StringIO())
    rows = []
    for (path, line, func), (_, _, own, cum, _) in stats.stats.items():
        if "/kg/" in path:
            short = "kg/" + path.split("/kg/", 1)[1]
        elif "site-packages/" in path:
            short = path.split("site-packages/", 1)[1]
        elif "/" in path:  # the standard library: the module's file name only
            short = Path(path).name
        else:
            short = path
        rows.append((f"{short}:{line} {func}", own, cum))
    rows.sort(key=lambda r: -r[1])
    return rows[:top]


def main(argv: list[str] | None = None) -> int:
    import argparse
    import json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--model", default=None)
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    found, parsed = stages(args.corpus, args.model)
    spots = hot_spots([doc for doc, _ in parsed], args.model)
    if args.json:
        print(json.dumps({"stages": found, "hot_spots": spots}))
        return 0
    for stage, seconds in found:
        print(f"{seconds:8.2f} s  {stage}")
    for func, own, cum in spots:
        print(f"{own:8.2f} s own {cum:8.2f} s cumulative  {func}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
