"""A private copy of the store to read from, retaken when the store has changed.

pyoxigraph documents reading a store that another process is writing as undefined
behaviour. So a reader that must live alongside builds (the endpoint) never opens
the live store: it reads a copy taken while no writer holds the store, and takes a
new one once the store has changed and the writer has gone.
"""
from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .errors import StoreError, StoreLockedError

try:
    import fcntl
except ImportError:  # not a POSIX system: no lock to look at
    fcntl = None

__all__ = ["Snapshots", "fingerprint"]

_DB_FILE = re.compile(r"^(CURRENT|IDENTITY|MANIFEST-\d+|OPTIONS-\d+|\d+\.(sst|log|blob))$")


def fingerprint(directory: str | os.PathLike) -> tuple:
    """Name, size and time of each database file of a store: changes whenever the store does."""
    out = []
    for entry in os.scandir(directory):
        if _DB_FILE.match(entry.name) and entry.is_file():
            st = entry.stat()
            out.append((entry.name, st.st_size, st.st_mtime_ns))
    return tuple(sorted(out))


def _record_lock(fd: int, kind: int) -> None:
    """Set (``F_RDLCK``) or clear (``F_UNLCK``) an open-file-description lock on a file.

    The database's writer holds a classic record lock on its ``LOCK`` file. An
    open-file-description lock conflicts with it, even within this process, and
    clearing it leaves the writer's lock alone.
    """
    import struct
    flock = struct.pack("@hhqqi", kind, os.SEEK_SET, 0, 0, 0)
    flock += b"\0" * (32 - len(flock))
    fcntl.fcntl(fd, fcntl.F_OFD_SETLK, flock)


_OWNER = "dkg-serve.owner"   # locked by the process serving a copy, for as long as it does
_STALE_S = 60.0              # age after which a copy without an owner file is debris


@dataclass
class _Snapshot:
    path: Path
    signature: tuple
    owner: int | None = None  # descriptor of the locked owner file
    refs: int = 0
    retired: bool = False

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        if self.owner is not None:
            os.close(self.owner)
            self.owner = None


def _sweep(parent: Path, prefix: str) -> None:
    """Remove copies left behind by servers that were killed (their owner file is unlocked)."""
    try:
        entries = [p for p in parent.iterdir() if p.name.startswith(prefix) and p.is_dir()]
    except OSError:
        return
    for path in entries:
        try:
            fd = os.open(path / _OWNER, os.O_RDONLY)
        except FileNotFoundError:
            try:
                if time.time() - path.stat().st_mtime > _STALE_S:
                    shutil.rmtree(path, ignore_errors=True)
            except OSError:
                pass
            continue
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a live server's copy
        finally:
            os.close(fd)
        shutil.rmtree(path, ignore_errors=True)


class Snapshots:
    """The store as last seen whole: a private copy, retaken when the store has changed.

    A copy is taken only while no process holds the store for writing (the database's
    own lock file is locked shared for the few milliseconds of the copy, so a build
    cannot start in the middle of it). Immutable table files are hard-linked when the
    file system allows it, the rest is copied; the copy sits next to the store in a
    hidden directory, or in the temporary directory when that is not writable, and is
    removed when the server stops (copies left by a killed server are removed by the
    next one). While a build holds the store the last copy keeps being served; a build's
    articles appear once the build has closed the store, all at once.
    """

    def __init__(self, store_dir, *, refresh_s: float = 2.0) -> None:
        self.store_dir = Path(store_dir)
        self.refresh_s = refresh_s
        if not (self.store_dir / "CURRENT").is_file():
            what = "does not exist" if not self.store_dir.exists() else "is not a dkg store"
            raise StoreError(f"{self.store_dir} {what}; build one first (dkg build)")
        self._lock = threading.Lock()
        self._checked = time.monotonic()
        # The database's LOCK file stays open for the life of the process: closing any
        # descriptor of it would drop a classic record lock held by a writer in this
        # process (a POSIX rule). Without open-file-description locks (not Linux) only
        # dkg's own lock file is consulted, so only dkg writers are waited for.
        self._db_lock = None
        if fcntl is not None and hasattr(fcntl, "F_OFD_SETLK") and \
                (self.store_dir / "LOCK").exists():
            self._db_lock = os.open(self.store_dir / "LOCK", os.O_RDONLY)
        if fcntl is not None:
            for parent in (self.store_dir.resolve().parent, Path(tempfile.gettempdir())):
                _sweep(parent, self._prefix)
        snap = self._take()
        if snap is None:
            raise StoreLockedError(
                f"{self.store_dir} is being written (by a build?); "
                f"serve it once that process has finished")
        self._current = snap
        atexit.register(self.close)

    def _take(self) -> _Snapshot | None:
        """A new copy of the store, or None while a writer holds it.

        Both locks a writer takes are held shared during the copy: dkg's own lock
        file (a dkg writer then waits for the copy to end) and the database's
        (any other writer fails to open instead of changing files under the copy);
        either one held by a writer means "busy".
        """
        from .store import LOCK_FILE
        dkg_lock, db_locked = None, False
        try:
            if fcntl is not None and (self.store_dir / LOCK_FILE).exists():
                dkg_lock = os.open(self.store_dir / LOCK_FILE, os.O_RDONLY)
                try:
                    fcntl.flock(dkg_lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
                except OSError:
                    return None
            if self._db_lock is not None:
                self._follow_lock_file()
                try:
                    _record_lock(self._db_lock, fcntl.F_RDLCK)
                except OSError:
                    return None
                db_locked = True
            signature = fingerprint(self.store_dir)
            target, owner = self._new_dir()
            try:
                for name, _size, _mtime in signature:
                    src, dst = self.store_dir / name, target / name
                    if name.endswith(".sst"):
                        try:
                            os.link(src, dst)
                            continue
                        except OSError:
                            pass
                    shutil.copy2(src, dst)
            except BaseException:
                _Snapshot(target, signature, owner).remove()
                raise
            return _Snapshot(target, signature, owner)
        finally:
            if db_locked:
                _record_lock(self._db_lock, fcntl.F_UNLCK)
            if dkg_lock is not None:
                os.close(dkg_lock)  # releases the shared flock, and only it

    def _follow_lock_file(self) -> None:
        """Reopen the database's LOCK file if the store was replaced by a new one."""
        try:
            if os.stat(self.store_dir / "LOCK").st_ino == os.fstat(self._db_lock).st_ino:
                return
            fresh = os.open(self.store_dir / "LOCK", os.O_RDONLY)
        except OSError:
            return
        os.close(self._db_lock)  # the old file is gone; no writer can hold it any more
        self._db_lock = fresh

    @property
    def _prefix(self) -> str:
        return f".{self.store_dir.resolve().name}.serving-"

    def _new_dir(self) -> tuple[Path, int | None]:
        """A new directory for a copy, and its owner file held locked (None without locks)."""
        for parent in (self.store_dir.resolve().parent, None):
            try:
                path = Path(tempfile.mkdtemp(prefix=self._prefix, dir=parent))
            except OSError:
                continue
            owner = None
            if fcntl is not None:
                owner = os.open(path / _OWNER, os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(owner, fcntl.LOCK_EX)
            return path, owner
        raise StoreError("cannot make a directory for the served copy of the store")

    def _maybe_refresh(self) -> None:
        now = time.monotonic()
        if now - self._checked < self.refresh_s:
            return
        self._checked = now
        try:
            if fingerprint(self.store_dir) == self._current.signature:
                return
            snap = self._take()
        except OSError:
            return  # keep serving the copy we have
        if snap is not None:
            old, self._current = self._current, snap
            old.retired = True
            if old.refs == 0:
                old.remove()

    @contextmanager
    def use(self) -> Iterator[str]:
        """The directory of the current copy, kept until the block ends."""
        with self._lock:
            self._maybe_refresh()
            snap = self._current
            snap.refs += 1
        try:
            yield str(snap.path)
        finally:
            with self._lock:
                snap.refs -= 1
                if snap.retired and snap.refs == 0:
                    snap.remove()

    def close(self) -> None:
        """Remove the copy (call once no query runs any more); safe to call twice."""
        with self._lock:
            self._current.remove()
        atexit.unregister(self.close)
