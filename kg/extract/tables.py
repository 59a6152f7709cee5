"""Reading the extractor's tab-separated data files (comment header, then rows)."""
from __future__ import annotations

import csv
from functools import lru_cache

from ..resources import extract_data_path

__all__ = ["read_table", "split_values"]


@lru_cache(maxsize=None)
def read_table(name: str) -> tuple[dict[str, str], ...]:
    """Rows of ``data/NAME`` as dicts keyed by the header line (after ``#`` comments)."""
    path = extract_data_path(name)
    with path.open(encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if line.strip() and not line.startswith("#")]
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = [h.strip() for h in next(reader)]
    rows = []
    for raw in reader:
        cells = [c.strip() for c in raw] + [""] * len(header)
        rows.append(dict(zip(header, cells[:len(header)])))
    return tuple(rows)


def split_values(cell: str) -> tuple[str, ...]:
    """The ``|``-separated values of one cell, without empties."""
    return tuple(v.strip() for v in cell.split("|") if v.strip())
