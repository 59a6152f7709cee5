"""Score the extractor on gold articles (default: the shared dev set) and print the table."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = ["DEFAULT_DEV", "main", "score_dir"]

ROOT = Path(__file__).resolve().parent.parent
#: The shared development set, beside the repository.
DEFAULT_DEV = ROOT.parent / "shared" / "dev"


def score_dir(paths, *, use_gold: bool = False, model: str | None = None):
    """The corpus score of the gold files under ``paths``, and the messages of unreadable ones."""
    from kg.errors import InputError
    from kg.evaluate import read_gold_articles, rows_from_extraction, score_article, score_corpus
    from kg.gold import gold_extraction

    pairs, errors = [], []
    for item in read_gold_articles(paths):
        (errors if isinstance(item, InputError) else pairs).append(item)
    if use_gold:
        extractions = [gold_extraction(gold, article) for gold, article in pairs]
    else:
        from kg.extract import extract_articles

        extractions = list(extract_articles([article for _, article in pairs], model=model))
    scores = [score_article(*rows_from_extraction(ex), gold, article.text)
              for (gold, article), ex in zip(pairs, extractions)]
    return score_corpus(scores), [str(e) for e in errors]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="*", type=Path,
                        help="gold .yaml files or folders (default: the shared dev set)")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="print misses, false positives and flawed matches")
    parser.add_argument("--json", type=Path, help="write every score to this JSON file")
    parser.add_argument("--model", help="spaCy model name (default: en_core_web_sm)")
    parser.add_argument("--gold", action="store_true",
                        help="score the gold against itself (checks gold files and scorer)")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from kg.evaluate import score_details, score_dict, score_table

    paths = args.paths or [DEFAULT_DEV]
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"eval_dev: {missing[0]} does not exist; pass a folder of gold articles "
              f"(<id>.yaml beside <id>.txt)", file=sys.stderr)
        return 1
    corpus, errors = score_dir(paths, use_gold=args.gold, model=args.model)
    for message in errors:
        print(f"eval_dev: skipped: {message}", file=sys.stderr)
    if not corpus.articles:
        print("eval_dev: no gold article could be read", file=sys.stderr)
        return 1
    if args.verbose:
        for score in corpus.articles:
            print(score_details(score))
        print()
    print(score_table(corpus))
    if args.json:
        args.json.write_text(json.dumps(score_dict(corpus), indent=2, ensure_ascii=False) + "\n",
                             encoding="utf-8")
    return 4 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
