"""``dkg serve``: the store as a read-only SPARQL endpoint with a query page."""
from __future__ import annotations

import click

from .base import cli, store_option

__all__ = ["serve_cmd"]


@cli.command("serve")
@store_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback exposes the whole store "
                   "to the network, without authentication (a warning is printed).")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on.")
@click.option("--timeout-s", default=30.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Longest a query may run; it is then stopped and answered 503.")
@click.option("--max-rows", default=10_000, show_default=True, type=click.IntRange(min=1),
              help="Most rows (or triples) in an answer; longer answers are cut and "
                   "carry the header Dkg-Truncated.")
@click.option("--workers", default=None, type=click.IntRange(min=1),
              help="Query worker processes (queries that run at once). "
                   "[default: CPUs, at most 4]")
@click.option("--allow-service", is_flag=True,
              help="Allow SERVICE (federated queries): the server will then connect to "
                   "any endpoint a query names.")
def serve_cmd(store: str, host: str, port: int, timeout_s: float, max_rows: int,
              workers: int | None, allow_service: bool) -> None:
    """Serve the store as a read-only SPARQL 1.1 endpoint until Ctrl+C.

    Queries go to /sparql (GET ?query=, or POST); named questions to
    /queries/NAME?param=value; a page at / lets you type a query and see a
    table. Updates, Graph Store writes and SERVICE are refused (403). The
    store is served from a private copy, refreshed when it changes and no
    build is writing it, so a running build never shows half an article.
    """
    from ..serve import serve

    serve(store, host=host, port=port, timeout_s=timeout_s, max_rows=max_rows,
          allow_service=allow_service, workers=workers)
