"""``dkg demo``: the bundled example, end to end, in plain words."""
from __future__ import annotations

from pathlib import Path

import click

from ..errors import DkgError
from .base import cli

__all__ = ["demo_cmd"]


@cli.command("demo")
@click.option("-o", "--out", "out_dir", default="dkg-demo", show_default=True,
              metavar="DIR", help="Folder for graph.ttl, network.png and network.html.")
@click.option("--model", metavar="NAME", default=None,
              help="spaCy model (default: en_core_web_sm). Env: DKG_MODEL.")
def demo_cmd(out_dir: str, model: str | None) -> None:
    """Build the bundled example article and say which side declined which request.

    The example is an NBC News report of China declining a U.S. request for a
    call between the defence chiefs after the balloon shoot-down (2023-02-07).
    """
    from ..demo import describe_declines, run_demo

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise DkgError(f"cannot write into {out}: it is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DkgError(f"cannot create the folder {out}: {exc.strerror}") from None

    click.echo("Building the example article (China declines a U.S. request after the "
               "balloon shoot-down)...", err=True)
    result = run_demo(out_dir, model=model)
    if not result.declines:
        click.echo("No declined request was found in the example.")
    for line in describe_declines(result.declines):
        click.echo(line)
    for path in result.files:
        click.echo(f"wrote {path}", err=True)
