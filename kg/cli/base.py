"""The ``dkg`` group, its shared options, and how errors become one line."""
from __future__ import annotations

import os
import sys
import traceback

import click

from .. import __version__
from ..errors import EXIT_ERROR, DkgError

__all__ = ["cli", "main", "store_option", "memory_option", "fail"]

DEFAULT_STORE = "./dkg-store"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dkg")
@click.option("--debug", is_flag=True, help="Show the full traceback on errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """dkg: diplomatic news to a knowledge graph you can question.

    Build a store from articles, then ask it questions, export it, validate
    it, draw its actor network or serve it as a SPARQL endpoint.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def store_option(func):
    """The ``--store DIR|URL`` option shared by every command (env ``DKG_STORE``)."""
    return click.option(
        "--store", "store", envvar="DKG_STORE", default=DEFAULT_STORE, show_default=True,
        metavar="DIR|URL",
        help="Store directory (embedded Oxigraph) or URL of a SPARQL 1.1 endpoint "
             "with update. Env: DKG_STORE.")(func)


def memory_option(func):
    """``--memory``: work in an in-memory store that is thrown away at the end."""
    return click.option("--memory", is_flag=True,
                        help="Use a throw-away in-memory store.")(func)


def fail(message: str, code: int = EXIT_ERROR) -> None:
    """Print one line on stderr and exit with ``code``."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def _debug_requested(argv: list[str]) -> bool:
    return "--debug" in argv or os.environ.get("DKG_DEBUG") == "1"


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``dkg`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = _debug_requested(argv)
    try:
        rv = cli.main(args=argv, prog_name="dkg", standalone_mode=False)
        if isinstance(rv, int) and rv:
            sys.exit(rv)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_ERROR)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except DkgError as exc:
        if debug:
            traceback.print_exc()
        click.echo(f"Error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(EXIT_ERROR)
    except Exception as exc:  # an unexpected failure: one line unless --debug
        if debug:
            traceback.print_exc()
        else:
            click.echo(f"Error: {type(exc).__name__}: {exc} (run with --debug for details)",
                       err=True)
        sys.exit(EXIT_ERROR)
    sys.exit(0)
