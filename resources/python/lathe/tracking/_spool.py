"""Spool files: append-only JSON lines, fsync'd, flock'ed by the process that writes or replays one."""

from __future__ import annotations

import json
import os
import threading
import uuid

try:
    import fcntl
except ImportError:  # Windows: no flock; a spool file may then be replayed twice, which dedupes.
    fcntl = None


def _lock(handle, blocking):
    if fcntl is None:
        return True
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        return True
    except OSError:
        return False


def _line(record):
    return json.dumps(record, separators=(",", ":"), allow_nan=False).encode("utf-8") + b"\n"


class _SpoolFile:
    """One append-only JSON-lines spool file, flock'ed by the process that writes or replays it."""

    def __init__(self, path, handle):
        self.path = path
        self._handle = handle
        self._lock = threading.Lock()

    @classmethod
    def create(cls, directory, stem):
        """A new file, locked before it gets its .jsonl name so no replayer ever sees it unlocked."""
        os.makedirs(directory, exist_ok=True)
        stem = f"{stem}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        temp = os.path.join(directory, f".{stem}.tmp")
        handle = open(temp, "a+b")
        _lock(handle, blocking=True)
        final = os.path.join(directory, f"{stem}.jsonl")
        os.replace(temp, final)
        return cls(final, handle)

    @classmethod
    def open_existing(cls, path):
        """Another process's file, or None when it is gone or still held by a live process."""
        try:
            handle = open(path, "a+b")
        except OSError:
            return None
        if not _lock(handle, blocking=False):
            handle.close()
            return None
        try:
            same = os.fstat(handle.fileno()).st_ino == os.stat(path).st_ino
        except OSError:
            same = False
        if not same:  # deleted (and maybe made again) by its replayer meanwhile
            handle.close()
            return None
        spool = cls(path, handle)
        size = os.fstat(handle.fileno()).st_size
        if size:
            handle.seek(size - 1)
            if handle.read(1) != b"\n":  # a line cut short by a crash: keep our appends on lines of their own
                handle.write(b"\n")
                handle.flush()
        return spool

    def append(self, records, sync=True):
        if not records:
            return
        data = b"".join(_line(record) for record in records)
        with self._lock:
            self._handle.write(data)
            self._handle.flush()
            if sync:
                os.fsync(self._handle.fileno())

    def records(self):
        with self._lock:
            self._handle.flush()
            self._handle.seek(0)
            data = self._handle.read()
        out = []
        for line in data.split(b"\n"):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                continue  # cut short by a crash
            if isinstance(record, dict) and isinstance(record.get("type"), str):
                out.append(record)
        return out

    def remove(self):
        with self._lock:
            try:
                os.unlink(self.path)
            except OSError:
                pass
            self._handle.close()

    def close(self):
        with self._lock:
            self._handle.close()

