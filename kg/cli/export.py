"""``dkg export``: the store (or one article) as Turtle, TriG, N-Triples, N-Quads or JSON-LD."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import DkgError
from ..store import FORMATS, open_store, write_atomically
from .base import cli, fail, store_option

__all__ = ["export_cmd"]


@cli.command("export")
@store_option
@click.option("--format", "-f", "fmt", type=click.Choice(list(FORMATS)), default="turtle",
              show_default=True,
              help="turtle and nt merge all graphs; trig, nq and jsonld keep each "
                   "article in its named graph.")
@click.option("--article", metavar="ID", default=None,
              help="Export only this article's graph.")
@click.option("--with-ontology", is_flag=True, help="Add the ontology graph.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (whole or not at all) instead of standard output.")
@click.pass_context
def export_cmd(ctx: click.Context, store: str, fmt: str, article: str | None,
               with_ontology: bool, output: Path | None) -> None:
    """Write the store as RDF, in a stable order: equal graphs give equal bytes.

    Uses the project's prefixes; JSON-LD is written in expanded form (full IRIs).
    The store is read as it stands, even while a build is writing to it.
    """
    try:
        if output is not None and not output.parent.is_dir():
            raise DkgError(f"cannot write {output}: no directory {output.parent}")
        with open_store(store, read_only=True) as st:
            data = st.export(fmt, article=article, with_ontology=with_ontology)
        if output is not None:
            write_atomically(output, data)
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
    except DkgError as exc:
        if (ctx.obj or {}).get("debug"):
            raise
        fail(str(exc), exc.exit_code)
