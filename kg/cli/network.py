"""``dkg network``: draw or export the actor network of the store, or print its measures."""
from __future__ import annotations

__all__ = ["network_cmd", "stats_table"]

from pathlib import Path

import click

from ..errors import DkgError
from .base import cli, fail, store_option

_FORMATS = ("png", "svg", "html", "graphml", "gexf", "json")
_ROWS = 15


def _fmt_pairs(rows: list[dict]) -> list[str]:
    if not rows:
        return ["  (none)"]
    width = max(len(f"{r['source']} - {r['target']}") for r in rows)
    return [f"  {(r['source'] + ' - ' + r['target']).ljust(width)}  "
            f"{r['acts']:>3} act{'s' if r['acts'] != 1 else ' '}  Goldstein {r['goldstein']:+.1f}"
            for r in rows]


def stats_table(stats: dict) -> str:
    """The measures of :func:`kg.network.network_stats` as a plain-text table."""
    actors = stats["actors"]
    lines = [f"{stats['nodes']} actors, {stats['edges']} act links, {stats['acts']} acts", "",
             "Most central actors:"]
    shown = actors[:_ROWS]
    width = max([len(r["label"]) for r in shown] + [5])
    lines.append(f"  {'actor'.ljust(width)}  {'kind':<12} {'degree':>6}  {'centrality':>10}  "
                 f"{'betweenness':>11}")
    for r in shown:
        lines.append(f"  {r['label'].ljust(width)}  {r['kind']:<12} {r['degree']:>6}  "
                     f"{r['degree_centrality']:>10.3f}  {r['betweenness']:>11.3f}")
    if len(actors) > len(shown):
        lines.append(f"  ... and {len(actors) - len(shown)} more")
    lines += ["", "Most active pairs:", *_fmt_pairs(stats["active_pairs"]),
              "", "Most conflictual pairs:", *_fmt_pairs(stats["conflictual_pairs"])]
    return "\n".join(lines)


@cli.command("network")
@store_option
@click.option("--article", metavar="ID", help="Only this article (default: all articles).")
@click.option("--format", "fmt", type=click.Choice(_FORMATS, case_sensitive=False),
              help="Output format (default: from the extension of -o).")
@click.option("--types", metavar="TYPE,...",
              help="Only these act types, comma-separated (e.g. request,decline).")
@click.option("--fold-persons", is_flag=True, help="Merge persons into the state they serve.")
@click.option("--stats", is_flag=True,
              help="Print centrality and the most active and most conflictual pairs.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write: .png .svg .html .graphml .gexf .json")
@click.pass_context
def network_cmd(ctx: click.Context, store: str, article: str | None, fmt: str | None,
                types: str | None, fold_persons: bool, stats: bool,
                output: Path | None) -> None:
    """Draw or export who did what to whom, or print the network's measures.

    Nodes are actors; arrows are acts from actor to addressee, coloured from
    conflict (red) to cooperation (green) by Goldstein weight; dotted arrows link
    a spokesman to the actor spoken for, dashed ones a member to its body or state.
    """
    from ..draw import format_of, write_network
    from ..network import actor_network, network_stats

    if output is None and not stats:
        raise click.UsageError("give -o FILE to write the network, or --stats to print it")
    if output is not None:
        try:
            fmt = format_of(output, fmt)
        except DkgError:
            raise click.UsageError(f"cannot tell the format of {output.name!r}: "
                                   f"use --format ({', '.join(_FORMATS)})") from None
        if not output.parent.is_dir():
            fail(f"{output.parent}: no such directory")
    act_types = [t for t in types.split(",") if t.strip()] if types else None
    try:
        from ..store import open_store

        with open_store(store, read_only=True, create=False) as source:
            G = actor_network(source, article=article, act_types=act_types,
                              fold_persons=fold_persons)
        if output is not None:
            write_network(G, output, fmt=fmt)
    except DkgError as exc:
        if (ctx.obj or {}).get("debug"):
            raise
        fail(str(exc), exc.exit_code)
    if stats:
        click.echo(stats_table(network_stats(G)))
    if output is not None:
        click.echo(f"Wrote {output} ({fmt}: {G.number_of_nodes()} actors, "
                   f"{G.number_of_edges()} links)", err=True)

