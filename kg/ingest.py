"""Building a store from articles: read, skip the unchanged, extract, build RDF, write.

Each article is written whole (a transaction holds whole articles only: the new
ones of a few articles at once), in input order, so the same input always gives
the same store; one bad input never stops the rest. The writing runs in a thread
of its own while the parser works on the next articles.
"""
from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import __version__
from .build import extraction_triples
from .errors import DkgError, InputError
from .extract import extract_articles, load_nlp, model_id
from .model import Article, Extraction
from .namespaces import graph_iri
from .read import read_articles
from .store import Store, article_graph, provenance_key

__all__ = ["IngestReport", "ingest"]

#: Articles the parser takes at a time (spaCy's ``nlp.pipe`` batch): larger batches parse
#: a little faster, but an article's graph is written up to this many articles later, so a
#: build that is stopped loses more parsing and readers see the store move in bigger steps.
BATCH_SIZE = 16

#: ``progress(status, what)``: status is "built", "unchanged" or "failed";
#: ``what`` is the article id, or the error message of a failure.
Progress = Callable[[str, str], None]


@dataclass
class IngestReport:
    """What an ingest did: how many articles were read, built, unchanged, and what failed."""

    read: int = 0
    built: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def failed(self) -> int:
        """How many inputs failed (each has a message in ``errors``)."""
        return len(self.errors)

    @property
    def stored(self) -> int:
        """How many articles are in the store as read (built or unchanged)."""
        return self.built + self.unchanged


def ingest(paths_or_articles: Iterable[str | Path | Article], store: Store, *,
           model: str | None = None, jobs: int = 1, encoding: str = "utf-8",
           progress: Progress | None = None) -> IngestReport:
    """Put articles (paths as for ``dkg build``, or Article records) into ``store``.

    Unchanged articles (same content hash, dkg version and model) are skipped;
    the others are extracted (``jobs`` processes), built and written, each whole
    (see :meth:`Store.put_articles`). Returns an :class:`IngestReport`; raises only for store errors.
    """
    report = IngestReport()
    notify = progress or (lambda status, what: None)
    store.ensure_ontology()
    seen: dict[str, str] = {}  # graph IRI -> the id of the article that has it
    model_name: str | None = None  # loaded on the first article only
    built_from: dict = {}  # Store.provenance(), read at the first article

    def fail(message: str) -> None:
        report.errors.append(message)
        notify("failed", message)

    def to_extract() -> Iterator[Article]:
        nonlocal model_name, built_from
        for item in _articles(paths_or_articles, encoding):
            if isinstance(item, InputError):
                fail(str(item))
                continue
            report.read += 1
            graph = str(graph_iri(item.id))
            first = seen.get(graph)
            if first == item.id:
                fail(f"{item.id}: the same article id came twice; the first one was kept")
                continue
            if first is not None:  # e.g. "a/b" and "a_b": one graph, so one would be lost
                fail(f"{item.id}: this id names the same graph as the article {first!r} "
                     f"('/' reads as '_'); the first one was kept; rename one of them")
                continue
            seen[graph] = item.id
            if model_name is None:
                model_name = model_id(load_nlp(model))
                built_from = store.provenance()
            # as Store.is_current answers it, for all articles with one question
            wanted = provenance_key(item.id, item.sha256, __version__, model_name)
            if wanted in built_from.get(graph, ()):
                report.unchanged += 1
                notify("unchanged", item.id)
                continue
            yield item

    def built(article_ids: list[str]) -> None:
        report.built += len(article_ids)
        for article_id in article_ids:
            notify("built", article_id)

    with _Writer(store) as writer:
        for item in _extract_each(to_extract(), model, jobs):
            built(writer.written())
            if isinstance(item, tuple):
                article, exc = item
                fail(f"{article.id}: extraction failed: {type(exc).__name__}: {exc}")
                continue
            try:
                article_graph(item.article.id)  # a reserved id fails here, on its own
                triples = extraction_triples(item, __version__)
            except InputError as exc:
                fail(str(exc))
                continue
            except (ValueError, TypeError, KeyError) as exc:
                fail(f"{item.article.id}: cannot build its graph: {type(exc).__name__}: {exc}")
                continue
            writer.put(item.article.id, triples)
        writer.finish()
        built(writer.written())
    return report


class _Writer:
    """Writes articles' graphs into the store in a thread of its own, in input order.

    While the parser works on the next articles, the graphs built so far go
    into the store: all that are waiting when the thread comes to write, up to
    BATCH_SIZE, in one call of :meth:`Store.put_articles` (each article whole).
    ``written()`` gives the ids written since it was last asked. A store error
    stops the writing and is raised in the caller's thread, at its next
    ``put``, ``written`` or ``finish``.
    """

    _STOP = object()

    def __init__(self, store: Store) -> None:
        self._store = store
        self._queue: queue.Queue = queue.Queue(maxsize=2 * BATCH_SIZE)
        self._done: queue.SimpleQueue = queue.SimpleQueue()
        self._error: BaseException | None = None  # the writer's, until raised
        self._failed = False  # the writer met an error: it writes nothing more
        self._thread = threading.Thread(target=self._run, name="dkg-store-writer", daemon=True)
        self._started = False

    def __enter__(self) -> "_Writer":
        return self

    def __exit__(self, *exc) -> None:
        self._stop()

    def put(self, article_id: str, triples: list) -> None:
        """Queue one article's graph for writing (waits while the queue is full)."""
        self._raise()
        if not self._started:
            # started at the first graph, after the parser has started its processes
            self._thread.start()
            self._started = True
        while True:
            try:
                self._queue.put((article_id, triples), timeout=0.1)
                return
            except queue.Full:
                self._raise()

    def written(self) -> list[str]:
        """The ids of the articles written since the last call, in input order."""
        self._raise()
        out: list[str] = []
        while True:
            try:
                out.extend(self._done.get_nowait())
            except queue.Empty:
                return out

    def finish(self) -> None:
        """Wait until every queued article is written; raise the writer's error if any."""
        self._stop()
        self._raise()

    def _stop(self) -> None:
        if self._started and self._thread.is_alive():
            self._queue.put(self._STOP)
            self._thread.join()

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _run(self) -> None:
        while True:
            group = [self._queue.get()]
            while len(group) < BATCH_SIZE and group[-1] is not self._STOP:
                try:
                    group.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            stop = group[-1] is self._STOP
            if stop:
                group.pop()
            if group and not self._failed:
                try:
                    self._store.put_articles(group)
                except BaseException as exc:  # noqa: BLE001 - raised in the caller's thread
                    self._error = exc
                    self._failed = True
                else:
                    self._done.put([article_id for article_id, _ in group])
            if stop:
                return


def _articles(items: Iterable[str | Path | Article], encoding: str
              ) -> Iterator[Article | InputError]:
    """Articles as given, and those read from paths."""
    for item in items:
        if isinstance(item, Article):
            yield item
        else:
            yield from read_articles([item], encoding)


def _extract_each(articles: Iterator[Article], model: str | None, jobs: int
                  ) -> Iterator[Extraction | tuple[Article, Exception]]:
    """Extractions in input order; an article the extractor fails on comes as (article, error).

    After a failure the articles in flight are redone one by one to find the
    culprit, then streaming resumes with the rest.
    """
    in_flight: list[Article] = []

    def feed() -> Iterator[Article]:
        for article in articles:
            in_flight.append(article)
            yield article

    while True:
        try:
            for extraction in extract_articles(feed(), model=model, n_process=jobs,
                                               batch_size=BATCH_SIZE):
                in_flight.pop(0)
                yield extraction
            return
        except DkgError:  # the store or the model, not one article
            raise
        except Exception:  # noqa: BLE001 - the extractor is third-party code
            suspects = list(in_flight)
            in_flight.clear()
            if not suspects:  # it fails before reading anything: not an article's fault
                raise
            for article in suspects:
                try:
                    extraction = next(extract_articles([article], model=model))
                except Exception as exc:  # noqa: BLE001
                    yield article, exc
                else:
                    yield extraction
