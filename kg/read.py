"""Reading articles: ``.txt`` files (with a ``NAME.json`` sidecar), ``.jsonl`` corpora,
directories of those, or ``-`` for standard input.

Each input yields an :class:`~kg.model.Article` or an :class:`~kg.errors.InputError`
naming the file, line or byte offset at fault, so one bad input never stops the rest.
"""
from __future__ import annotations

import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable, Iterator

from .errors import InputError
from .model import Article

__all__ = ["MAX_CHARS", "read_articles", "read_text_file", "article_from_dict", "decode_text"]

#: Longest article accepted, in characters (spaCy's own default limit).
MAX_CHARS = 1_000_000
_META_KEYS = ("title", "source", "url", "published", "language")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HTML_START = re.compile(r"^\s*(<!doctype html|<html|<head|<body|<article|<p[\s>]|<div[\s>])", re.I)


class _TextOf(HTMLParser):
    """Collects the visible text of an HTML page, one block per line."""

    _BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "title",
              "article", "section", "header", "footer", "blockquote", "figcaption"}
    _SKIP = {"script", "style", "noscript", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self._skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self._SKIP and self._skip:
            self._skip -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _html_to_text(html: str) -> str:
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r"\s*\n\s*", "\n\n", text).strip() + "\n"


def decode_text(data: bytes, where: str, encoding: str = "utf-8") -> str:
    """Bytes of an article to its text, or an InputError naming what is wrong.

    Binary data and undecodable bytes are refused with the byte offset; control
    characters (NUL...) become spaces so character offsets still match the file;
    an HTML page is reduced to its visible text.
    """
    if b"\x00" in data[:8192] and data[:8192].count(b"\x00") > len(data[:8192]) // 10:
        raise InputError(f"{where}: binary file, not text")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{where}: not valid {encoding} at byte offset {exc.start} "
            f"(byte 0x{data[exc.start]:02x}); convert it or pass --encoding") from None
    except LookupError:
        raise InputError(f"unknown encoding: {encoding}") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    text = _CONTROL.sub(" ", text)
    if _HTML_START.match(text):
        text = _html_to_text(text)
    if not text.strip():
        raise InputError(f"{where}: empty article (no text)")
    if len(text) > MAX_CHARS:
        raise InputError(f"{where}: article too long ({len(text):,} characters; "
                         f"the limit is {MAX_CHARS:,})")
    return text


def _meta(data: dict, where: str) -> dict:
    meta = {}
    for key in _META_KEYS:
        value = data.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, (str, int, float)):
            raise InputError(f"{where}: field {key!r} must be a string")
        meta[key] = str(value)
    if "published" in meta:
        if not _DATE.match(meta["published"]):
            raise InputError(f"{where}: 'published' must be an ISO date (YYYY-MM-DD), "
                             f"got {meta['published']!r}")
        meta["published"] = meta["published"][:10]
    return meta


def _load_json(raw: str, where: str) -> dict:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: broken JSON at line {exc.lineno}, column {exc.colno}: "
                         f"{exc.msg}") from None
    if not isinstance(data, dict):
        raise InputError(f"{where}: expected a JSON object")
    return data


def article_from_dict(data: dict, where: str, default_id: str | None = None) -> Article:
    """An article from a JSON object with ``text`` and optional metadata fields."""
    text = data.get("text")
    if not isinstance(text, str):
        raise InputError(f"{where}: no 'text' string")
    art_id = data.get("id", default_id)
    if art_id is None or str(art_id).strip() == "":
        raise InputError(f"{where}: no 'id'")
    text = decode_text(text.encode("utf-8", "surrogatepass"), where) if text else text
    if not text or not text.strip():
        raise InputError(f"{where}: empty article (no text)")
    return Article(id=str(art_id).strip(), text=text, **_meta(data, where))


def read_text_file(path: Path, encoding: str = "utf-8") -> Article:
    """One ``.txt`` article with its optional ``NAME.json`` sidecar."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    text = decode_text(data, str(path), encoding)
    meta: dict = {}
    art_id = path.stem
    sidecar = path.with_suffix(".json")
    if sidecar.is_file():
        try:
            raw = sidecar.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{sidecar}: cannot read sidecar: {exc}") from None
        side = _load_json(raw, str(sidecar))
        meta = _meta(side, str(sidecar))
        if side.get("id"):
            art_id = str(side["id"]).strip()
    return Article(id=art_id, text=text, **meta)


def _read_jsonl(lines: Iterable[str], where: str) -> Iterator[Article | InputError]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        loc = f"{where}, line {number}"
        try:
            yield article_from_dict(_load_json(line, loc), loc)
        except InputError as exc:
            yield exc


def _read_path(path: Path, encoding: str) -> Iterator[Article | InputError]:
    if path.suffix == ".jsonl":
        try:
            with path.open(encoding="utf-8", errors="strict") as fh:
                yield from _read_jsonl(fh, str(path))
        except UnicodeDecodeError as exc:
            yield InputError(f"{path}: not valid UTF-8 at byte offset {exc.start}")
        except OSError as exc:
            yield InputError(f"{path}: cannot read: {exc.strerror}")
    else:
        try:
            yield read_text_file(path, encoding)
        except InputError as exc:
            yield exc


def read_articles(paths: Iterable[str | Path], encoding: str = "utf-8"
                  ) -> Iterator[Article | InputError]:
    """Articles from files, directories, ``.jsonl`` corpora or ``-`` (stdin).

    Yields each article, or an InputError for each input that cannot be read.
    """
    for p in paths:
        if str(p) == "-":
            data = sys.stdin.buffer.read()
            head = data.lstrip()[:1]
            if head == b"{":
                yield from _read_jsonl(data.decode("utf-8", "replace").splitlines(), "<stdin>")
            else:
                try:
                    yield Article(id="stdin", text=decode_text(data, "<stdin>", encoding))
                except InputError as exc:
                    yield exc
            continue
        path = Path(p)
        if path.is_dir():
            files = sorted(f for f in path.rglob("*")
                           if f.is_file() and f.suffix in (".txt", ".jsonl"))
            if not files:
                yield InputError(f"{path}: no articles (.txt or .jsonl files) in this directory")
            for f in files:
                yield from _read_path(f, encoding)
        elif path.is_file():
            yield from _read_path(path, encoding)
        else:
            yield InputError(f"{path}: no such file or directory")
