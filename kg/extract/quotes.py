"""Quotations in an article: where each quote runs and who speaks it."""
from __future__ import annotations

__all__ = ["quote_spans"]

_OPEN = {"“": "”", "«": "»", "„": "“"}


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of quoted passages (inside the marks), paragraph by paragraph.

    Curly quotes pair open with close; straight ``"`` marks pair in order. A quote
    left open runs to the end of its paragraph (the usual style when a quotation
    continues in the next paragraph). Unbalanced marks never raise.

    >>> quote_spans('He said "no". Then “yes,” she said.')
    [(9, 11), (20, 24)]
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for para in text.split("\n"):
        start_of_para = pos
        pos += len(para) + 1
        open_at = None
        closer = None
        for i, ch in enumerate(para):
            if open_at is None:
                if ch in _OPEN:
                    open_at, closer = i + 1, _OPEN[ch]
                elif ch == '"':
                    open_at, closer = i + 1, '"'
            elif ch == closer or (closer != '"' and ch == '"'):
                if i > open_at:
                    spans.append((start_of_para + open_at, start_of_para + i))
                open_at = None
        if open_at is not None and len(para) > open_at:
            end = len(para.rstrip())
            if end > open_at:
                spans.append((start_of_para + open_at, start_of_para + end))
    return spans
