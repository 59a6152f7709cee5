"""Reading articles: ``.txt`` files (with a ``NAME.json`` sidecar), ``.jsonl`` corpora,
directories of those, or ``-`` for standard input.

Each input yields an :class:`~kg.model.Article` or an :class:`~kg.errors.InputError`
naming the file, line or byte offset at fault, so one bad input never stops the rest.

Limits (each refusal names its limit): a file, sidecar or ``.jsonl`` line of more
than :data:`MAX_BYTES` bytes is refused without being read; an article of more
than :data:`MAX_CHARS` characters or :data:`MAX_TOKENS` words and punctuation
marks is refused before it reaches the parser.
"""
from __future__ import annotations

import datetime as _dt
import itertools
import json
import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from .errors import InputError
from .model import Article

__all__ = ["MAX_CHARS", "MAX_TOKENS", "MAX_BYTES", "read_articles", "read_text_file",
           "article_from_dict", "decode_text", "clean_text"]

#: Longest article accepted, in characters (spaCy's own default limit).
MAX_CHARS = 1_000_000
#: Most words and punctuation marks in one article: it bounds the memory of a
#: build (about 600 MB a process at the limit; one 100,000-word sentence takes
#: 1.8 GB and a minute; see docs/exit-codes.md).
MAX_TOKENS = 20_000
#: Biggest file, sidecar or ``.jsonl`` line read at all, in bytes (checked before reading).
MAX_BYTES = 4 * MAX_CHARS

_META_KEYS = ("title", "source", "url", "published", "language")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_TOKEN = re.compile(r"\w+|[^\w\s]")
_HTML_START = re.compile(r"^\s*(<!doctype html|<html|<head|<body|<article|<p[\s>]|<div[\s>])", re.I)
_SNIFF = 8192  # bytes looked at to tell binary from text
_MAGIC = {b"%PDF": "a PDF document", b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image",
          b"GIF8": "a GIF image", b"PK\x03\x04": "a ZIP archive (docx, xlsx, odt...)",
          b"\x1f\x8b": "gzip-compressed", b"\x7fELF": "a program",
          b"\xfd7zXZ": "xz-compressed", b"SQLite format 3": "an SQLite database"}
_BOMS = {b"\xff\xfe\x00\x00": "utf-32", b"\x00\x00\xfe\xff": "utf-32",
         b"\xff\xfe": "utf-16", b"\xfe\xff": "utf-16"}


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
    text = _CONTROL.sub(" ", text)  # character references such as &#0; decode to controls
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r"\s*\n\s*", "\n\n", text).strip() + "\n"


def _too_big(where: str, size: int | None = None) -> InputError:
    said = f"{size:,} bytes" if size is not None else f"over {MAX_BYTES:,} bytes"
    return InputError(f"{where}: too big ({said}; the limit is {MAX_BYTES:,} bytes, "
                      f"and {MAX_CHARS:,} characters or {MAX_TOKENS:,} words an article)")


def _binary_kind(head: bytes) -> str | None:
    """What a file that starts with ``head`` is, if it is plainly not text."""
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    if head.count(b"\x00") > len(head) // 10:
        return "not text"
    return None


def clean_text(text: str, where: str) -> str:
    """An article's text made safe to parse, or an InputError naming what is wrong.

    Control characters (NUL...) become spaces, so character offsets still match
    the input; an HTML page is reduced to its visible text; empty and too long
    texts (see :data:`MAX_CHARS`, :data:`MAX_TOKENS`) are refused.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    bad = _SURROGATE.search(text)
    if bad:
        raise InputError(f"{where}: not Unicode text: a lone surrogate "
                         f"(\\u{ord(bad.group()):04x}) at character {bad.start()}")
    text = _CONTROL.sub(" ", text)
    if _HTML_START.match(text):
        text = _html_to_text(text)
    if not text.strip():
        raise InputError(f"{where}: empty article (no text)")
    if len(text) > MAX_CHARS:
        raise InputError(f"{where}: article too long ({len(text):,} characters; "
                         f"the limit is {MAX_CHARS:,})")
    tokens = sum(1 for _ in itertools.islice(_TOKEN.finditer(text), MAX_TOKENS + 1))
    if tokens > MAX_TOKENS:
        raise InputError(f"{where}: article too long (over {MAX_TOKENS:,} words and "
                         f"punctuation marks, the limit); split it into parts")
    return text


def decode_text(data: bytes, where: str, encoding: str = "utf-8") -> str:
    """Bytes of an article to its text, or an InputError naming what is wrong.

    Binary data and undecodable bytes are refused (naming the byte offset); then
    :func:`clean_text` applies.
    """
    head = data[:_SNIFF]
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        for bom, name in _BOMS.items():
            if head.startswith(bom):
                raise InputError(f"{where}: {name.upper()} text (it starts with a {name.upper()} "
                                 f"byte-order mark); pass --encoding {name}")
    kind = _binary_kind(head) if encoding.lower().replace("_", "-") not in (
        "utf-16", "utf-32", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be") else None
    if kind is not None:
        raise InputError(f"{where}: binary file ({kind}), not text")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        if b"\x00" in head:
            raise InputError(f"{where}: binary file (not text): not valid {encoding} at "
                             f"byte offset {exc.start}") from None
        raise InputError(
            f"{where}: not valid {encoding} at byte offset {exc.start} "
            f"(byte 0x{data[exc.start]:02x}); convert it or pass --encoding") from None
    except LookupError:
        raise InputError(f"unknown encoding: {encoding}") from None
    return clean_text(text, where)


def _meta(data: dict, where: str) -> dict:
    meta = {}
    for key in _META_KEYS:
        value = data.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise InputError(f"{where}: field {key!r} must be a string")
        meta[key] = str(value)
    if "published" in meta:
        date = meta["published"][:10]
        try:
            if not _DATE.match(meta["published"]):
                raise ValueError
            _dt.date.fromisoformat(date)
        except ValueError:
            raise InputError(f"{where}: 'published' must be an ISO date (YYYY-MM-DD), "
                             f"got {meta['published'][:40]!r}") from None
        meta["published"] = date
    return meta


def _load_json(raw: str, where: str, *, one_line: bool = False) -> dict:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        at = f"column {exc.colno}" if one_line else f"line {exc.lineno}, column {exc.colno}"
        message = exc.msg[:-3] if exc.msg.endswith(" at") else exc.msg
        raise InputError(f"{where}: broken JSON at {at}: {message}") from None
    except RecursionError:
        raise InputError(f"{where}: JSON nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise InputError(f"{where}: unreadable JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(f"{where}: expected a JSON object")
    return data


def _article_id(value, where: str, fix: str = "give it an 'id'") -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InputError(f"{where}: 'id' must be a string")
    art_id = str(value).strip()
    if not art_id:
        raise InputError(f"{where}: no 'id'")
    if _SURROGATE.search(art_id):
        raise InputError(f"{where}: the article id is not Unicode text (a lone surrogate; "
                         f"a file name that is not UTF-8?); {fix}")
    return art_id


def article_from_dict(data: dict, where: str, default_id: str | None = None) -> Article:
    """An article from a JSON object with ``text`` and optional metadata fields."""
    text = data.get("text")
    if not isinstance(text, str):
        raise InputError(f"{where}: no 'text' string")
    raw_id = data.get("id", default_id)
    if raw_id is None or raw_id == "":
        raise InputError(f"{where}: no 'id'")
    art_id = _article_id(raw_id, where)
    return Article(id=art_id, text=clean_text(text, where), **_meta(data, where))


def _read_bounded(path: Path, what: str = "") -> bytes:
    """The bytes of ``path``; refused unread when bigger than MAX_BYTES."""
    try:
        with path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_BYTES:
                raise _too_big(f"{path}{what}", size)
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot read{what}: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:  # a pipe or device, or a file that grew
        raise _too_big(f"{path}{what}")
    return data


def read_text_file(path: Path, encoding: str = "utf-8") -> Article:
    """One ``.txt`` article with its optional ``NAME.json`` sidecar."""
    path = Path(path)
    text = decode_text(_read_bounded(path), str(path), encoding)
    meta: dict = {}
    art_id = path.stem
    sidecar = path.with_suffix(".json")
    if sidecar.is_file():
        raw = _read_bounded(sidecar, " (sidecar)")
        try:
            side = _load_json(raw.decode("utf-8-sig"), str(sidecar))
        except UnicodeDecodeError as exc:
            raise InputError(f"{sidecar}: not valid UTF-8 at byte offset {exc.start} "
                             f"(byte 0x{raw[exc.start]:02x})") from None
        meta = _meta(side, str(sidecar))
        if side.get("id") not in (None, ""):
            art_id = _article_id(side["id"], str(sidecar))
            return Article(id=art_id, text=text, **meta)
    return Article(id=_article_id(art_id, f"{path}: file name",
                                  f"rename the file or give an 'id' in {sidecar.name}"),
                   text=text, **meta)


def _lines(fh: BinaryIO) -> Iterator[tuple[int, int, bytes | None]]:
    """``(number, byte offset, bytes)`` of each line; bytes is None for a line longer
    than MAX_BYTES, which is skipped without being held in memory."""
    number = offset = 0
    while True:
        line = fh.readline(MAX_BYTES + 1)
        if not line:
            return
        number += 1
        start = offset
        offset += len(line)
        if len(line) > MAX_BYTES and not line.endswith(b"\n"):
            while True:
                more = fh.readline(1 << 20)
                offset += len(more)
                if not more or more.endswith(b"\n"):
                    break
            yield number, start, None
        else:
            yield number, start, line


def _read_jsonl(lines: Iterable[tuple[int, int, bytes | None]], where: str
                ) -> Iterator[Article | InputError]:
    for number, start, line in lines:
        loc = f"{where}, line {number}"
        if line is None:
            yield _too_big(loc)
            continue
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line, start = line[3:], start + 3
        if not line.strip():
            continue
        try:
            raw = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield InputError(f"{loc}: not valid UTF-8 at byte offset {start + exc.start} "
                             f"(byte 0x{line[exc.start]:02x})")
            continue
        try:
            yield article_from_dict(_load_json(raw, loc, one_line=True), loc)
        except InputError as exc:
            yield exc


def _read_path(path: Path, encoding: str) -> Iterator[Article | InputError]:
    if path.suffix == ".jsonl":
        try:
            with path.open("rb") as fh:
                yield from _read_jsonl(_lines(fh), str(path))
        except OSError as exc:
            yield InputError(f"{path}: cannot read: {exc.strerror or exc}")
    else:
        try:
            yield read_text_file(path, encoding)
        except InputError as exc:
            yield exc


def _read_stdin(encoding: str) -> Iterator[Article | InputError]:
    """Standard input: a ``.jsonl`` corpus if its first non-blank line opens an object,
    else one article's text."""
    lines = _lines(sys.stdin.buffer)
    head = []
    for item in lines:
        head.append(item)
        if item[2] is None or item[2].strip():
            break
    first = (head[-1][2] or b"") if head else b""
    if first.lstrip().removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"{"):
        yield from _read_jsonl(itertools.chain(head, lines), "<stdin>")
        return
    chunks, size = [], 0
    for _, _, line in itertools.chain(head, lines):
        if line is None or size + len(line) > MAX_BYTES:
            yield _too_big("<stdin>")
            return
        chunks.append(line)
        size += len(line)
    try:
        yield Article(id="stdin", text=decode_text(b"".join(chunks), "<stdin>", encoding))
    except InputError as exc:
        yield exc


def read_articles(paths: Iterable[str | Path], encoding: str = "utf-8"
                  ) -> Iterator[Article | InputError]:
    """Articles from files, directories, ``.jsonl`` corpora or ``-`` (stdin).

    Yields each article, or an InputError for each input that cannot be read.
    """
    for p in paths:
        if str(p) == "-":
            yield from _read_stdin(encoding)
            continue
        path = Path(p)
        if path.is_dir():
            try:
                files = sorted(f for f in path.rglob("*")
                               if f.suffix in (".txt", ".jsonl") and f.is_file())
            except OSError as exc:
                yield InputError(f"{path}: cannot list the directory: {exc.strerror or exc}")
                continue
            if not files:
                yield InputError(f"{path}: no articles (.txt or .jsonl files) in this directory")
            for f in files:
                yield from _read_path(f, encoding)
        elif path.exists():  # a file, or a pipe or device such as /dev/stdin
            yield from _read_path(path, encoding)
        else:
            yield InputError(f"{path}: no such file or directory")
