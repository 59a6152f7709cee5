"""``dkg validate``: check the store or RDF files against the shapes and the ontology."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import EXIT_VIOLATIONS, DkgError
from .base import cli, fail, store_option

__all__ = ["validate_cmd"]


@cli.command("validate")
@click.argument("files", nargs=-1, metavar="[FILE]...", type=click.Path(path_type=Path))
@store_option
@click.option("--no-reasoner", is_flag=True,
              help="Check the SHACL shapes only; skip the OWL reasoner (which needs Java).")
@click.pass_context
def validate_cmd(ctx: click.Context, files: tuple[Path, ...], store: str,
                 no_reasoner: bool) -> None:
    """Check a graph against the SHACL shapes and, with HermiT, the OWL ontology.

    FILE...: Turtle, TriG, N-Triples, N-Quads or JSON-LD files (by extension);
    without files, the store is checked. Prints one line when all is well;
    otherwise each violation (which node, which rule) and exits with 3.
    """
    from ..validate import read_rdf_files, reason, validate_graph

    source = ctx.get_parameter_source("store")
    if files and source == click.core.ParameterSource.COMMANDLINE:
        raise click.UsageError("give either --store or FILE..., not both")
    try:
        if files:
            data = read_rdf_files(files)
            report = validate_graph(data)
            if not no_reasoner:
                report = report.with_reasoning(reason(data))
        else:
            from ..store import open_store

            with open_store(store, read_only=True) as st:
                data = st.dataset()
                report = validate_graph(data)
                if not no_reasoner:
                    report = report.with_reasoning(reason(data))
    except DkgError as exc:
        if (ctx.obj or {}).get("debug"):
            raise
        fail(str(exc), exc.exit_code)
    if report.ok:
        click.echo(report.summary())
        return
    click.echo(report.text())
    sys.exit(EXIT_VIOLATIONS)
