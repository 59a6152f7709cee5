"""``dkg queries`` and ``dkg query``: list the named questions, ask one (or any SPARQL)."""
from __future__ import annotations

import datetime as _dt
import shutil
import sys
import textwrap

import click

from ..errors import DkgError
from .base import cli, fail, store_option

__all__ = ["queries_cmd", "query_cmd", "render_table"]

FORMATS = ("table", "csv", "tsv", "json", "xml")
#: Widest a table column gets before its text wraps.
MAX_COLUMN = 60
#: Narrowest a column is squeezed to when the table is wider than the terminal.
MIN_COLUMN = 10


@cli.command("queries")
@click.argument("name", required=False)
def queries_cmd(name: str | None) -> None:
    """List the named questions with their summaries, or describe the question NAME.

    A question's description is its header: the question in plain words, its
    parameters (give them to dkg query as --param NAME=VALUE) and its columns.
    """
    from ..queries import list_queries, load_query

    if name is not None:
        try:
            q = load_query(name)
        except DkgError as exc:
            fail(str(exc), exc.exit_code)
        for line in q.text.splitlines():
            if not line.startswith("#"):
                break
            click.echo(line[1:].removeprefix(" "))
        return
    items = list_queries()
    width = max((len(n) for n, _ in items), default=0)
    for n, summary in items:
        click.echo(f"{n:<{width}}  {summary}")


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.UsageError(f"--param {item!r}: write it as NAME=VALUE")
        params[name.strip()] = value
    return params


@cli.command("query")
@click.argument("name", required=False, metavar="NAME|FILE.rq")
@click.option("--sparql", metavar="TEXT", default=None,
              help="Run this SPARQL text instead of a named question.")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter of the question (repeatable). An actor may be given by "
                   "IRI, prefixed name (actor:state/CHN) or name (China).")
@store_option
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default="table",
              show_default=True,
              help="table for reading; csv, tsv, json and xml are the SPARQL 1.1 result "
                   "formats. CONSTRUCT and DESCRIBE always print Turtle.")
@click.pass_context
def query_cmd(ctx: click.Context, name: str | None, sparql: str | None, params: tuple[str, ...],
              store: str, fmt: str) -> None:
    """Ask the store a named question (see dkg queries), a .rq file, or --sparql TEXT.

    \b
    Examples:
      dkg query declined_requests
      dkg query requests --param actor=China --param target="United States"
      dkg query --sparql 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' -f csv
    """
    from ..queries import load_query, parse_query, run

    if (name is None) == (sparql is None):
        raise click.UsageError("give a question NAME (or FILE.rq) or --sparql TEXT, not both")
    bound = _parse_params(params)
    try:
        q = load_query(name) if name is not None else parse_query(sparql)
        from ..store import open_store

        with open_store(store, read_only=True, create=False) as st:
            results = run(st, q, bound)
            _print(results, fmt)
    except DkgError as exc:
        if (ctx.obj or {}).get("debug"):
            raise
        fail(str(exc), exc.exit_code)


# --------------------------------------------------------------------------- output

def _print(results, fmt: str) -> None:
    """Write query results to standard output in ``fmt``."""
    import pyoxigraph as ox

    from ..errors import QueryError
    from ..queries import rows

    try:
        if isinstance(results, ox.QueryTriples):
            _write(_turtle(results))
        elif fmt == "table":
            if isinstance(results, ox.QueryBoolean):
                click.echo("true" if bool(results) else "false")
            else:
                columns = [v.value for v in results.variables]
                click.echo(render_table(columns, rows(results)), nl=False)
        else:
            kind = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
                    "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML}[fmt]
            _write(results.serialize(format=kind))
    except (OSError, RuntimeError, ValueError) as exc:
        text = str(exc).strip()
        raise QueryError(f"query failed: {text.splitlines()[0] if text else type(exc).__name__}"
                         ) from exc


def _write(data: bytes) -> None:
    sys.stdout.flush()
    out = sys.stdout.buffer
    out.write(data)
    if data and not data.endswith(b"\n"):
        out.write(b"\n")
    out.flush()


def _turtle(triples) -> bytes:
    """CONSTRUCT or DESCRIBE results as Turtle with dkg's prefixes."""
    import pyoxigraph as ox
    import rdflib

    from ..namespaces import PREFIXES

    g = rdflib.Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True)
    g.parse(data=triples.serialize(format=ox.RdfFormat.N_TRIPLES).decode("utf-8"), format="nt")
    return g.serialize(format="turtle").encode("utf-8")


def _cell(value) -> str:
    from ..queries import shorten

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    text = str(value)
    if text.startswith(("http://", "https://")) and " " not in text:
        return shorten(text)
    return " ".join(text.split())


def _shown(columns: list[str], table: list[dict]) -> list[str]:
    """The columns worth showing: not always empty, and not an IRI beside its own label."""
    if not table:
        return list(columns)
    keep = [c for c in columns if any(r.get(c) is not None for r in table)]
    return [c for c in keep if f"{c}Label" not in keep] or list(columns)


def render_table(columns: list[str], table: list[dict], width: int | None = None) -> str:
    """Rows as an aligned text table that fits ``width`` (the terminal's by default).

    Long cells wrap within their column (at most :data:`MAX_COLUMN` wide); IRIs
    are shown as prefixed names, an IRI column beside its ``...Label`` column and
    columns empty in every row are left out. When even narrow columns do not
    fit, each row is printed as a block of ``column  value`` lines instead.
    Ends with the number of rows.
    """
    if width is None:
        width = shutil.get_terminal_size((120, 24)).columns
    width = max(width, 40)
    shown = _shown(columns, table)
    cells = [[_cell(r.get(c)) for c in shown] for r in table]
    count = f"({len(table)} row{'s' if len(table) != 1 else ''})"
    gap = 2
    widths = [min(MAX_COLUMN, max([len(c)] + [len(row[i]) for row in cells]))
              for i, c in enumerate(shown)]
    while sum(widths) + gap * (len(widths) - 1) > width:
        i = max(range(len(widths)), key=lambda k: widths[k])
        if widths[i] <= MIN_COLUMN:
            return _records(shown, cells, width) + count + "\n"
        widths[i] -= 1

    def lines_of(values: list[str]) -> list[str]:
        wrapped = [_wrap(v, w) for v, w in zip(values, widths)]
        height = max(len(w) for w in wrapped)
        out = []
        for k in range(height):
            parts = [(w[k] if k < len(w) else "").ljust(widths[i])
                     for i, w in enumerate(wrapped)]
            out.append((" " * gap).join(parts).rstrip())
        return out

    head = lines_of(shown)
    rule = (" " * gap).join("-" * w for w in widths)
    body = [lines_of(row) for row in cells]
    spaced = any(len(b) > 1 for b in body)
    out = head + [rule]
    for k, block in enumerate(body):
        if spaced and k:
            out.append("")
        out.extend(block)
    out.append(count)
    return "\n".join(out) + "\n"


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]


def _records(shown: list[str], cells: list[list[str]], width: int) -> str:
    """Each row as a block: a rule naming the row, then one ``column  value`` line per cell."""
    key = max(len(c) for c in shown)
    room = max(width - key - 2, 20)
    out = []
    for n, row in enumerate(cells, 1):
        title = f"-[ {n} ]"
        out.append(title + "-" * max(0, min(width, key + 2 + room) - len(title)))
        for name, value in zip(shown, row):
            if not value:
                continue
            for k, part in enumerate(_wrap(value, room)):
                out.append(f"{name if k == 0 else '':<{key}}  {part}")
    return "\n".join(out) + ("\n" if out else "")
