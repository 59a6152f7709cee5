"""``dkg eval``: score the store's (or a fresh extraction's) events against gold files."""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import EXIT_PARTIAL, InputError
from .base import cli, error, store_option

__all__ = ["eval_cmd"]


@cli.command("eval")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...",
                type=click.Path(path_type=Path))
@store_option
@click.option("--build", is_flag=True,
              help="Extract the articles afresh and score that, without a store.")
@click.option("--model", metavar="NAME", default=None,
              help="spaCy model for --build (default: en_core_web_sm). Env: DKG_MODEL.")
@click.option("--json", "json_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write every score, miss and false positive to this JSON file.")
@click.option("--verbose", "-v", is_flag=True,
              help="Print each article's misses, false positives and flawed matches.")
def eval_cmd(paths: tuple[Path, ...], store: str, build: bool, model: str | None,
             json_file: Path | None, verbose: bool) -> int:
    """Score events against gold annotations (PATH: gold .yaml files or folders of them).

    Each gold file ID.yaml lies beside its article ID.txt. The system's
    events are read from the store with the named queries events and
    actors, or, with --build, extracted afresh. Prints precision, recall and
    F1 per article and in total (micro-averaged), at state and exact actor
    level, per act type, and the accuracy of addressees and responses on
    matched events.

    Exit status: 0 when every gold file was scored, 4 when some could not be
    (each is reported on one line), 1 when none could.
    """
    from ..evaluate import (read_gold_articles, rows_from_extraction, score_article,
                            score_corpus, score_details, score_dict, score_table)

    if json_file is not None and not json_file.parent.is_dir():
        raise InputError(f"cannot write {json_file}: no directory {json_file.parent}")
    pairs, failed = [], 0
    for item in read_gold_articles(paths):
        if isinstance(item, InputError):
            error(str(item))
            failed += 1
        else:
            pairs.append(item)
    if not pairs:
        raise InputError("no gold file could be read" if failed else "no gold files given")

    if build:
        from ..extract import extract_articles

        extractions = extract_articles([article for _, article in pairs], model=model)
        tables = [rows_from_extraction(ex) for ex in extractions]
    else:
        tables, absent = _store_tables(store, [article.id for _, article in pairs])
        for art_id in absent:
            error(f"article {art_id!r} is not in the store {store}; build it "
                  f"first (dkg build), or use --build")
        failed += len(absent)
        kept = [(pair, table) for pair, table in zip(pairs, tables) if table is not None]
        if not kept:
            raise InputError(f"none of the articles is in the store {store}")
        pairs, tables = [pair for pair, _ in kept], [table for _, table in kept]

    scores = []
    for (gold, article), (event_rows, actor_rows) in zip(pairs, tables):
        if gold.article != article.id:
            click.echo(f"Warning: gold file says article {gold.article!r}, its text is "
                       f"{article.id!r}", err=True)
        scores.append(score_article(event_rows, actor_rows, gold, article.text))
    corpus = score_corpus(scores)

    if verbose:
        for score in scores:
            click.echo(score_details(score))
        click.echo()
    else:
        warned = sum(len(s.warnings) for s in scores)
        if warned:
            click.echo(f"Note: {warned} gold evidence string(s) not found verbatim "
                       f"(see --verbose)", err=True)
    click.echo(score_table(corpus))
    if json_file:
        from ..store import write_atomically

        text = json.dumps(score_dict(corpus), indent=2, ensure_ascii=False) + "\n"
        write_atomically(json_file, text.encode("utf-8"))  # whole or not at all
    return EXIT_PARTIAL if failed else 0


def _store_tables(location: str, article_ids: list[str]
                  ) -> tuple[list[tuple[list, list] | None], list[str]]:
    """Event and actor rows of each article from the store's named queries (None: not there),
    and the ids of the articles the store lacks."""
    from ..evaluate import rows_for_article
    from ..queries import query
    from ..store import open_store

    with open_store(location, read_only=True, create=False) as store:
        present = set(store.article_ids())
        events = query(store, "events")
        actors = query(store, "actors")
    tables: list[tuple[list, list] | None] = []
    for art_id in article_ids:
        tables.append((rows_for_article(events, art_id), actors) if art_id in present else None)
    return tables, [a for a in article_ids if a not in present]
