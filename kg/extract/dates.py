"""Resolving date phrases ("Saturday", "Jan. 28", "yesterday") against a publication date."""
from __future__ import annotations

import datetime as dt
import re

__all__ = ["resolve_date"]

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
_MONTH_DAY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([A-Za-z]{3,9})(?:,?\s+(\d{4}))?\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _month(word: str) -> int | None:
    w = word.lower()[:3]
    if w == "sep" or word.lower().startswith("sept"):
        return 9
    return _MONTHS.get(w) if word.lower()[:3] in _MONTHS and (
        len(word) <= 4 or word.lower().startswith(
            ("january", "february", "march", "april", "may", "june", "july", "august",
             "september", "october", "november", "december"))) else None


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def resolve_date(phrase: str, published: str | None) -> str | None:
    """The ISO day a date phrase names, or None when the text does not fix it.

    >>> resolve_date("early Saturday afternoon", "2023-02-07")
    '2023-02-04'
    >>> resolve_date("Jan. 28", "2023-02-07")
    '2023-01-28'
    >>> resolve_date("last month", "2023-02-07") is None
    True
    """
    text = phrase.strip()
    low = text.lower()
    m = _ISO.search(text)
    if m:
        d = _safe_date(int(m[1]), int(m[2]), int(m[3]))
        return d.isoformat() if d else None
    pub = None
    if published:
        try:
            pub = dt.date.fromisoformat(published[:10])
        except ValueError:
            pub = None
    for rx, order in ((_MONTH_DAY, "md"), (_DAY_MONTH, "dm")):
        m = rx.search(text)
        if not m:
            continue
        month = _month(m[1] if order == "md" else m[2])
        if not month:
            continue
        day = int(m[2] if order == "md" else m[1])
        if m[3]:
            d = _safe_date(int(m[3]), month, day)
            return d.isoformat() if d else None
        if pub is None:
            return None
        d = _safe_date(pub.year, month, day)
        if d and d > pub + dt.timedelta(days=31):
            d = _safe_date(pub.year - 1, month, day)
        return d.isoformat() if d else None
    if pub is None:
        return None
    if re.search(r"\b(last|next|this|past|every|each)\s+(week|month|year|\w+day)\b", low) \
            and not re.search(r"\bthis\s+(morning|afternoon|evening)\b", low):
        return None
    if re.search(r"\byesterday\b", low):
        return (pub - dt.timedelta(days=1)).isoformat()
    if re.search(r"\b(today|tonight|this (morning|afternoon|evening))\b", low):
        return pub.isoformat()
    for i, name in enumerate(_WEEKDAYS):
        if re.search(rf"\b{name}\b", low):
            delta = (pub.weekday() - i) % 7
            return (pub - dt.timedelta(days=delta)).isoformat()
    return None
