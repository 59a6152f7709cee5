"""Page furniture: the stretches of an article that are not the story."""
from __future__ import annotations

import re
from functools import lru_cache

from .tables import read_table

__all__ = ["skipped_ranges", "blank_ranges"]


@lru_cache(maxsize=1)
def _patterns(scope: str) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(row["pattern"], re.I) for row in read_table("boilerplate.tsv")
                 if row["scope"] == scope)


def skipped_ranges(text: str, title: str | None = None) -> list[tuple[int, int]]:
    """Character ranges that produce no acts: the headline, page furniture
    (error widgets, credits, syndication footers) and the second copy of a
    paragraph printed twice (a caption repeated by the page).

    >>> skipped_ranges("Headline\\n\\nBody text.\\nOops!\\n", title="Headline")
    [(0, 8), (21, 26)]
    """
    out: list[tuple[int, int]] = []
    seen: set[str] = set()
    pos = 0
    first = True
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        stripped = line.strip()
        if not stripped:
            continue
        norm = " ".join(stripped.split()).lower()
        if first:
            first = False
            is_title = (title and norm == " ".join(title.split()).lower()) or (
                not title and not re.search(r"[.!?\"”]$", stripped) and len(stripped) < 160
                and text[end:end + 2] == "\n\n")
            if is_title:
                out.append((start, end))
                continue
        if any(p.fullmatch(stripped) for p in _patterns("line")) or norm in seen:
            out.append((start, end))
            continue
        if len(norm) > 40:
            seen.add(norm)
        for p in _patterns("inline"):
            out.extend((start + m.start(), start + m.end()) for m in p.finditer(line))
    return sorted(out)


def blank_ranges(text: str, ranges: list[tuple[int, int]]) -> str:
    """``text`` with every character of ``ranges`` but line breaks made a space,
    so the parser never sees page furniture and offsets still match the text.

    >>> blank_ranges("ab\ncd", [(1, 4)])
    'a \n d'
    """
    chars = list(text)
    for a, b in ranges:
        for i in range(max(0, a), min(len(chars), b)):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)
