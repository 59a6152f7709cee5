"""The demo: the bundled example article built, questioned, exported and drawn."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .resources import examples_dir

__all__ = ["EXAMPLE_ID", "DemoResult", "run_demo", "describe_declines"]

#: The bundled example article (see kg/examples/, its sidecar names the source).
EXAMPLE_ID = "balloon-call-declined"


@dataclass
class DemoResult:
    """What the demo produced: the declined-request rows and the files written."""

    declines: list[dict]
    files: list[Path] = field(default_factory=list)


def describe_declines(rows: list[dict]) -> list[str]:
    """Plain-words sentences for rows of the ``declined_requests`` question.

    >>> describe_declines([{"declinerLabel": "China", "requesterLabel": "United States",
    ...                     "content": "a call", "evidence": "China declined."}])
    ['China declined the request of United States for a call.\\n  Evidence: "China declined."']
    """
    out = []
    for r in rows:
        who = r.get("declinerLabel") or "Someone"
        whose = r.get("requesterLabel")
        what = r.get("content")
        line = f"{who} declined the request"
        if whose:
            line += f" of {whose}"
        if what:
            line += f" for {what}" if not what.lower().startswith(("for ", "to ")) else f" {what}"
        line += "."
        if r.get("evidence"):
            line += f'\n  Evidence: "{r["evidence"]}"'
        out.append(line)
    return out


def run_demo(out_dir: str | os.PathLike = "dkg-demo", *, model: str | None = None) -> DemoResult:
    """Build the example article into a fresh in-memory store, ask which side
    declined which request, and write ``graph.ttl``, ``network.png`` and
    ``network.html`` into ``out_dir``."""
    from .draw import draw_png, write_html
    from .ingest import ingest
    from .network import actor_network
    from .queries import query
    from .store import open_store, write_atomically

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    article = examples_dir() / f"{EXAMPLE_ID}.txt"
    with open_store(None, memory=True) as st:
        report = ingest([article], st, model=model)
        if report.errors:
            from .errors import DkgError
            raise DkgError(report.errors[0])
        rows = query(st, "declined_requests")
        result = DemoResult(rows)
        ttl = out / "graph.ttl"
        write_atomically(ttl, st.export("turtle"))
        G = actor_network(st)
        title = "Actor network: " + EXAMPLE_ID
        draw_png(G, out / "network.png", title=title)
        write_html(G, out / "network.html", title=title)
        result.files = [ttl, out / "network.png", out / "network.html"]
    return result
