"""The bare parser: spaCy's ``nlp.pipe`` over the texts of a .jsonl corpus, nothing else.

The baseline ``dkg build`` is measured against: the same model, the same
texts, the same number of processes, run as a whole process like ``dkg build``
(start-up and model loading included). It imports nothing of dkg.

    python bench/bare_parse.py CORPUS.jsonl --model NAME --jobs N
"""
from __future__ import annotations

import argparse
import json


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", help="a .jsonl file, one article object (with 'text') a line")
    parser.add_argument("--model", required=True, help="the spaCy model package or path")
    parser.add_argument("--jobs", type=int, default=1, help="processes (nlp.pipe n_process)")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="texts per batch (default: spaCy's own)")
    args = parser.parse_args(argv)

    import spacy

    with open(args.corpus, encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh if line.strip()]
    nlp = spacy.load(args.model)
    tokens = 0
    for doc in nlp.pipe(texts, n_process=args.jobs, batch_size=args.batch_size):
        tokens += len(doc)
    print(f"{len(texts)} texts, {tokens} tokens")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
