"""``dkg build``: read articles, extract them and write their graphs into the store."""
from __future__ import annotations

import codecs
import sys
import time
from pathlib import Path

import click

from ..errors import EXIT_ERROR, EXIT_PARTIAL, DkgError
from ..store import DEFAULT_LOCK_TIMEOUT, open_store
from .base import cli, error, fail, memory_option, store_option

__all__ = ["build_cmd"]


def _known_encoding(ctx, param, value: str) -> str:
    try:
        codecs.lookup(value)
    except LookupError:
        raise click.BadParameter(f"unknown encoding {value!r}") from None
    return value


@cli.command("build")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@store_option
@memory_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes that parse articles in parallel.")
@click.option("--encoding", default="utf-8", show_default=True, callback=_known_encoding,
              help="Encoding of .txt articles (.jsonl is always UTF-8).")
@click.option("--model", metavar="NAME", default=None,
              help="spaCy model (default: en_core_web_sm). Env: DKG_MODEL.")
@click.option("--lock-timeout", type=click.FloatRange(min=0), default=DEFAULT_LOCK_TIMEOUT,
              show_default=True, metavar="SECONDS",
              help="How long to wait while another build writes to the store.")
@click.pass_context
def build_cmd(ctx: click.Context, paths: tuple[str, ...], store: str, memory: bool, jobs: int,
              encoding: str, model: str | None, lock_timeout: float) -> None:
    """Build or update the store from articles.

    PATH: .txt files (each with an optional NAME.json sidecar of metadata),
    .jsonl corpora (one article object a line), folders of those, or - for
    standard input. Articles already in the store with the same text, dkg
    version and model are skipped; a changed article replaces its old graph.
    Each article is written whole, in one transaction: a build that is killed
    leaves whole articles only, and running it again completes the store.

    --store takes a directory (embedded store; one build at a time, others wait
    --lock-timeout seconds) or the query URL of a SPARQL 1.1 endpoint with update,
    e.g. http://localhost:7878/query (updates then go to .../update).

    Exit status: 0 when every input went in, 4 when some failed (each is
    reported on one line), 1 when none could be read.
    """
    from ..ingest import ingest

    where = "memory" if memory else store
    progress = _Progress(_count_inputs(paths), enabled=sys.stderr.isatty())
    try:
        with open_store(store, memory=memory, lock_timeout=lock_timeout) as st:
            try:
                report = ingest(list(paths), st, model=model, jobs=jobs, encoding=encoding,
                                progress=progress)
            finally:
                progress.close()
    except DkgError as exc:
        if (ctx.obj or {}).get("debug"):
            raise
        fail(str(exc), exc.exit_code)
    for message in progress.deferred:
        error(message)
    noun = "article" if report.built == 1 else "articles"
    click.echo(f"built {report.built} {noun} ({report.unchanged} unchanged, "
               f"{report.failed} failed) into {where}", err=True)
    if report.failed:
        ctx.exit(EXIT_ERROR if report.stored == 0 else EXIT_PARTIAL)


class _Progress:
    """Counts articles as they go in; draws a bar with articles/s on a terminal."""

    def __init__(self, total: int | None, *, enabled: bool) -> None:
        self.enabled = enabled
        self.deferred: list[str] = []
        self.done = 0
        self.start = time.monotonic()
        self.bar = None
        if enabled and total:
            self.bar = click.progressbar(length=total, label="building", file=sys.stderr,
                                         item_show_func=lambda rate: rate, width=30)
            self.bar.__enter__()

    def __call__(self, status: str, what: str) -> None:
        if status == "failed":
            if self.enabled:
                self.deferred.append(what)  # printed after the bar, not through it
            else:
                error(what)
        self.done += 1
        if not self.enabled:
            return
        elapsed = max(time.monotonic() - self.start, 1e-6)
        rate = f"{self.done / elapsed:.1f} articles/s"
        if self.bar is not None:
            self.bar.update(1, rate)
        else:
            click.echo(f"\rbuilding: {self.done} articles, {rate}", err=True, nl=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
        elif self.enabled and self.done:
            click.echo("", err=True)


def _count_inputs(paths: tuple[str, ...]) -> int | None:
    """About how many articles the inputs hold (for the bar), or None if unknown (stdin)."""
    total = 0
    for p in paths:
        if p == "-":
            return None
        path = Path(p)
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for f in files:
            if f.suffix == ".jsonl":
                try:
                    with f.open("rb") as fh:
                        total += sum(1 for line in fh if line.strip())
                except OSError:
                    total += 1
            elif f.suffix == ".txt" or not path.is_dir():
                total += 1
    return total
