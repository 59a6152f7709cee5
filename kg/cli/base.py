"""The ``dkg`` group, its shared options, and how errors become one line."""
from __future__ import annotations

import os
import re
import sys
import traceback

import click

from .. import __version__
from ..errors import EXIT_ERROR, DkgError

__all__ = ["cli", "main", "store_option", "memory_option", "fail", "error", "one_line"]

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


_BREAKS = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")


def one_line(message: str) -> str:
    """``message`` on one line: line breaks and other control characters (from file
    names or article ids, say) shown as escapes such as ``\\n``."""
    return _BREAKS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"),
                       str(message))


def error(message: str) -> None:
    """Print ``Error: message`` as one line on stderr."""
    click.echo(f"Error: {one_line(message)}", err=True)


def fail(message: str, code: int = EXIT_ERROR) -> None:
    """Print one line on stderr and exit with ``code``."""
    error(message)
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
    except click.UsageError as exc:  # one line, with where to find the usage
        if type(exc).__name__ == "NoArgsIsHelpError":  # plain ``dkg``: the help
            exc.show()
            sys.exit(exc.exit_code)
        command = exc.ctx.command_path if exc.ctx is not None else "dkg"
        error(f"{exc.format_message()} (see {command} --help)")
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        error(exc.format_message())
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except DkgError as exc:
        if debug:
            traceback.print_exc()
        error(str(exc))
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
            error(f"{type(exc).__name__}: {exc} (run with --debug for details)")
        sys.exit(EXIT_ERROR)
    sys.exit(0)
